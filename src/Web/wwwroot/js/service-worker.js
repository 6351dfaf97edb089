// A school's service worker. App/ServiceWorker.cs serves it from the school's address with PRECACHE in front:
// { version, scope, offline, assets }. It keeps the static files and the offline page, and nothing else: pages,
// fragments and API answers hold a family's data and always come from the network.
"use strict";

// Every school of an origin shares its caches: each worker keeps to the names under its own scope.
var prefix = "itschool " + PRECACHE.scope + " ";
var cacheName = prefix + PRECACHE.version;
var kept = new Set(PRECACHE.assets);

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(cacheName).then(function (cache) {
    // "reload": straight from the server, not an older copy in the browser's HTTP cache.
    var requests = PRECACHE.assets.concat([PRECACHE.offline]).map(function (url) {
      return new Request(url, { cache: "reload" });
    });
    return cache.addAll(requests);
  }).then(function () {
    // A deploy's worker takes over at once: the old cache would otherwise serve old files until every tab closed.
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(prefix) === 0 && name !== cacheName;
    }).map(function (name) {
      return caches.delete(name);
    }));
  }).then(function () {
    return self.registration.navigationPreload ? self.registration.navigationPreload.enable() : null;
  }).then(function () {
    return self.clients.claim();
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    // A page always from the network; only when none answers at all, the offline page.
    event.respondWith(Promise.resolve(event.preloadResponse).then(function (preloaded) {
      return preloaded || fetch(request);
    }).catch(function () {
      return caches.open(cacheName).then(function (cache) {
        return cache.match(PRECACHE.offline);
      }).then(function (offline) {
        return offline || Response.error();
      });
    }));
    return;
  }
  var url = new URL(request.url);
  if (url.origin === self.location.origin && url.search === "" && kept.has(url.pathname)) {
    event.respondWith(caches.open(cacheName).then(function (cache) {
      return cache.match(url.pathname);
    }).then(function (cached) {
      return cached || fetch(request);
    }));
  }
});
