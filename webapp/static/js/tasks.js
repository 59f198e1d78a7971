// Task form: bring the error summary into view, and guard against a second click on 提交.
(function () {
  "use strict";

  var summary = document.getElementById("form-error-summary");
  if (summary) {
    summary.focus();
    var first = document.querySelector(".schema-form [aria-invalid='true']");
    if (first) {
      var link = document.createElement("a");
      link.href = "#" + (first.id || first.name);
      link.textContent = "转到第一处需要修改的字段";
      link.addEventListener("click", function (event) {
        event.preventDefault();
        first.focus();
      });
      var line = document.createElement("p");
      line.appendChild(link);
      summary.appendChild(line);
    }
  }

  var form = document.querySelector("form.schema-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type='submit']");
      if (button) {
        // Disabled after this tick, so the click itself still submits the form.
        window.setTimeout(function () {
          button.disabled = true;
          button.textContent = "正在提交…";
        }, 0);
      }
    });
    // Coming back to this page from the browser's history: let it be submitted again.
    window.addEventListener("pageshow", function () {
      var button = form.querySelector("button[type='submit']");
      if (button && button.disabled) {
        button.disabled = false;
        button.textContent = "提交";
      }
    });
  }
})();
