// The installable app: registers the school's service worker (App/ServiceWorker.cs), offers the browser's own
// install prompt on "Installer l'application" where the browser has one (Chromium), and points the offline
// page's retry link at the page that could not be reached.
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    // The school's address is the page's <base> (Page.razor): /e/{school}/ or its own host's root.
    var home = new URL("./", document.baseURI);
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(new URL("sw.js", home).pathname, { scope: home.pathname }).catch(function (error) {
        console.warn("Service worker not registered:", error);
      });
    });
  }

  document.querySelectorAll("[data-retry]").forEach(function (link) {
    link.href = location.href;
  });

  var offer = document.querySelector("[data-install]");
  var installed = document.querySelector("[data-installed]");
  if (!offer) {
    return;
  }
  function showInstalled() {
    offer.hidden = true;
    if (installed) {
      installed.hidden = false;
    }
  }
  if (window.matchMedia("(display-mode: standalone)").matches || navigator.standalone) {
    showInstalled();
    return;
  }
  var prompt = null;
  // Only on this page: elsewhere the browser keeps its own way of offering the app.
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    prompt = event;
    offer.hidden = false;
  });
  window.addEventListener("appinstalled", showInstalled);
  offer.querySelector("button").addEventListener("click", function () {
    if (!prompt) {
      return;
    }
    var shown = prompt;
    prompt = null;
    shown.prompt();
    shown.userChoice.then(function (choice) {
      if (choice.outcome === "accepted") {
        showInstalled();
      } else {
        offer.hidden = true;
      }
    });
  });
})();
