// The till ("Caisse", PointOfSale/TillPage.razor): the basket, the card reader, and the void's confirmation.
(function () {
  "use strict";

  var page = document.querySelector("[data-till-page]");
  if (!page) {
    return;
  }
  var form = page.querySelector("#till-sale");
  var card = form.querySelector("[data-card]");
  var verdict = page.querySelector("#till-verdict");
  var emptyBasket = page.querySelector("[data-basket-empty]");
  var cardHint = page.querySelector("[data-card-hint]");
  var confirmation = page.querySelector("#till-confirm");
  // With the Meals module on: what the card's pupil booked for today (filled by the card field's own request).
  var meal = page.querySelector("[data-till-meal]");
  function clearMeal() {
    if (meal) {
      meal.replaceChildren();
    }
  }

  // Integer cents, written as fr-BE writes euros (the server's Money.Format).
  function euros(cents) {
    var whole = Math.floor(cents / 100), rest = String(cents % 100).padStart(2, "0");
    return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f") + "," + rest + "\u00a0€";
  }

  function field(code) { return form.elements["q." + code]; }
  function quantity(code) { return parseInt(field(code).value, 10) || 0; }
  function basketSize() {
    var size = 0;
    form.querySelectorAll(".article").forEach(function (article) { size += quantity(article.dataset.code); });
    return size;
  }

  function render() {
    var cents = 0;
    form.querySelectorAll(".article").forEach(function (article) {
      var code = article.dataset.code, count = quantity(code), price = parseInt(article.dataset.price, 10);
      cents += count * price;
      var badge = article.querySelector("[data-count]");
      badge.textContent = String(count);
      badge.hidden = count === 0;
      var line = page.querySelector('[data-line="' + code + '"]');
      line.hidden = count === 0;
      line.querySelector("[data-quantity]").textContent = "× " + count;
      line.querySelector("[data-amount]").textContent = euros(count * price);
    });
    page.querySelector("[data-total]").textContent = euros(cents);
    emptyBasket.hidden = cents > 0;
  }

  function change(code, by) {
    field(code).value = String(Math.max(0, quantity(code) + by));
    emptyBasket.classList.remove("insist");
    render();
  }

  function clearHints() {
    emptyBasket.classList.remove("insist");
    cardHint.hidden = true;
  }

  // A new sale: nothing in the basket, no card, no verdict of the last one; the reader's next UID goes to the card field.
  function newSale() {
    form.querySelectorAll(".article").forEach(function (article) { field(article.dataset.code).value = "0"; });
    card.value = "";
    verdict.replaceChildren();
    clearMeal();
    clearHints();
    render();
    card.focus();
  }

  page.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) {
      return;
    }
    if (target.classList.contains("article")) {
      change(target.dataset.code, 1);
    } else if (target.dataset.add) {
      change(target.dataset.add, 1);
    } else if (target.dataset.remove) {
      change(target.dataset.remove, -1);
    } else if (target.hasAttribute("data-clear")) {
      newSale();
    }
  });

  document.addEventListener("htmx:confirm", function (event) {
    if (event.target === form) {
      // Charging is only worth a request with articles and a card; after a sale, tapping again starts the next one.
      clearHints();
      if (basketSize() === 0) {
        event.preventDefault();
        var finished = verdict.querySelector('[data-outcome="sold"], [data-outcome="voided"]');
        verdict.replaceChildren();
        if (finished && card.value.trim() === "") {
          card.focus();
        } else if (meal && card.value.trim() !== "" && meal.querySelector("[data-meal]")) {
          // A card alone for a pupil with a meal booked today: the meal is served from its panel, nothing is sold.
          card.focus();
        } else {
          // A card read before any article (or a tap on an empty basket) waits for the articles.
          emptyBasket.classList.add("insist");
        }
      } else if (card.value.trim() === "") {
        event.preventDefault();
        cardHint.hidden = false;
        card.focus();
      }
      return;
    }
    if (page.contains(event.target) && event.detail.question) {
      // The void's question in the page's own dialog (the browser's confirm() blocks the page and looks foreign).
      event.preventDefault();
      confirmation.querySelector("[data-question]").textContent = event.detail.question;
      confirmation.returnValue = "";
      confirmation.addEventListener("close", function () {
        if (confirmation.returnValue === "yes") {
          event.detail.issueRequest(true);
        }
      }, { once: true });
      confirmation.showModal();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (meal && event.detail.target === meal) {
      // A booked meal is served from here; a card without one, with nothing in the basket, still waits for the articles.
      var booked = meal.querySelector("[data-meal]") !== null;
      emptyBasket.classList.toggle("insist", !booked && basketSize() === 0 && card.value.trim() !== "");
      return;
    }
    if (event.detail.target !== verdict) {
      return;
    }
    var outcome = verdict.querySelector("[data-outcome]");
    if (outcome && outcome.dataset.outcome === "sold") {
      form.querySelectorAll(".article").forEach(function (article) { field(article.dataset.code).value = "0"; });
      card.value = "";
      clearMeal();
      clearHints();
      render();
      card.focus();
    } else {
      // Declined: the basket stays for another card or fewer articles; a new UID replaces the one shown.
      card.focus();
      card.select();
    }
  });

  // A card reader types the UID and Enter like a keyboard, wherever the focus is (often on the last article
  // tapped, where Enter would add that article again): its first character moves the typing to the card field.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key.length !== 1 || event.key === " " || event.ctrlKey || event.altKey || event.metaKey || confirmation.open
      || target === card || target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    event.preventDefault();
    card.value = event.key;
    clearHints();
    card.focus();
  });

  render();
})();
