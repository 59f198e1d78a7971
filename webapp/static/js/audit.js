/* 审计 search page: 校验整条哈希链 walks the chain a part at a time with a progress bar
 * (without script the form walks for a few seconds a request and offers 继续校验).
 * No network beyond this site. */
(function () {
  "use strict";

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  /* -- the whole chain, a part at a time --------------------------------------------- */

  function verifyInParts(form) {
    var progress = form.querySelector(".verify-progress");
    var status = form.querySelector(".verify-status");
    var result = document.querySelector(".verify-result");
    var button = form.querySelector("button[type=submit]");

    function part(start) {
      var body = new FormData();
      body.append("csrf_token", csrfToken(form));
      body.append("start", String(start));
      return fetch(form.getAttribute("data-part-url"), {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }).then(function (answer) {
        var done = Math.max(0, answer.next - 1);
        progress.max = Math.max(answer.total, 1);
        progress.value = Math.min(done, progress.max);
        status.textContent = "已校验 " + done + " / " + answer.total + " 条……";
        if (answer.done) {
          result.innerHTML = answer.html || "";
          status.textContent = "校验完成。";
          progress.hidden = true;
          button.disabled = false;
          return null;
        }
        return part(answer.next);
      });
    }

    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) {
        return;
      }
      event.preventDefault();
      button.disabled = true;
      result.innerHTML = "";
      progress.hidden = false;
      progress.value = 0;
      status.textContent = "正在校验……";
      var start = form.querySelector("input[name=start]");
      var soFar = form.querySelector(".verify-so-far");
      if (soFar) {
        soFar.hidden = true;
      }
      part(start ? Number(start.value) || 1 : 1).catch(function () {
        status.textContent = "校验请求失败，请重试。";
        progress.hidden = true;
        button.disabled = false;
      });
    });
  }

  document.querySelectorAll("form.verify-form[data-part-url]").forEach(verifyInParts);
})();
