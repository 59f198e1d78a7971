/* Trial runs (试运行): check JSON fields before sending, ask before deleting, bring a form's
 * error summary into view, and guard each step's button against a second click.
 * The diagram is drawn by cases.js (the same viewer and marks as the case page). */
(function () {
  "use strict";

  function jsonProblem(text, what) {
    if (!text.trim()) {
      return "";
    }
    try {
      var value = JSON.parse(text);
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return what + "必须是 JSON 对象，如 {\"risk_colour\": \"黄\"}";
      }
    } catch (error) {
      return what + "不是合法的 JSON：" + error.message;
    }
    return "";
  }

  function checkJsonFields(form) {
    var ok = true;
    form.querySelectorAll("[data-json-field]").forEach(function (field) {
      var message = jsonProblem(field.value, field.getAttribute("data-json-field"));
      var slot = field.parentNode.querySelector("[data-json-error]");
      field.setAttribute("aria-invalid", message ? "true" : "false");
      if (slot) {
        slot.textContent = message;
        slot.hidden = !message;
      }
      if (message && ok) {
        ok = false;
        var details = field.closest("details");
        if (details) {
          details.open = true;
        }
        field.focus();
      }
    });
    return ok;
  }

  function busy(form) {
    var button = form.querySelector("button[type='submit']");
    if (button) {
      // Disabled after this tick, so the click itself still submits the form.
      window.setTimeout(function () {
        button.disabled = true;
        button.setAttribute("data-label", button.textContent);
        button.textContent = "正在执行…";
      }, 0);
    }
  }

  document.querySelectorAll("form[data-trial-step], form[data-trial-start]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!checkJsonFields(form)) {
        event.preventDefault();
        return;
      }
      busy(form);
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  // Back from the browser's history: buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("button[data-label]").forEach(function (button) {
      button.disabled = false;
      button.textContent = button.getAttribute("data-label");
    });
  });

  var summary = document.getElementById("form-error-summary");
  if (summary) {
    summary.focus();
  }
})();
