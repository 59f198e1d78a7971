/* Properties panel: small DOM builders for labelled fields. A field commits its value on
 * "change" (leaving the field, Enter in a one-line input, picking an option), so typing
 * never re-renders the panel under the cursor. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var counter = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else if (name === "className") {
        node.className = value;
      } else {
        node.setAttribute(name, value === true ? "" : value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function nextId(key) {
    counter += 1;
    return "pf-" + key.replace(/[^\w-]/g, "_") + "-" + counter;
  }

  function field(label, control, hint) {
    var id = control.id || nextId(control.getAttribute("data-key") || "field");
    control.id = id;
    var parts = [el("label", { "for": id, text: label }), control];
    if (hint) {
      var hintId = id + "-hint";
      control.setAttribute("aria-describedby", hintId);
      parts.push(typeof hint === "string" ? el("p", { className: "props-hint", id: hintId, text: hint })
        : withId(hint, hintId));
    }
    return el("div", { className: "pfield" }, parts);
  }

  function withId(node, id) {
    node.id = id;
    return node;
  }

  function onCommit(control, commit, read) {
    control.addEventListener("change", function () { commit(read(control)); });
    return control;
  }

  function textInput(key, value, commit, options) {
    var input = el("input", {
      type: "text", "data-key": key, value: value || "", spellcheck: "false",
      className: options && options.code ? "code" : null,
      placeholder: options && options.placeholder
    });
    input.value = value || "";
    return onCommit(input, commit, function (node) { return node.value; });
  }

  function textArea(key, value, commit, options) {
    var area = el("textarea", {
      "data-key": key, rows: (options && options.rows) || 3, spellcheck: "false",
      className: options && options.code ? "code" : null,
      placeholder: options && options.placeholder
    });
    area.value = value || "";
    return onCommit(area, commit, function (node) { return node.value; });
  }

  function select(key, choices, value, commit) {
    var control = el("select", { "data-key": key });
    choices.forEach(function (choice) {
      var option = el("option", { value: choice.value, text: choice.label });
      option.selected = choice.value === value;
      control.appendChild(option);
    });
    return onCommit(control, commit, function (node) { return node.value; });
  }

  function checkbox(key, label, checked, commit) {
    var id = nextId(key);
    var box = el("input", { type: "checkbox", id: id, "data-key": key });
    box.checked = !!checked;
    onCommit(box, commit, function (node) { return node.checked; });
    return el("div", { className: "pfield pcheck" }, [box, el("label", { "for": id, text: label })]);
  }

  function section(title, children) {
    return el("section", { className: "props-section" },
      [el("h3", { text: title })].concat(children));
  }

  function note(text, kind) {
    return el("p", { className: "props-note" + (kind ? " props-note-" + kind : ""), text: text });
  }

  function button(label, onClick, className) {
    var node = el("button", { type: "button", className: "btn btn-small " + (className || ""), text: label });
    node.addEventListener("click", onClick);
    return node;
  }

  ns.dom = {
    el: el, field: field, textInput: textInput, textArea: textArea, select: select,
    checkbox: checkbox, section: section, note: note, button: button
  };
})();
