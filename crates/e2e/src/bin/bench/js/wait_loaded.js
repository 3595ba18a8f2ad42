// Waits (up to 60 s) for the `totp-admin:loaded` mark: every profile loaded.
const done = arguments[0];
const po = new PerformanceObserver(() => { if (performance.getEntriesByName('totp-admin:loaded').length) done(true); });
po.observe({ type: 'mark', buffered: true });
setTimeout(() => done(false), 60000);
