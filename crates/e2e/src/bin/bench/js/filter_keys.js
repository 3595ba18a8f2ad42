// Types `arguments[0]` into the filter one key at a time, then deletes it one key at a time;
// per keystroke, the ms from the input event to the DOM updated and to the next frame.
const [text, done] = arguments;
const input = document.getElementById('filter');
const tick = () => new Promise(r => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
const frame = () => new Promise(r => requestAnimationFrame(() => r()));
(async () => {
  const dom = [], framed = [];
  const values = [];
  for (let i = 1; i <= text.length; i++) values.push(text.slice(0, i));
  for (let i = text.length - 1; i >= 0; i--) values.push(text.slice(0, i));
  for (const v of values) {
    await frame(); await tick();
    input.value = v;
    const t0 = performance.now();
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
    await tick();
    dom.push(performance.now() - t0);
    await frame();
    framed.push(performance.now() - t0);
    if (v === text) {
      // Check that the table shows the filter's result by now.
      const rows = [...document.querySelectorAll('tr[data-row]')];
      const wrong = rows.filter(r => !r.textContent.toLowerCase().includes(text.toLowerCase()));
      if (rows.length === 0 || wrong.length) { done({ error: `after "${text}": ${rows.length} rows, ${wrong.length} not matching` }); return; }
    }
  }
  done({ dom, framed });
})();
