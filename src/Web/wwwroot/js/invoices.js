// The new-invoice form's pupil picker, made for a finger as much as a mouse: the search field narrows the list of
// boxes to the pupils whose name or class holds what is typed (accents and case aside), a class's box ticks or
// unticks all its pupils, and unticking one pupil unticks the whole class (the others stay ticked one by one).
// Without this script every box is shown and still works; the server decides who is billed either way.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function setUp(picker) {
    var search = picker.querySelector("[data-picker-search]");
    var count = picker.querySelector("[data-picker-count]");
    var empty = picker.querySelector("[data-picker-empty]");
    var classes = Array.from(picker.querySelectorAll(".picker-class"));
    picker.querySelectorAll("[data-picker-only]").forEach(function (element) { element.hidden = false; });

    function countChosen() {
      var chosen = picker.querySelectorAll("[data-picker-pupil]:checked").length;
      count.textContent = count.dataset.template.replace("{0}", String(chosen));
    }

    function syncClass(section) {
      var boxes = Array.from(section.querySelectorAll("[data-picker-pupil]"));
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      var whole = section.querySelector("[data-picker-class]");
      whole.checked = boxes.length > 0 && ticked === boxes.length;
      whole.indeterminate = ticked > 0 && ticked < boxes.length;
    }

    function filter() {
      var words = fold(search.value).split(" ").filter(Boolean);
      var shown = 0;
      classes.forEach(function (section) {
        var classMatches = words.length > 0 && words.every(function (word) { return fold(section.dataset.class).indexOf(word) >= 0; });
        var visible = 0;
        section.querySelectorAll("li[data-search]").forEach(function (item) {
          var text = fold(item.dataset.search);
          var match = classMatches || words.every(function (word) { return text.indexOf(word) >= 0; });
          item.hidden = !match;
          if (match) {
            visible++;
          }
        });
        section.hidden = visible === 0;
        shown += visible;
      });
      empty.hidden = shown > 0;
    }

    picker.addEventListener("change", function (event) {
      var box = event.target;
      var section = box.closest(".picker-class");
      if (!section) {
        return;
      }
      if (box.matches("[data-picker-class]")) {
        section.querySelectorAll("[data-picker-pupil]").forEach(function (pupil) { pupil.checked = box.checked; });
      }
      syncClass(section);
      countChosen();
    });
    search.addEventListener("input", filter);
    // Enter in the search field must not send the invoice form.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    classes.forEach(syncClass);
    countChosen();
    filter();
  }

  document.querySelectorAll("[data-pupil-picker]").forEach(setUp);
})();
