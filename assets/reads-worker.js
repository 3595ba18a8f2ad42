// A dedicated worker that fetches the page's listing reads (GET only) and hands each body
// back as bytes, transferred rather than copied (src/api/reads.rs). Receiving a large body
// keeps the thread that fetched it busy; here that thread is not the page's. It sends what it
// is asked to, once, and keeps nothing: no credentials, answers or state outlive a request.
'use strict';
var running = new Map();
onmessage = function (e) {
  var m = e.data;
  if (m.abort !== undefined) {
    var c = running.get(m.abort);
    if (c) c.abort();
    running.delete(m.abort);
    return;
  }
  var controller = new AbortController();
  running.set(m.id, controller);
  fetch(m.url, {
    method: 'GET',
    headers: m.headers,
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    signal: controller.signal,
  })
    .then(function (r) {
      return r.arrayBuffer().then(function (body) {
        running.delete(m.id);
        postMessage({ id: m.id, status: r.status, date: r.headers.get('Date'), body: body }, [body]);
      });
    })
    .catch(function () {
      running.delete(m.id);
      postMessage({ id: m.id, failed: true });
    });
};
postMessage({ ready: true });
