// Clicks Sign in and times it: to the first table row shown, and to the
// `totp-admin:loaded` mark (every profile loaded, accounts joined); {first, all} in ms.
const done = arguments[arguments.length - 1];
const button = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Sign in');
if (!button) { done({ error: 'no Sign in button' }); return; }
let first = null;
const t0 = performance.now();
const mo = new MutationObserver(() => {
  if (first === null && document.querySelector('tr[data-row]')) first = performance.now() - t0;
});
mo.observe(document.body, { childList: true, subtree: true });
const po = new PerformanceObserver(() => {
  const m = performance.getEntriesByName('totp-admin:loaded', 'mark')[0];
  if (m && first !== null) {
    po.disconnect(); mo.disconnect();
    done({ first, all: m.startTime - t0 });
  }
});
po.observe({ type: 'mark' });
button.click();
setTimeout(() => done({ error: 'not loaded within 25 s', first }), 25000);
