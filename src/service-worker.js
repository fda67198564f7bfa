// The app's service worker (built into /sw.js by the `antshares-service-worker` plugin of
// vite.config.ts, which fills in the file list and the version). The app shell is precached at
// install: hashed assets are served from the cache (they never change), pages and network.json
// from the network first, falling back to the cache, so the app opens offline. Only same-origin
// GET requests are handled; the peer's WebSockets and WebRTC never pass through here.
const VERSION = '__VERSION__';
const PRECACHE = self.__PRECACHE__;
const SHELL = `shell-${VERSION}`;
const RUNTIME = 'runtime';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== RUNTIME).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** The network within `ms`, else the cache (then the network's late answer, if any). */
async function networkFirst(request, fallback, ms) {
  const cache = await caches.open(RUNTIME);
  const network = fetch(request).then((res) => {
    if (res.ok) cache.put(request, res.clone());
    return res;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, ms, null));
  try {
    const res = await Promise.race([network, timeout]);
    if (res) return res;
  } catch {
    // offline: the cache below
  }
  return (await caches.match(request)) ?? (fallback && (await caches.match(fallback))) ?? network;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') return event.respondWith(networkFirst(request, '/index.html', 3000));
  if (url.pathname.endsWith('/network.json')) return event.respondWith(networkFirst(request, null, 3000));
  if (PRECACHE.includes(url.pathname)) event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(request)));
});
