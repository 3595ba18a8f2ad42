// One load's timeline as a line of text: the document, each resource, the interactive mark.
const n = performance.getEntriesByType('navigation')[0];
const r = performance.getEntriesByType('resource').map(e =>
  `${new URL(e.name).pathname.replace(/-[0-9a-f]{8,16}/, '')} ${e.startTime.toFixed(0)}–${e.responseEnd.toFixed(0)}`);
const m = performance.getEntriesByName('totp-admin:interactive')[0];
return `document ${n.responseEnd.toFixed(0)}, DOMContentLoaded ${n.domContentLoadedEventEnd.toFixed(0)}; `
  + r.join(', ') + `; interactive ${m.startTime.toFixed(0)} (ms since navigation start)`;
