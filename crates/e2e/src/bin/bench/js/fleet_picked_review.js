// On the fleet profile table (every cluster read): picks every row it shows (#select-shown),
// then times the click on "Disable the selected profiles…" until the review is complete
// (every picked cluster read fresh, Run enabled). Nothing is run.
// {picked, review (ms), changes, drawn (review rows in the page)}
const [done] = arguments;
let stage = 'select';
let picked = 0;
let t0 = 0;
const button = text => [...document.querySelectorAll('button')].find(b => b.textContent.trim() === text);
const finish = v => { mo.disconnect(); clearTimeout(timer); done(v); };
const check = () => {
  if (stage === 'select') {
    const count = document.querySelector('.selection-count');
    const go = button('Disable the selected profiles…');
    if (count && go && !go.disabled) {
      stage = 'review';
      picked = parseInt(count.textContent.replace(/,/g, ''), 10);
      t0 = performance.now();
      go.click();
    }
    return;
  }
  const run = document.querySelector('.offboard-review[data-reading="false"] .offboard-run-button');
  if (run && !run.disabled) {
    const changes = [...document.querySelectorAll('.offboard-counts')]
      .reduce((n, p) => n + Number(p.dataset.changes), 0);
    finish({
      picked,
      review: performance.now() - t0,
      changes,
      drawn: document.querySelectorAll('tr.offboard-change').length,
    });
  }
};
const mo = new MutationObserver(check);
mo.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
const timer = setTimeout(() => finish({ error: `not reviewed within 60 s (${stage})` }), 60000);
const all = document.querySelector('#select-shown');
if (!all) { finish({ error: 'no #select-shown' }); } else { all.click(); check(); }
