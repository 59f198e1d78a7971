/* Talking to the site: validate and deploy the current XML (JSON over fetch with the CSRF
 * header), and the deploy dialog asking for the change note. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function urlFor(template, name, versionId) {
    var url = template.replace("__FILE__", encodeURIComponent(name));
    return versionId === undefined ? url : url.replace("999999999", String(versionId));
  }

  /* POST ``body`` as JSON; resolves {status, data} for any answer the site gives. */
  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  /* Ask for the change note; resolves the note, or null when cancelled. */
  function askNote(dialog) {
    var form = dialog.querySelector("form");
    var note = dialog.querySelector("#deploy-note");
    var error = dialog.querySelector("#deploy-note-error");
    error.hidden = true;
    note.removeAttribute("aria-invalid");
    return new Promise(function (resolve) {
      function finish(value) {
        form.removeEventListener("submit", onSubmit);
        dialog.removeEventListener("cancel", onCancel);
        if (dialog.open) { dialog.close(); }
        resolve(value);
      }
      function onSubmit(event) {
        var submitter = event.submitter;
        if (submitter && submitter.value === "cancel") {
          finish(null);
          return;
        }
        event.preventDefault();
        if (!note.value.trim()) {
          error.hidden = false;
          note.setAttribute("aria-invalid", "true");
          note.focus();
          return;
        }
        finish(note.value.trim());
      }
      function onCancel() { finish(null); }
      form.addEventListener("submit", onSubmit);
      dialog.addEventListener("cancel", onCancel);
      dialog.showModal();
      note.focus();
    });
  }

  ns.server = { postJSON: postJSON, urlFor: urlFor, askNote: askNote };
})();
