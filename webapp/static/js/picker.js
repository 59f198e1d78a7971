// Picker fields (webapp/schema_form.py, kind "picker"): a search box above each list of
// people or units filters its options as one types; a person picker narrowed by a unit
// field (data-narrow-by) shows only that unit's people. Without JS the plain list works.
(function () {
  "use strict";

  function narrowValue(select) {
    var id = select.getAttribute("data-narrow-by");
    var other = id ? document.getElementById(id) : null;
    return other ? other.value : "";
  }

  function filter(select, box) {
    var words = box.value.trim().toLowerCase();
    var unit = narrowValue(select);
    var shown = [];
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) {
        return;
      }
      var group = option.getAttribute("data-group") || "";
      var fits = (!unit || (" " + group + " ").indexOf(" " + unit + " ") !== -1) &&
        (!words || option.textContent.toLowerCase().indexOf(words) !== -1 ||
          option.value.toLowerCase().indexOf(words) !== -1);
      option.hidden = !fits;
      option.disabled = !fits && !option.selected;
      if (fits) {
        shown.push(option);
      }
    });
    if (words && shown.length === 1) {
      select.value = shown[0].value;
    }
    box.setAttribute("aria-description", "找到 " + shown.length + " 项");
  }

  Array.prototype.forEach.call(document.querySelectorAll("select.sf-picker"), function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "sf-picker-search";
    box.id = select.id + "-search";
    box.placeholder = "输入姓名、单位或账号搜索";
    box.setAttribute("aria-label", "在下面的列表中搜索");
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("autocomplete", "off");
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () { filter(select, box); });
    var id = select.getAttribute("data-narrow-by");
    var other = id ? document.getElementById(id) : null;
    if (other) {
      other.addEventListener("change", function () {
        var current = select.options[select.selectedIndex];
        var group = current ? " " + (current.getAttribute("data-group") || "") + " " : "";
        if (current && current.value && group.indexOf(" " + other.value + " ") === -1) {
          select.value = "";
        }
        filter(select, box);
      });
    }
    filter(select, box);
  });
})();
