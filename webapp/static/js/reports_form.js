// 按需生成报表: show the day field for a fixed kind, the two range fields for 自定义时段.
(function () {
  "use strict";

  var kind = document.getElementById("g-kind");
  if (!kind) {
    return;
  }

  function sync() {
    var custom = kind.value === "custom";
    document.querySelectorAll("[data-for-kind]").forEach(function (field) {
      var shown = (field.getAttribute("data-for-kind") === "custom") === custom;
      field.hidden = !shown;
    });
  }

  kind.addEventListener("change", sync);
  sync();
})();
