// ItSchool's shared script: antiforgery for htmx, the page's small behaviours, and the one live client.
(function () {
  "use strict";

  // htmx requests carry the antiforgery token in a header (the server reads RequestVerificationToken).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="request-verification-token"]');
    if (meta) {
      event.detail.headers["RequestVerificationToken"] = meta.content;
    }
  });

  // A document opened from a list reads as opened at once: the server marked it, but the download leaves the page where
  // it was. The line stops being bold and, where it said "unread", says it was just opened (data-opened).
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-opened]") : null;
    var line = link ? link.closest("li.unread") : null;
    if (!line) {
      return;
    }
    line.classList.replace("unread", "read");
    line.querySelectorAll("strong").forEach(function (bold) {
      var plain = document.createElement("span");
      plain.className = bold.className;
      plain.append.apply(plain, Array.prototype.slice.call(bold.childNodes));
      bold.replaceWith(plain);
    });
    var mark = line.querySelector(".unread-mark");
    if (mark) {
      mark.textContent = link.dataset.opened;
      mark.classList.remove("unread-mark");
    }
  });

  // A file over what the server takes is refused here, before a long upload ends in a connection the server cut: the
  // input says why, in the server's words (data-too-large names the file as {0}; data-too-large-total is for all the
  // files chosen together), and the form does not leave until another choice fits.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) {
      return;
    }
    var message = "";
    var total = 0;
    for (var i = 0; i < input.files.length; i++) {
      total += input.files[i].size;
      if (!message && input.files[i].size > Number(input.dataset.maxBytes)) {
        message = input.dataset.tooLarge.replace("{0}", input.files[i].name);
      }
    }
    if (!message && input.dataset.maxTotalBytes && total > Number(input.dataset.maxTotalBytes)) {
      message = input.dataset.tooLargeTotal;
    }
    input.setCustomValidity(message);
    if (message) {
      input.reportValidity();
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

  // Focus kept across redraws. A control is found again by its id, its data-focus-key, or what it does (its
  // hx-get/hx-post/href, its data-day) — the same control in a redrawn fragment has none of the old element's identity.
  var identifying = ["data-focus-key", "hx-get", "hx-post", "href", "data-day", "name"];
  function focusKey(element) {
    if (element.id) {
      return "#" + CSS.escape(element.id);
    }
    for (var i = 0; i < identifying.length; i++) {
      var value = element.getAttribute(identifying[i]);
      if (value !== null) {
        return element.tagName.toLowerCase() + "[" + identifying[i] + '="' + CSS.escape(value) + '"]';
      }
    }
    return null;
  }
  function visible(element) {
    return element.isConnected && element.getClientRects().length > 0;
  }
  // A control hidden in a closed dropdown gives the focus to the dropdown's own button.
  function focusable(element) {
    var closed = element.closest("details:not([open])");
    if (closed && element.tagName !== "SUMMARY") {
      element = closed.querySelector("summary");
    }
    return element && visible(element) ? element : null;
  }
  function focusOn(element) {
    element.focus({ preventScroll: !!element.closest("main") && element.getBoundingClientRect().top >= 0 });
    return document.activeElement === element;
  }
  // What has the focus inside a region about to be redrawn: found again in the region's new version after the swap.
  function rememberFocus(region) {
    var active = document.activeElement;
    if (!active || active === document.body || !region.contains(active)) {
      return null;
    }
    var key = focusKey(active);
    var dropdown = active.closest("details[open]");
    return {
      key: key,
      // Without a key, the control's place in the region: the same layout drawn again puts it at the same place.
      path: key ? null : pathOf(region, active),
      dropdown: dropdown && region.contains(dropdown) ? (focusKey(dropdown.querySelector("summary")) || pathOf(region, dropdown)) : null,
    };
  }
  function pathOf(region, element) {
    var path = [];
    for (var node = element; node && node !== region; node = node.parentElement) {
      path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
    }
    return path;
  }
  function atPath(region, path) {
    var node = region;
    for (var i = 0; node && i < path.length; i++) {
      node = node.children[path[i]];
    }
    return node || null;
  }
  function find(region, key) {
    if (Array.isArray(key)) {
      return atPath(region, key);
    }
    return (region.matches(key) ? region : null) || region.querySelector(key) || document.querySelector(key);
  }
  function restoreFocus(remembered, region) {
    if (!remembered || !region || !region.isConnected) {
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body && !region.contains(active) && active.isConnected) {
      return; // the person has moved on meanwhile
    }
    if (remembered.dropdown) {
      var summary = find(region, remembered.dropdown);
      var details = summary && summary.closest("details");
      if (details) {
        details.open = true;
      }
    }
    var control = find(region, remembered.key || remembered.path);
    control = control && focusable(control);
    if (control) {
      focusOn(control);
    }
  }
  var htmxFocus = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    htmxFocus = target && target.tagName !== "DIALOG" ? { remembered: rememberFocus(target), id: target.id, target: target } : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!htmxFocus || !htmxFocus.remembered) {
      return;
    }
    // An outerHTML swap puts a new element where the target was: the same id finds it.
    var region = htmxFocus.target.isConnected ? htmxFocus.target : (htmxFocus.id && document.getElementById(htmxFocus.id));
    restoreFocus(htmxFocus.remembered, region);
    htmxFocus = null;
  });

  // The dialog gives the focus back, when it closes (its close button, Escape, a form's end), to what opened it; if
  // a redraw replaced that control meanwhile, to its new version; if the redraw took it away, to the heading of the
  // part of the page it was in — never to the page's start.
  var opener = null;
  function headingOf(element) {
    for (var part = element; part && part !== document.body; part = part.parentElement) {
      var heading = part.querySelector("h1, h2, h3");
      if (heading && (part.tagName === "SECTION" || part.tagName === "ARTICLE" || part.tagName === "MAIN")) {
        return heading;
      }
    }
    return document.querySelector("main h1");
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target && target.id === "dialog" && !target.open && !target.contains(event.detail.elt)) {
      var element = event.detail.elt;
      var region = element.closest("[id]:not(dialog)");
      var heading = headingOf(element);
      opener = {
        element: element,
        key: focusKey(element) || (region ? pathOf(region, element) : null),
        region: region && region.id,
        heading: heading && heading.id ? "#" + CSS.escape(heading.id) : null,
        headingElement: heading,
      };
    }
  });
  function giveFocusBack() {
    if (!opener) {
      return;
    }
    var back = opener;
    opener = null;
    var region = back.region && document.getElementById(back.region);
    var candidates = [back.element];
    if (back.key) {
      candidates.push(Array.isArray(back.key) ? region && atPath(region, back.key) : (region && region.querySelector(back.key)) || document.querySelector(back.key));
    }
    for (var i = 0; i < candidates.length; i++) {
      var control = candidates[i] && candidates[i].isConnected && focusable(candidates[i]);
      if (control && focusOn(control)) {
        return;
      }
    }
    var heading = back.headingElement && back.headingElement.isConnected ? back.headingElement
      : (back.heading && document.querySelector(back.heading)) || document.querySelector("main h1");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) {
        heading.setAttribute("tabindex", "-1");
      }
      focusOn(heading);
    }
  }
  document.addEventListener("close", function (event) {
    if (event.target.id === "dialog") {
      giveFocusBack();
    }
  }, true);

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

  // The live channel: one connection per page. The page declares what it follows with data-live-topic (and the
  // version it shows with data-version); the server pushes each change as (topic, version, html) and an element of
  // the html replaces the page's element with the same id, unless the page already shows that version or a newer
  // one (pushes may overtake one another, and an own click's answer may come first). A change without html, or one
  // its topic announces, makes the regions that read themselves again do so (itschool:changed). Around each swap the
  // document hears itschool:swapping and itschool:swapped, for scripts that keep state on the swapped elements.
  function topicsOfPage() {
    var topics = {};
    document.querySelectorAll("[data-live-topic]").forEach(function (element) {
      var topic = element.dataset.liveTopic;
      var version = element.dataset.version === undefined ? -1 : Number(element.dataset.version);
      topics[topic] = Object.prototype.hasOwnProperty.call(topics, topic) ? Math.max(topics[topic], version) : version;
    });
    return topics;
  }
  function swapFragments(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    // A copy of the list: each replaceWith moves its element out of the template.
    Array.from(template.content.children).forEach(function (fragment) {
      var shown = fragment.id && document.getElementById(fragment.id);
      if (!shown) {
        return;
      }
      if (fragment.dataset.version !== undefined && shown.dataset.version !== undefined
          && Number(fragment.dataset.version) <= Number(shown.dataset.version)) {
        return;
      }
      var detail = { detail: { shown: shown, fragment: fragment } };
      document.dispatchEvent(new CustomEvent("itschool:swapping", detail));
      var remembered = rememberFocus(shown);
      shown.replaceWith(fragment);
      if (window.htmx) { htmx.process(fragment); }
      restoreFocus(remembered, fragment);
      document.dispatchEvent(new CustomEvent("itschool:swapped", detail));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    if (!body.dataset.live || !window.signalR) {
      return;
    }
    var setState = function (state) {
      body.dataset.live = state;
      document.dispatchEvent(new CustomEvent("itschool:live", { detail: { state: state } }));
    };
    // One WebSocket request, without SignalR's negotiation first: behind a balancer that spreads connections over the web
    // nodes, a negotiation and the socket that follows it could reach two different nodes (docs/operations.md).
    var connection = new signalR.HubConnectionBuilder()
      .withUrl(new URL("hubs/live", document.baseURI).href, { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
      .withAutomaticReconnect()
      .build();

    connection.on("live", function (topic, version, html, announce) {
      if (html) {
        swapFragments(html);
      }
      if (!html || announce) {
        document.body.dispatchEvent(new CustomEvent("itschool:changed", { detail: { topic: topic } }));
      }
    });
    // Watching with the version shown brings back at once what changed while the page loaded or the connection was down.
    function watch() {
      var topics = topicsOfPage();
      return Promise.all(Object.keys(topics).map(function (topic) {
        return connection.invoke("Watch", topic, topics[topic]);
      }));
    }
    // SignalR's own reconnection covers a connection that drops, for 42 seconds; a first start that fails, a watch that
    // fails, and an outage longer than that are the page's to retry, for as long as it stays open.
    var retryDelays = [1000, 2000, 5000, 10000, 30000];
    var failures = 0;
    var wasConnected = false;
    var retrying = null;
    function caughtUp() {
      failures = 0;
      setState("connected");
      if (wasConnected) {
        // What follows no version (lists that read themselves) may have changed while the connection was down.
        document.body.dispatchEvent(new CustomEvent("itschool:changed"));
      }
      wasConnected = true;
    }
    function failed() {
      setState("disconnected");
      if (connection.state !== signalR.HubConnectionState.Disconnected) {
        connection.stop(); // onclose follows, and starts again later
      } else {
        startLater();
      }
    }
    function startLater() {
      if (retrying === null) {
        retrying = setTimeout(function () {
          retrying = null;
          begin();
        }, retryDelays[Math.min(failures++, retryDelays.length - 1)]);
      }
    }
    function begin() {
      connection.start().then(watch).then(caughtUp, failed);
    }
    connection.onreconnecting(function () { setState("reconnecting"); });
    connection.onreconnected(function () { watch().then(caughtUp, failed); });
    connection.onclose(function () {
      setState("disconnected");
      startLater();
    });
    begin();
    window.itschoolLive = connection;
  });
})();
