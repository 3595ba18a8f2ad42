// Types `arguments[0]` into the filter one key at a time, then deletes it one key at a time;
// per keystroke, the ms from the input event to the DOM updated, to the next frame's start and
// to that frame painted, and how many frames late the next frame came (0: the rows were drawn
// in the frame right after the keystroke; at 60 Hz the next frame is up to 16.7 ms away
// whatever the page does, so "next frame" alone cannot tell a fast update from a slow one).
const [text, done] = arguments;
const input = document.getElementById('filter');
const tick = () => new Promise(r => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
const frame = () => new Promise(r => requestAnimationFrame(ts => r(ts)));
// A message posted from the frame's callback runs once that frame is rendered.
// Resolves with the frame's timestamp (its vsync), and when its callback ran.
const painted = () => new Promise(r => requestAnimationFrame(ts => {
  const at = performance.now();
  const c = new MessageChannel(); c.port1.onmessage = () => r({ ts, at }); c.port2.postMessage(0);
}));
(async () => {
  const dom = [], framed = [], paint = [], late = [];
  // The display's frame interval, with nothing happening.
  const idle = [];
  let prev = await frame();
  for (let i = 0; i < 12; i++) { const ts = await frame(); idle.push(ts - prev); prev = ts; }
  idle.sort((a, b) => a - b);
  const interval = idle[idle.length >> 1];
  const values = [];
  for (let i = 1; i <= text.length; i++) values.push(text.slice(0, i));
  for (let i = text.length - 1; i >= 0; i--) values.push(text.slice(0, i));
  for (const v of values) {
    const before = await frame(); await tick();
    input.value = v;
    const t0 = performance.now();
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
    await tick();
    dom.push(performance.now() - t0);
    const after = await painted();
    framed.push(after.at - t0);
    paint.push(performance.now() - t0);
    late.push(Math.max(0, Math.round((after.ts - before) / interval) - 1));
    if (v === text) {
      // Check that the table shows the filter's result by now.
      const rows = [...document.querySelectorAll('tr[data-row]')];
      const wrong = rows.filter(r => !r.textContent.toLowerCase().includes(text.toLowerCase()));
      if (rows.length === 0 || wrong.length) { done({ error: `after "${text}": ${rows.length} rows, ${wrong.length} not matching` }); return; }
    }
  }
  done({ dom, framed, paint, late, interval });
})();
