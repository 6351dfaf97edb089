// The order form's total as the quantities change. The total shown is the one posted (ExpectedTotalCents): the school's
// grain takes the order only at that total, so what the parent saw is what is charged.
(function () {
  "use strict";

  function format(cents) {
    var lang = document.documentElement.lang || "fr-BE";
    return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100) + "\u00a0€";
  }

  function update(form) {
    var total = 0;
    form.querySelectorAll("input[data-price]").forEach(function (input) {
      var quantity = Number(input.value);
      if (!input.disabled && Number.isInteger(quantity) && quantity > 0) {
        total += quantity * Number(input.dataset.price);
      }
    });
    form.elements.ExpectedTotalCents.value = String(total);
    form.querySelector("[data-total]").textContent = format(total);
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-order-form]");
    if (form) {
      update(form);
    }
  });
  document.querySelectorAll("form[data-order-form]").forEach(update);
})();
