/* 受理登记: subtypes follow the chosen type; party rows added and removed in place.
   Without this script the form still works: every subtype is listed under its type,
   and 添加当事人 posts the form back with one more row. */
(function () {
  "use strict";

  var form = document.getElementById("intake-form");
  if (!form) {
    return;
  }

  // -- dispute subtype filtered by type ---------------------------------------------------
  var type = document.getElementById("dispute_type");
  var subtype = document.getElementById("dispute_subtype");
  var groups = Array.prototype.slice.call(subtype.querySelectorAll("optgroup"));

  function filterSubtypes() {
    var chosen = subtype.value;
    groups.forEach(function (group) {
      if (group.parentNode) {
        group.parentNode.removeChild(group);
      }
    });
    var match = groups.filter(function (group) {
      return group.getAttribute("data-parent") === type.value;
    })[0];
    if (match) {
      subtype.appendChild(match);
    }
    subtype.disabled = !match;
    var still = match && match.querySelector('option[value="' + CSS.escape(chosen) + '"]');
    subtype.value = still ? chosen : "";
  }

  type.addEventListener("change", filterSubtypes);
  filterSubtypes();

  // -- party rows ---------------------------------------------------------------------------
  var rows = document.getElementById("party-rows");
  var template = document.getElementById("party-template");
  var addButton = document.getElementById("add-party");
  var next = rows.querySelectorAll(".party-row").length;

  function showRemoveButtons() {
    var all = rows.querySelectorAll(".party-row");
    all.forEach(function (row) {
      row.querySelector(".remove-party").hidden = all.length < 2;
    });
  }

  addButton.addEventListener("click", function (event) {
    event.preventDefault();
    var html = template.innerHTML.replace(/__i__/g, String(next));
    next += 1;
    rows.insertAdjacentHTML("beforeend", html);
    showRemoveButtons();
    var added = rows.lastElementChild;
    added.querySelector('input[name$="-name"]').focus();
  });

  rows.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-party");
    if (!button) {
      return;
    }
    var row = button.closest(".party-row");
    var focusNext = row.nextElementSibling || row.previousElementSibling;
    row.parentNode.removeChild(row);
    showRemoveButtons();
    if (focusNext) {
      focusNext.querySelector('input[name$="-name"]').focus();
    } else {
      addButton.focus();
    }
  });

  showRemoveButtons();

  // -- first error in view -----------------------------------------------------------------
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
