// Follows the banner link named arguments[0] and times it: click → an <h1> with the text
// arguments[1] shown; {ms} or {error}.
const [name, heading] = arguments;
const done = arguments[arguments.length - 1];
const link = [...document.querySelectorAll('.banner-tools a')].find(a => a.textContent.trim() === name);
if (!link) { done({ error: `no banner link ${name}` }); return; }
const shown = () => [...document.querySelectorAll('h1')].some(h => h.textContent.includes(heading));
const t0 = performance.now();
const mo = new MutationObserver(() => {
  if (shown()) { mo.disconnect(); done({ ms: performance.now() - t0 }); }
});
mo.observe(document.body, { childList: true, subtree: true, characterData: true });
link.click();
setTimeout(() => { mo.disconnect(); done({ error: `${heading} not shown within 10 s` }); }, 10000);
