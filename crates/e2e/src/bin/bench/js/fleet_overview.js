// Clicks a fleet sign-in button (the form filled; `selector` selects it, `text` is its text or
// null) and times it: to the first cluster's line read and to every cluster read ("N of N
// read" in the totals); also which HTTP version carried the clusters' requests (resource
// timing's nextHopProtocol of the requests whose URL has `path`). {first, all, protocols} in ms.
const [clusters, selector, text, path, done] = arguments;
const button = [...document.querySelectorAll(selector)]
  .find(b => text === null || b.textContent.trim() === text);
if (!button) { done({ error: `no button ${selector} ${text}` }); return; }
let first = null;
// Long animation frames (over 50 ms) while the overview loads: script, style and layout.
const loaf = [];
const po = new PerformanceObserver(l => loaf.push(...l.getEntries()));
po.observe({ type: 'long-animation-frame' });
const t0 = performance.now();
const finish = (extra) => {
  mo.disconnect();
  const protocols = [...new Set(performance.getEntriesByType('resource')
    .filter(e => e.name.includes(path))
    .map(e => e.nextHopProtocol)
    // An entry whose request did not complete (aborted at sign-out, say) names none.
    .filter(p => p))];
  po.disconnect();
  const sum = f => Math.round(loaf.reduce((a, e) => a + f(e), 0));
  const lf = {
    n: loaf.length,
    dur: sum(e => e.duration),
    block: sum(e => e.blockingDuration),
    script: sum(e => e.scripts.reduce((a, s) => a + s.duration, 0)),
    styleLayout: sum(e => e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0),
    render: sum(e => e.renderStart ? e.startTime + e.duration - e.renderStart : 0),
    forced: sum(e => e.scripts.reduce((a, s) => a + s.forcedStyleAndLayoutDuration, 0)),
  };
  // The clusters' requests: how long each waited, for its answer and for its body, and how
  // many were in flight on average until the last ended (6 at most over HTTP/1.1): well
  // below that, the page's main thread, not the network, is what the clusters wait for.
  const rs = performance.getEntriesByType('resource').filter(e => e.name.includes(path) && e.startTime >= t0);
  const avg = f => Math.round(rs.reduce((a, e) => a + f(e), 0) / Math.max(1, rs.length) * 10) / 10;
  const end = Math.max(...rs.map(e => e.responseEnd));
  const net = {
    n: rs.length,
    queued: avg(e => e.requestStart - e.startTime),
    ttfb: avg(e => e.responseStart - e.requestStart),
    download: avg(e => e.responseEnd - e.responseStart),
    inflight: Math.round(rs.reduce((a, e) => a + e.responseEnd - e.startTime, 0) / (end - t0) * 10) / 10,
    lastEnd: Math.round(end - t0),
    bytes: rs.reduce((a, e) => a + e.decodedBodySize, 0),
  };
  done(Object.assign({ first, protocols, lf, net }, extra));
};
const check = () => {
  if (first === null && document.querySelector('.fleet-table tbody .state-ok, .fleet-table tbody .state-warn')) {
    first = performance.now() - t0;
  }
  const totals = document.querySelector('.fleet-totals');
  if (totals && totals.textContent.includes(`${clusters} of ${clusters} read`)) {
    finish({ all: performance.now() - t0 });
    return true;
  }
  return false;
};
const mo = new MutationObserver(check);
mo.observe(document.body, { childList: true, subtree: true, characterData: true });
button.click();
setTimeout(() => finish({ error: 'the overview was not complete within 60 s' }), 60000);
