/* 受理回执: the print button (the page prints as it is; Ctrl+P works as well). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
