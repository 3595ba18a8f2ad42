// Offboarding one account on every cluster (the form filled, the fleet signed in): clicks
// Find, then Run once the review is complete, and times Find → the review complete and
// Find → the last result; also the page's own "Find to last result" (data-elapsed-ms) and the
// rows done (the progress panel's count; the result list is windowed, only the rows in view
// are in the page). {review, all, page, done, rows} in ms.
const [done] = arguments;
const find = document.querySelector('.offboard-form button[type=submit]');
if (!find) { done({ error: 'no Find button' }); return; }
let review = null;
let t0 = 0;
const finish = (extra) => { mo.disconnect(); done(extra); };
const check = () => {
  const r = document.querySelector('.offboard-review[data-reading="false"] .offboard-run-button');
  if (review === null && r && !r.disabled) {
    review = performance.now() - t0;
    r.click();
    return;
  }
  const p = document.querySelector('.bulk-progress');
  const res = document.querySelector('.offboard-results');
  const rows = [...document.querySelectorAll('tr.offboard-row')];
  const table = res && res.querySelector('table[aria-rowcount]');
  const total = table ? Number(table.getAttribute('aria-rowcount')) - 1 : -1;
  const count = k => (p ? Number(p.dataset[k]) : 0);
  // The panel's counts are attributes of their own, set after the phase: all of them in.
  const settled = total > 0 && count('done') + count('failed') + count('notSent') === total
    && rows.every(r => ['done', 'failed', 'not sent'].includes(r.dataset.outcome));
  if (p && p.dataset.phase === 'finished' && res.dataset.elapsedMs && settled) {
    finish({
      review,
      all: performance.now() - t0,
      page: Number(res.dataset.elapsedMs),
      done: count('done'),
      rows: total,
      others: [...document.querySelectorAll('tr.offboard-row:not([data-outcome="done"])')].map(r => r.innerText),
    });
  }
};
const mo = new MutationObserver(check);
mo.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
t0 = performance.now();
find.click();
setTimeout(() => finish({ error: 'offboarding was not finished within 30 s' }), 30000);
