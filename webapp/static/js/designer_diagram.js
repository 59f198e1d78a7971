/* The designer's read-only diagrams (version page, diff): one tab per BPMN file, drawn by
 * the vendored bpmn-js NavigatedViewer from the version's own file, with elements marked
 * (diff: added, changed, removed). No network beyond this site. */
(function () {
  "use strict";

  var selectTab = window.ZZDiagram.selectTab;
  var onTabKey = window.ZZDiagram.onTabKey;
  var bindZoom = window.ZZDiagram.bindZoom;

  function setStatus(app, text) {
    var status = app.nextElementSibling;
    if (status && status.classList.contains("dz-diagram-status")) {
      status.textContent = text;
    }
  }

  function mark(viewer, markers) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var missing = 0;
    Object.keys(markers || {}).forEach(function (css) {
      markers[css].forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, css);
        } else {
          missing += 1;
        }
      });
    });
    return missing;
  }

  function centre(app, viewer, id) {
    var canvas = viewer.get("canvas");
    var target = viewer.get("elementRegistry").get(id);
    if (!target) {
      setStatus(app, "「" + id + "」没有画在图上（如流程属性、无图形的元素）。");
      return;
    }
    var outer = canvas.viewbox().outer;
    canvas.viewbox({
      x: target.x + (target.width || 0) / 2 - outer.width / 2,
      y: target.y + (target.height || 0) / 2 - outer.height / 2,
      width: outer.width,
      height: outer.height
    });
    app.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  function show(app, viewer, file) {
    setStatus(app, "正在加载：" + file.label);
    return fetch(file.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (xml) {
        return viewer.importXML(xml);
      })
      .then(function (result) {
        var missing = mark(viewer, file.markers);
        viewer.get("canvas").zoom("fit-viewport", "auto");
        var warnings = (result && result.warnings && result.warnings.length) || 0;
        app.setAttribute("data-shown", file.name);
        app.setAttribute("data-warnings", String(warnings));
        setStatus(app, "正在显示：" + file.label +
          (missing ? "（" + missing + " 处变化不在图上，如流程属性，见下方列表）" : ""));
      })
      .catch(function () {
        setStatus(app, "流程图「" + file.label + "」无法显示。");
      });
  }

  function buildTabs(app, viewer, files) {
    var list = app.querySelector(".dz-diagram-tabs");
    var canvas = app.querySelector(".dz-diagram-canvas");
    var prefix = app.id || "dz-diagram";
    var tabs = files.map(function (file, index) {
      var tab = document.createElement("button");
      tab.type = "button";
      tab.className = "dz-diagram-tab";
      tab.setAttribute("role", "tab");
      tab.id = prefix + "-tab-" + index;
      tab.textContent = file.label;
      tab.addEventListener("click", function () {
        selectTab(tabs, tab);
        canvas.setAttribute("aria-labelledby", tab.id);
        show(app, viewer, files[index]);
      });
      list.appendChild(tab);
      return tab;
    });
    list.addEventListener("keydown", function (event) { onTabKey(event, tabs); });
    return tabs;
  }

  function bindLocate(app, viewer, files, tabs) {
    if (!app.id) {
      return;
    }
    document.querySelectorAll("[data-locate][data-viewer='" + app.id + "']").forEach(function (button) {
      var index = files.findIndex(function (file) { return file.name === button.getAttribute("data-file"); });
      if (index < 0) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var id = button.getAttribute("data-locate");
        if (app.getAttribute("data-shown") === files[index].name) {
          centre(app, viewer, id);
          return;
        }
        selectTab(tabs, tabs[index]);
        show(app, viewer, files[index]).then(function () { centre(app, viewer, id); });
      });
    });
  }

  function start(app) {
    var files = JSON.parse(app.getAttribute("data-files") || "[]");
    if (!files.length || typeof window.BpmnJS !== "function" || !window.fetch) {
      return;
    }
    app.hidden = false;
    var viewer = new window.BpmnJS({ container: app.querySelector(".dz-diagram-canvas") });
    var tabs = buildTabs(app, viewer, files);
    bindZoom(app, viewer);
    bindLocate(app, viewer, files, tabs);
    var wanted = app.getAttribute("data-selected");
    var index = files.findIndex(function (file) { return file.name === wanted; });
    tabs[index >= 0 ? index : 0].click();
  }

  document.querySelectorAll(".dz-diagram[data-files]").forEach(start);
})();
