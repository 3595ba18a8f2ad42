// The local paths the document loaded: itself, its links and its resources.
const u = [location.href];
for (const l of document.querySelectorAll('link[href]')) u.push(l.href);
for (const e of performance.getEntriesByType('resource')) u.push(e.name);
return u.filter(x => x.startsWith(location.origin))
        .map(x => new URL(x).pathname);
