// On the change log (/changes) while a bulk run goes on: waits until it lists `n` changes and
// none is still sending. true, or {error}.
const [n, done] = arguments;
const t0 = performance.now();
const check = () => {
  const rows = document.querySelectorAll('table.changes tbody tr').length;
  const pending = document.querySelectorAll('table.changes .change-pending').length;
  if (rows >= n && pending === 0) { done(true); return; }
  if (performance.now() - t0 > 120000) { done({ error: `${rows} rows, ${pending} pending after 120 s` }); return; }
  setTimeout(check, 100);
};
check();
