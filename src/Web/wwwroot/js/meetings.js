// The meeting grids: live pushes per timetable, and the parent's gestures — a click on a green slot books
// (htmx), dragging an own appointment onto a green slot moves it, the cross cancels; both after a
// confirmation. Pointer events, so a mouse and a finger work alike. A finger's tap on a green slot asks
// first too: on a phone a tap is easily a slip of the thumb (a scroll, already, is no click at all).
(function () {
  "use strict";

  function format(text, values) {
    return text.replace(/\{(\d)\}/g, function (_, i) { return values[Number(i)]; });
  }

  // The families' grid is the same for everybody; the page knows its own holder token and marks its slots,
  // and the booking tokens of its household (another guardian and one of the children) with who booked.
  function markMine() {
    var owner = document.querySelector("[data-me]");
    if (!owner || !owner.dataset.me) {
      return;
    }
    var household = owner.dataset.household ? JSON.parse(owner.dataset.household) : {};
    document.querySelectorAll(".timetable.families .slot").forEach(function (slot) {
      var mine = slot.dataset.holder === owner.dataset.me;
      var booking = slot.dataset.booking;
      var by = !mine && booking && Object.prototype.hasOwnProperty.call(household, booking) ? household[booking] : null;
      slot.classList.toggle("mine", mine);
      slot.classList.toggle("family", by !== null);
      var label = slot.querySelector(".family .by");
      if (label) {
        label.textContent = by !== null ? " (" + by + ")" : "";
      }
    });
  }
  // What the household holds on the page's families grids: when a push changes it (the other guardian
  // booked, moved or cancelled), the family list above the grid is fetched again.
  function householdMarks() {
    return Array.from(document.querySelectorAll(".timetable.families .slot.mine, .timetable.families .slot.family")).map(function (slot) {
      return slot.closest(".timetable").id + ":" + slot.dataset.slot + ":" + slot.dataset.booking;
    }).join(" ");
  }
  function refreshFamilyList(grid) {
    var list = document.getElementById("my-appointments-" + grid.dataset.evening.replace(/-/g, ""));
    if (list) {
      htmx.ajax("GET", "reunions/" + grid.dataset.evening + "/famille", { target: "#" + list.id, swap: "outerHTML" });
    }
  }
  document.addEventListener("htmx:afterSettle", markMine);
  document.addEventListener("htmx:oobAfterSwap", markMine);

  function post(grid, action, values) {
    htmx.ajax("POST", grid.dataset.base + "/" + action, { target: "#" + grid.id, swap: "outerHTML", values: values });
  }

  function confirmThen(question, action, closed) {
    var dialog = document.getElementById("meeting-confirm");
    dialog.querySelector(".question").textContent = question;
    dialog.returnValue = "";
    dialog.onclose = function () {
      if (closed) {
        closed();
      }
      if (dialog.returnValue === "yes") {
        action();
      }
    };
    dialog.showModal();
  }

  // Whether a click came from a finger (or a pen). Browsers that do not say it on the click itself said it on
  // the pointerdown just before; a click from the keyboard says "".
  var lastPointer = "";
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType; }, true);
  function byTouch(event) {
    var type = typeof event.pointerType === "string" && event.pointerType !== "" ? event.pointerType : lastPointer;
    return type === "touch" || type === "pen";
  }

  function texts(grid) {
    return grid.closest("[data-move-text]").dataset;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".slot .book, .slot .break-toggle");
    // On the families' grid the whole green slot is the button, not only its word "Libre".
    var free = !button && event.target.closest && event.target.closest(".families .slot.free");
    button = button || (free && free.querySelector(".book"));
    if (!button) {
      return;
    }
    var slot = button.closest(".slot"), grid = slot.closest(".timetable");
    // An appointment picked with its move button: a free slot of the same grid is where it goes, not a new booking.
    var moving = pickedIn(grid);
    if (moving && button.classList.contains("book")) {
      var from = moving.dataset, to = slot.dataset;
      confirmThen(format(texts(grid).moveText, [from.time, to.time]), function () {
        post(grid, "deplacer", { From: from.slot, To: to.slot });
      }, unpick);
      return;
    }
    if (button.classList.contains("book")) {
      // The school books for the family chosen in the list above the grid.
      var family = document.getElementById("meeting-family");
      var book = function () {
        post(grid, "reserver", family ? { Slot: slot.dataset.slot, Family: family.value } : { Slot: slot.dataset.slot });
      };
      var page = grid.closest("[data-book-text]");
      // On the school's grid the question names the chosen family; with none chosen the server says so.
      var who = family ? family.value && family.selectedOptions[0].text : page && page.dataset.teacherName;
      if (page && who && byTouch(event)) {
        slot.classList.add("selected");
        confirmThen(format(page.dataset.bookText, [slot.dataset.time, who]), book, function () {
          slot.classList.remove("selected");
        });
      } else {
        book();
      }
    } else {
      post(grid, "pause", { Slot: slot.dataset.slot, On: button.dataset.on });
    }
  });

  document.addEventListener("click", function (event) {
    var cross = event.target.closest && event.target.closest(".slot .cancel");
    if (!cross) {
      return;
    }
    var slot = cross.closest(".slot"), grid = slot.closest(".timetable");
    confirmThen(format(texts(grid).cancelText, [slot.dataset.time]), function () {
      post(grid, "annuler", { Slot: slot.dataset.slot });
    });
  });

  // Moving without dragging: the appointment's move button (Enter or Space) picks it, a free slot's button then
  // takes it, after the same question as a drop; the move button again or Escape puts it back. The pick is kept by
  // slot number, so a live push that redraws the grid meanwhile keeps it.
  var picked = null;
  function pickedIn(grid) {
    if (!picked || picked.grid !== grid.id) {
      return null;
    }
    return grid.querySelector('.slot[data-slot="' + picked.slot + '"]');
  }
  function showPick() {
    document.querySelectorAll(".slot.moving").forEach(function (slot) { slot.classList.remove("moving"); });
    document.querySelectorAll(".slot .move").forEach(function (button) { button.setAttribute("aria-pressed", "false"); });
    var grid = picked && document.getElementById(picked.grid);
    var slot = grid && pickedIn(grid);
    if (slot) {
      slot.classList.add("moving");
      slot.querySelector(".move").setAttribute("aria-pressed", "true");
    }
  }
  function unpick() {
    picked = null;
    showPick();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".slot .move");
    if (!button) {
      return;
    }
    var slot = button.closest(".slot"), grid = slot.closest(".timetable");
    var same = picked && picked.grid === grid.id && picked.slot === slot.dataset.slot;
    picked = same ? null : { grid: grid.id, slot: slot.dataset.slot };
    showPick();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && picked && !document.querySelector("dialog[open]")) {
      unpick();
    }
  });
  document.addEventListener("itschool:swapped", showPick);
  document.addEventListener("htmx:afterSettle", showPick);

  // Drag and drop: a few pixels of travel make it a drag; a free slot of the same grid under the pointer
  // is the target; letting go there asks "Déplacer le rendez-vous de 18:10 à 18:40 ?".
  var drag = null;
  function movable(slot) {
    var grid = slot.closest(".timetable");
    return grid.classList.contains("staff") || slot.classList.contains("mine");
  }
  function endDrag() {
    if (!drag) {
      return null;
    }
    var ended = drag;
    drag = null;
    if (ended.ghost) {
      ended.ghost.remove();
    }
    ended.slot.classList.remove("dragging");
    if (ended.over) {
      ended.over.classList.remove("drop-target");
    }
    return ended;
  }
  document.addEventListener("pointerdown", function (event) {
    var slot = event.target.closest && event.target.closest(".slot.booked");
    if (!slot || event.target.closest("button") || event.button > 0 || !movable(slot)) {
      return;
    }
    event.preventDefault();
    drag = { slot: slot, grid: slot.closest(".timetable"), pointer: event.pointerId, x: event.clientX, y: event.clientY, ghost: null, over: null };
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointer) {
      return;
    }
    if (!drag.ghost) {
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) < 6) {
        return;
      }
      drag.ghost = drag.slot.cloneNode(true);
      drag.ghost.classList.add("ghost");
      drag.ghost.removeAttribute("data-slot");
      document.body.appendChild(drag.ghost);
      drag.slot.classList.add("dragging");
    }
    drag.ghost.style.left = event.clientX + 8 + "px";
    drag.ghost.style.top = event.clientY + 8 + "px";
    var under = document.elementFromPoint(event.clientX, event.clientY);
    var target = under && under.closest(".slot.free");
    // The grid may have been replaced by a live push since the drag began: compare grids by id.
    if (target && target.closest(".timetable").id !== drag.grid.id) {
      target = null;
    }
    if (drag.over !== target) {
      if (drag.over) {
        drag.over.classList.remove("drop-target");
      }
      drag.over = target;
      if (target) {
        target.classList.add("drop-target");
      }
    }
  });
  document.addEventListener("pointerup", function (event) {
    if (!drag || event.pointerId !== drag.pointer) {
      return;
    }
    var ended = endDrag();
    if (ended.over) {
      var from = ended.slot.dataset, to = ended.over.dataset;
      var grid = document.getElementById(ended.grid.id);
      confirmThen(format(texts(grid).moveText, [from.time, to.time]), function () {
        post(grid, "deplacer", { From: from.slot, To: to.slot });
      });
    }
  });
  document.addEventListener("pointercancel", endDrag);

  // Live: each grid declares its timetable (data-live-topic) and site.js's live client swaps pushed grids in.
  // Here, around each grid's swap: the page's own marks, and the family list when what the household holds changed.
  var marksBefore = null;
  document.addEventListener("itschool:swapping", function (event) {
    if (event.detail.shown.classList.contains("timetable")) {
      marksBefore = householdMarks();
    }
  });
  document.addEventListener("itschool:swapped", function (event) {
    var fresh = event.detail.fragment;
    if (!fresh.classList.contains("timetable")) {
      return;
    }
    markMine();
    if (householdMarks() !== marksBefore) {
      refreshFamilyList(fresh);
    }
  });
  document.addEventListener("itschool:live", function (event) {
    if (document.querySelector(".timetable[data-live-topic]")) {
      document.body.dataset.meetings = event.detail.state === "connected" ? "watching" : event.detail.state;
    }
  });
  document.addEventListener("DOMContentLoaded", markMine);
})();
