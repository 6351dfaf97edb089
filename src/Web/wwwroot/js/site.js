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

  // htmx swaps no error answer: without this a failed request would silently do nothing. The server words its
  // errors to htmx as one plain-text sentence (Shell/ErrorPages.cs); when none came (no connection, a proxy's
  // own page), the layout's #request-error region holds the words.
  var failedElement = null;
  function requestError() {
    var region = document.getElementById("request-error");
    var dialog = document.querySelector("dialog[open]");
    if (!region || !dialog) {
      return region;
    }
    // A modal dialog covers the page and makes it inert: the message shows inside the dialog.
    var own = dialog.querySelector(".request-error");
    if (!own) {
      own = region.cloneNode(true);
      own.removeAttribute("id");
      dialog.prepend(own);
    }
    return own;
  }
  function showRequestError(element, text) {
    var region = requestError();
    if (!region) {
      return;
    }
    region.querySelector("[role=alert]").textContent = text || region.dataset.failed;
    region.hidden = false;
    failedElement = element;
  }
  function hideRequestErrors() {
    document.querySelectorAll(".request-error").forEach(function (region) {
      region.hidden = true;
      region.querySelector("[role=alert]").textContent = "";
    });
    failedElement = null;
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var plain = (xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0;
    showRequestError(event.detail.elt, plain ? xhr.responseText.trim() : null);
  });
  document.addEventListener("htmx:sendError", function (event) {
    var region = document.getElementById("request-error");
    showRequestError(event.detail.elt, region && region.dataset.offline);
  });
  // The same action succeeding (tried again, or a poll) takes the message away; so does "Fermer".
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && failedElement && event.detail.elt === failedElement) {
      hideRequestErrors();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-dismiss-error]")) {
      hideRequestErrors();
    }
  });

  // The phone's "Menu" button shows and hides the menu list (site.css hides it while aria-expanded is false);
  // Escape closes it and gives the focus back to the button.
  function setMenu(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".menu-button");
    if (button) {
      setMenu(button, button.getAttribute("aria-expanded") !== "true");
    }
  });
  document.addEventListener("keydown", function (event) {
    var button = document.querySelector('.menu-button[aria-expanded="true"]');
    if (event.key === "Escape" && button && button.offsetParent !== null) {
      setMenu(button, false);
      button.focus();
    }
  });

  // A fragment loaded into the dialog element opens it; any open dropdown closes behind it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.tagName === "DIALOG" && !target.open) {
      document.querySelectorAll("details.dropdown[open]").forEach(function (d) { d.open = false; });
      target.showModal();
    }
  });

  // "Copier" buttons copy their data-copy text (IBAN, structured communication).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      button.dataset.copied = "true";
      setTimeout(function () { delete button.dataset.copied; }, 1500);
    });
  });

  // A date typed into a period filter makes the period "Custom"; "Imprimer" buttons print the page.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-custom-period]")) {
      event.target.form.elements.periode.value = "Custom";
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  // A form whose act is hard to undo for someone else (deactivating an account) asks first.
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
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
      // A copy of the list: each replaceWith moves its element out of the template.
      Array.from(template.content.children).forEach(function (fragment) {
        var target = fragment.id && document.getElementById(fragment.id);
        if (target) {
          target.replaceWith(fragment);
          if (window.htmx) { htmx.process(fragment); }
        }
      });
      // Regions that are not pushed (the sales journal) refresh themselves on this event.
      document.body.dispatchEvent(new CustomEvent("itschool:changed"));
    });
    connection.on("changed", function () {
      document.body.dispatchEvent(new CustomEvent("itschool:changed"));
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
