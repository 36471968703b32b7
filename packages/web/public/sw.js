/* global self, caches, fetch, location, URL, Response */
/*
 * Spreekuur's service worker: keeps the app shell (index.html and every hashed file of the build)
 * so the app opens offline and shows what the device has. It never caches the API, sockets or
 * files: those are the device's business (encrypted in IndexedDB), not the cache's.
 */
const CACHE = 'spreekuur-shell-v2';
const ICONS = ['/icon.svg', '/icon-192.png', '/icon-512.png', '/icon-maskable-512.png'];

async function cacheShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch('/', { cache: 'no-cache' });
  if (!response.ok) return;
  const html = await response.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  // Chunks loaded later (the SDK with libsodium) are not in index.html: the build lists them all.
  const listed = await fetch('/shell.json', { cache: 'no-cache' })
    .then((answer) => (answer.ok ? answer.json() : []))
    .catch(() => []);
  await cache.put('/', response);
  await cache.addAll([...new Set([...assets, ...listed]), '/manifest.webmanifest', ...ICONS]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  if (request.mode === 'navigate') {
    // Pages: the network first (a new version shows at once), the kept shell when offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) void caches.open(CACHE).then((cache) => cache.put('/', response.clone()));
          return response;
        })
        .catch(() => caches.match('/').then((cached) => cached || Response.error())),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Hashed names never change: the cache first.
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok) void caches.open(CACHE).then((cache) => cache.put(request, response.clone()));
            return response;
          }),
      ),
    );
  }
});
