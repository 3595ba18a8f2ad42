// Clicks a fleet sign-in button (the form filled; `arguments[0]` selects it, `arguments[1]` is
// its text or null), then the banner's link `arguments[2]` ("Profiles" or "Accounts") at once,
// and times the table's marks from the click: {first, all, summary} in ms. The marks come from
// an effect after the rows are drawn; the figure is taken at the next frame.
const [selector, text, link, prefix, done] = arguments;
const button = [...document.querySelectorAll(selector)]
  .find(b => text === null || b.textContent.trim() === text);
if (!button) { done({ error: `no button ${selector} ${text}` }); return; }
const t0 = performance.now();
button.click();
const a = [...document.querySelectorAll('a.banner-link')].find(x => x.textContent.trim() === link);
if (!a) { done({ error: `no banner link ${link}` }); return; }
a.click();
const names = [`totp-admin:fleet-${prefix}-first-rows`, `totp-admin:fleet-${prefix}-all-rows`];
const poll = () => {
  const got = names.map(n => performance.getEntriesByName(n).find(e => e.startTime >= t0));
  if (got[1]) {
    requestAnimationFrame(() => done({
      first: got[0].startTime - t0,
      all: got[1].startTime - t0,
      summary: (document.querySelector('.table-summary') || {}).textContent,
    }));
    return;
  }
  if (performance.now() - t0 > 60000) { done({ error: 'not every row within 60 s' }); return; }
  setTimeout(poll, 10);
};
poll();
