// Sets the comment to `arguments[0]`, clicks Save and times it until "Saved" is shown anew.
const [comment, done] = arguments;
const input = document.getElementById('comment');
const tick = () => new Promise(r => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
(async () => {
  input.value = comment;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
  await tick();
  const save = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Save');
  if (!save || save.disabled) { done({ error: 'Save is not enabled after editing the comment' }); return; }
  const saved = () => [...document.querySelectorAll('[role=status]')].some(e => e.textContent.includes('Saved'));
  let left = !saved();
  const t0 = performance.now();
  const mo = new MutationObserver(() => {
    if (!saved()) { left = true; return; }
    if (left) { mo.disconnect(); done({ ms: performance.now() - t0 }); }
  });
  mo.observe(document.body, { childList: true, subtree: true, characterData: true });
  save.click();
  setTimeout(() => done({ error: 'no "Saved" within 10 s' }), 10000);
})();
