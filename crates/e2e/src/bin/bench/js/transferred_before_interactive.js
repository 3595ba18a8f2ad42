// The bytes transferred (navigation and resources) before the `totp-admin:wasm-ready` mark.
const m = performance.getEntriesByName('totp-admin:wasm-ready', 'mark')[0];
return performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
  .filter(e => e.startTime < m.startTime)
  .reduce((n, e) => n + (e.transferSize || 0), 0);
