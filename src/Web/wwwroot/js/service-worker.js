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

// The school's address, absolute: PRECACHE.scope is its path.
var home = new URL(PRECACHE.scope, self.location.href).href;

// A notification from the school (Notifications/Push/PushSender.cs sends { title, body, url, tag }). Its tag makes a
// newer notice replace an older one on the screen rather than pile up; its page is resolved under this school's scope.
self.addEventListener("push", function (event) {
  var notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch (error) {
    notice = { body: event.data ? event.data.text() : "" };
  }
  var target = new URL(notice.url || "", home);
  if (target.origin !== self.location.origin) {
    target = new URL(home);
  }
  event.waitUntil(self.registration.showNotification(notice.title || "ItSchool", {
    body: notice.body || "",
    tag: notice.tag || undefined,
    icon: home + "icons/icon-192.png",
    badge: home + "icons/icon-192.png",
    data: { url: target.href },
  }));
});

// A tap on it: the app's window already open on this school comes forward on that page; otherwise one opens.
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = event.notification.data && event.notification.data.url ? event.notification.data.url : home;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    var open = windows.filter(function (client) {
      return client.url.indexOf(home) === 0;
    });
    var exact = open.filter(function (client) {
      return client.url === url;
    })[0];
    if (exact) {
      return exact.focus();
    }
    if (open.length > 0 && "navigate" in open[0]) {
      return open[0].focus().then(function (focused) {
        return (focused || open[0]).navigate(url);
      });
    }
    return self.clients.openWindow(url);
  }));
});
