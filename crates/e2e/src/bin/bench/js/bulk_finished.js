// Waits for the bulk run to finish; its own elapsed time and counts from the progress section.
const done = arguments[0];
const check = () => {
  const p = document.querySelector('.bulk-progress');
  if (p && p.dataset.phase === 'finished') {
    done({ ms: Number(p.dataset.elapsedMs), done: Number(p.dataset.done), failed: Number(p.dataset.failed) });
  } else setTimeout(check, 20);
};
check();
