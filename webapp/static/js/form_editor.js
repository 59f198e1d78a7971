/* Form editor: line numbers beside the JSON Schema, and a live preview of the form as
 * caseworkers see it, rendered by the server (POST designer.form_preview) a moment after
 * each edit. Clicking an error puts the cursor on its line. No network beyond this site. */
(function () {
  "use strict";

  var DELAY_MS = 300;
  var form = document.getElementById("form-editor");
  var text = document.getElementById("schema-text");
  var gutter = document.querySelector(".dz-gutter");
  var issues = document.getElementById("form-issues");
  var preview = document.getElementById("form-preview");
  if (!form || !text || !window.fetch) {
    return;
  }
  var token = form.querySelector("input[name='csrf_token']").value;
  var timer = null;
  var latest = 0;

  function renumber() {
    var count = text.value.split("\n").length;
    var numbers = [];
    for (var n = 1; n <= count; n += 1) {
      numbers.push(n);
    }
    gutter.textContent = numbers.join("\n") + "\n";
    gutter.scrollTop = text.scrollTop;
  }

  function part(html, name) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var found = holder.querySelector("[data-part='" + name + "']");
    return found ? found.outerHTML : "";
  }

  function refresh() {
    var mine = latest += 1;
    var body = new FormData();
    body.append("text", text.value);
    preview.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (mine !== latest) {
          return; // a later edit's preview is on its way
        }
        issues.innerHTML = part(html, "issues");
        preview.innerHTML = part(html, "preview");
        preview.removeAttribute("aria-busy");
      })
      .catch(function () {
        if (mine === latest) {
          preview.removeAttribute("aria-busy");
          issues.textContent = "预览暂时无法更新，请稍后再试（修改不会丢失）。";
        }
      });
  }

  function goToLine(line) {
    var lines = text.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i += 1) {
      start += lines[i].length + 1;
    }
    var end = start + (lines[line - 1] || "").length;
    text.focus();
    text.setSelectionRange(start, end);
    var lineHeight = parseFloat(window.getComputedStyle(text).lineHeight) || 20;
    text.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  text.addEventListener("input", function () {
    renumber();
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  });
  text.addEventListener("scroll", function () {
    gutter.scrollTop = text.scrollTop;
  });
  issues.addEventListener("click", function (event) {
    var item = event.target.closest("[data-line]");
    if (item) {
      goToLine(parseInt(item.getAttribute("data-line"), 10));
    }
  });
  // The preview is a picture of the form: it never submits.
  preview.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  renumber();
})();
