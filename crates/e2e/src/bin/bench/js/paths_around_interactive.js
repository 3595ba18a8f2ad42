// The local paths the document loaded, split at the `totp-admin:wasm-ready` mark (the first
// load is what the page needed until its wasm was ready), once nothing new has come for half a second: [before, after].
const done = arguments[0];
const m = performance.getEntriesByName('totp-admin:wasm-ready', 'mark')[0];
let n = -1, since = performance.now(), t0 = performance.now();
const settle = () => {
  const k = performance.getEntriesByType('resource').length;
  if (k !== n) { n = k; since = performance.now(); }
  if (performance.now() - since < 500 && performance.now() - t0 < 10000) { setTimeout(settle, 50); return; }
  const local = x => x.startsWith(location.origin);
  const path = x => new URL(x).pathname;
  const first = [location.href], later = [];
  for (const l of document.querySelectorAll('link[rel~=icon][href]')) first.push(l.href);
  for (const e of performance.getEntriesByType('resource'))
    (m && e.startTime >= m.startTime ? later : first).push(e.name);
  done([first.filter(local).map(path), later.filter(local).map(path)]);
};
settle();
