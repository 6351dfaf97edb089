// ItSchool's only hand-written script: antiforgery for htmx, and the live channel.
(function () {
  "use strict";

  // htmx requests carry the antiforgery token in a header (the server reads RequestVerificationToken).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="request-verification-token"]');
    if (meta) {
      event.detail.headers["RequestVerificationToken"] = meta.content;
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    if (!body.dataset.live || !window.signalR) {
      return;
    }
    var setState = function (state) { body.dataset.live = state; };
    var connection = new signalR.HubConnectionBuilder()
      .withUrl(new URL("hubs/live", document.baseURI).href)
      .withAutomaticReconnect()
      .build();

    // The server pushes rendered HTML; an element with the same id is replaced, as an htmx swap would.
    connection.on("swap", function (html) {
      var template = document.createElement("template");
      template.innerHTML = html.trim();
      Array.prototype.forEach.call(template.content.children, function (fragment) {
        var target = fragment.id && document.getElementById(fragment.id);
        if (target) {
          target.replaceWith(fragment);
          if (window.htmx) { htmx.process(fragment); }
        }
      });
    });
    connection.onreconnecting(function () { setState("reconnecting"); });
    connection.onreconnected(function () { setState("connected"); });
    connection.onclose(function () { setState("disconnected"); });
    connection.start()
      .then(function () { setState("connected"); })
      .catch(function () { setState("disconnected"); });
    window.itschoolLive = connection;
  });
})();
