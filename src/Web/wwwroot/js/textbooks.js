// The textbook list's total as the family chooses: what "Commander" costs, a rental's deposit included. The server
// computes the charge again from the list itself; this is only what the family sees before confirming.
(function () {
  "use strict";

  function format(cents) {
    var lang = document.documentElement.lang || "fr-BE";
    return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100) + "\u00a0€";
  }

  function update(form) {
    var total = 0;
    form.querySelectorAll("input[data-cents]:checked").forEach(function (input) {
      total += Number(input.dataset.cents);
    });
    var shown = form.querySelector("[data-total]");
    if (shown) {
      shown.textContent = format(total);
    }
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-textbook-form]");
    if (form) {
      update(form);
    }
  });
  document.querySelectorAll("form[data-textbook-form]").forEach(update);
})();
