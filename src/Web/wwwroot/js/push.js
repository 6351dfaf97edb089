// Notifications on this device (Notifications/Push/PushDeviceSetting.razor). Only the browser knows whether it can
// receive them and what it allowed: this shows the matching state, asks the permission when the user turns them on,
// subscribes through the school's service worker (app.js registers it) with the installation's VAPID key, and posts the
// subscription with htmx, which carries the antiforgery token (site.js); the server answers the device list.
(function () {
  "use strict";

  var root = document.querySelector("[data-push]");
  if (!root) {
    return;
  }
  var list = document.getElementById("push-devices");

  function show(state) {
    root.querySelectorAll("[data-push-state]").forEach(function (element) {
      element.hidden = element.dataset.pushState !== state;
    });
  }

  // iOS gives Web Push only to an app added to the home screen; elsewhere an old or private browser may lack it.
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show("unsupported");
    return;
  }

  function serverKey() {
    var text = root.dataset.key.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(text + "===".slice((text.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  // A subscription made with another key (the installation's keys were replaced) cannot be sent to: it is made anew.
  function boundToServerKey(subscription) {
    var bound = subscription.options && subscription.options.applicationServerKey;
    if (!bound) {
      return true;
    }
    var ours = serverKey();
    var theirs = new Uint8Array(bound);
    return theirs.length === ours.length && theirs.every(function (value, i) {
      return value === ours[i];
    });
  }

  function registration() {
    return navigator.serviceWorker.ready;
  }

  function listed(subscription) {
    return Array.prototype.filter.call(list.querySelectorAll("li[data-endpoint]"), function (line) {
      return subscription !== null && line.dataset.endpoint === subscription.endpoint;
    });
  }

  // On only when the server lists this browser's subscription: a device removed from another one's list shows "off".
  function refresh() {
    if (Notification.permission === "denied") {
      show("denied");
      return Promise.resolve();
    }
    return registration().then(function (registered) {
      return registered.pushManager.getSubscription();
    }).then(function (subscription) {
      var mine = listed(subscription);
      list.querySelectorAll("[data-this-device]").forEach(function (tag) {
        tag.hidden = mine.indexOf(tag.closest("li")) < 0;
      });
      show(mine.length > 0 ? "on" : "off");
    });
  }

  function post(path, values) {
    return htmx.ajax("POST", path, { source: list, target: "#push-devices", swap: "innerHTML", values: values });
  }

  function failed(error) {
    console.warn("Notifications not turned on:", error);
    show("failed");
  }

  root.querySelector("[data-push-on]").addEventListener("click", function (event) {
    var button = event.currentTarget;
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        return refresh();
      }
      return registration().then(function (registered) {
        return registered.pushManager.getSubscription().then(function (existing) {
          if (existing && !boundToServerKey(existing)) {
            return existing.unsubscribe().then(function () {
              return null;
            });
          }
          return existing;
        }).then(function (existing) {
          return existing || registered.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey() });
        });
      }).then(function (subscription) {
        var json = subscription.toJSON();
        return post(root.dataset.subscribe, { Endpoint: json.endpoint, P256dh: json.keys.p256dh, Auth: json.keys.auth });
      }).then(refresh);
    }).catch(failed).finally(function () {
      button.disabled = false;
    });
  });

  root.querySelector("[data-push-off]").addEventListener("click", function (event) {
    var button = event.currentTarget;
    button.disabled = true;
    registration().then(function (registered) {
      return registered.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) {
        return null;
      }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(root.dataset.unsubscribe, { Endpoint: endpoint });
      });
    }).then(refresh).catch(failed).finally(function () {
      button.disabled = false;
    });
  });

  // The list's own buttons (remove a device, send a test) swap it too: this device may have left it.
  list.addEventListener("htmx:afterSwap", function () {
    refresh().catch(failed);
  });

  refresh().catch(failed);
})();
