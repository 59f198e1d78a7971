/* 泳道映射: a diagram made elsewhere names its lanes after its own people (Manager,
 * Customer). When validation reports lanes that are not our roles (or tasks in no lane),
 * the dialog offers a role per lane; the choices travel with every validate, deploy and
 * trial of this page (``lane_map``) and are stored with the deployed version. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var OUTSIDE = "*";

  function option(value, text, selected) {
    var node = document.createElement("option");
    node.value = value;
    node.textContent = text;
    node.selected = selected;
    return node;
  }

  function row(lane, label, roles, chosen) {
    var id = "lane-map-" + Math.random().toString(36).slice(2, 8);
    var field = document.createElement("div");
    field.className = "field lane-map-row";
    var caption = document.createElement("label");
    caption.setAttribute("for", id);
    caption.textContent = label;
    var select = document.createElement("select");
    select.id = id;
    select.setAttribute("data-lane", lane);
    select.appendChild(option("", "（请选择角色）", !chosen));
    roles.forEach(function (role) { select.appendChild(option(role, role, role === chosen)); });
    field.appendChild(caption);
    field.appendChild(select);
    return field;
  }

  function fill(dialog, lanes, current) {
    var rows = dialog.querySelector(".lane-map-rows");
    rows.textContent = "";
    lanes.unknown.forEach(function (lane) {
      rows.appendChild(row(lane, "泳道「" + lane + "」", lanes.roles, current[lane] || lanes.map[lane]));
    });
    if (lanes.outside) {
      rows.appendChild(row(OUTSIDE, "不在任何泳道中的人工任务", lanes.roles, current[OUTSIDE] || lanes.map[OUTSIDE]));
    }
  }

  /* Show the dialog; resolves the chosen map (lane → role), or null when cancelled. */
  function ask(dialog, lanes, current) {
    fill(dialog, lanes, current);
    var form = dialog.querySelector("form");
    return new Promise(function (resolve) {
      function finish(value) {
        form.removeEventListener("submit", onSubmit);
        dialog.removeEventListener("cancel", onCancel);
        if (dialog.open) { dialog.close(); }
        resolve(value);
      }
      function onSubmit(event) {
        if (event.submitter && event.submitter.value === "cancel") {
          finish(null);
          return;
        }
        event.preventDefault();
        var chosen = {};
        dialog.querySelectorAll("select[data-lane]").forEach(function (select) {
          if (select.value) { chosen[select.getAttribute("data-lane")] = select.value; }
        });
        finish(chosen);
      }
      function onCancel() { finish(null); }
      form.addEventListener("submit", onSubmit);
      dialog.addEventListener("cancel", onCancel);
      dialog.showModal();
      var first = dialog.querySelector("select");
      if (first) { first.focus(); }
    });
  }

  function unmapped(lanes, current) {
    var missing = lanes.unknown.filter(function (lane) { return !current[lane] && !lanes.map[lane]; });
    if (lanes.outside && !current[OUTSIDE] && !lanes.map[OUTSIDE]) { missing.push(OUTSIDE); }
    return missing.length;
  }

  /* After a validate or a rejected deploy: remember what the set's lanes need, show the
   * 泳道映射… button, and open the dialog when some lane still has no role. ``then(map)``
   * runs after the designer confirms (e.g. validate again with the map). */
  ns.offerLaneMap = function (app, lanes, then) {
    var button = document.querySelector('[data-action="lanes"]');
    app.lanes = lanes || null;
    if (button) { button.hidden = !lanes; }
    if (lanes && unmapped(lanes, app.laneMap) && !app.laneDialogShown) {
      app.laneDialogShown = true;
      ns.editLaneMap(app, then);
    }
  };

  ns.editLaneMap = function (app, then) {
    if (!app.lanes) { return; }
    ask(document.getElementById("lane-dialog"), app.lanes, app.laneMap).then(function (chosen) {
      if (chosen === null) { return; }
      app.laneMap = chosen;
      if (then) { then(chosen); }
    });
  };
})();
