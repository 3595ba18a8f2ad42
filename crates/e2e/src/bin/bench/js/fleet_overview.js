// Clicks the fleet's Sign in (the form filled) and times it: to the first cluster's line read
// and to every cluster read ("N of N read" in the totals); also which HTTP version carried the
// clusters' requests (resource timing's nextHopProtocol). {first, all, protocols} in ms.
const [clusters, done] = arguments;
const button = document.querySelector('.fleet-signin button[type=submit]');
if (!button) { done({ error: 'no fleet Sign in button' }); return; }
let first = null;
const t0 = performance.now();
const finish = (extra) => {
  mo.disconnect();
  const protocols = [...new Set(performance.getEntriesByType('resource')
    .filter(e => e.name.includes('/clusters/'))
    .map(e => e.nextHopProtocol)
    // An entry whose request did not complete (aborted at sign-out, say) names none.
    .filter(p => p))];
  done(Object.assign({ first, protocols }, extra));
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
