/* Case page: the diagrams of the processes a case went through, drawn by the vendored
 * bpmn-js NavigatedViewer, with completed elements, current tasks, waiting events and
 * taken flows marked. Document page: the print button. No network beyond this site. */
(function () {
  "use strict";

  var selectTab = window.ZZDiagram.selectTab;
  var onTabKey = window.ZZDiagram.onTabKey;
  var bindZoom = window.ZZDiagram.bindZoom;

  var MARKERS = [
    ["flows", "trail-flow"],
    ["completed", "trail-completed"],
    ["waiting", "trail-waiting"],
    ["current", "trail-current"]
  ];

  function setStatus(app, text) {
    var status = app.parentNode.querySelector(".diagram-status");
    if (status) {
      status.textContent = text;
    }
  }

  function isContainer(element) {
    // An expanded subprocess is drawn around its steps: outline it, never fill it.
    return /SubProcess|Transaction/.test(element.type) && element.collapsed === false;
  }

  function mark(viewer, process) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    MARKERS.forEach(function (pair) {
      (process[pair[0]] || []).forEach(function (id) {
        var element = registry.get(id);
        if (element) {
          canvas.addMarker(id, isContainer(element) ? pair[1] + "-outline" : pair[1]);
        }
      });
    });
  }

  var READABLE = 0.9;  // below this zoom a long process's labels cannot be read

  function focus(viewer, process) {
    // The whole diagram when it is readable so; else the current step (or what the case
    // waits for) in the middle, at a zoom where its labels can be read.
    var canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    var id = (process.current || [])[0] || (process.waiting || [])[0];
    var element = id && viewer.get("elementRegistry").get(id);
    if (!element || canvas.viewbox().scale >= READABLE) {
      return;
    }
    canvas.zoom(READABLE);
    var box = canvas.viewbox();
    canvas.viewbox({
      x: element.x + element.width / 2 - box.width / 2,
      y: element.y + element.height / 2 - box.height / 2,
      width: box.width,
      height: box.height
    });
  }

  function show(app, viewer, process) {
    return viewer.importXML(process.xml).then(function () {
      mark(viewer, process);
      focus(viewer, process);
      setStatus(app, "正在显示：" + process.name);
    }).catch(function () {
      setStatus(app, "流程图「" + process.name + "」无法显示，请参看下方的办理步骤。");
    });
  }

  function buildTabs(app, viewer, processes) {
    var list = app.querySelector(".diagram-tabs");
    var tabs = processes.map(function (process, index) {
      var tab = document.createElement("button");
      tab.type = "button";
      tab.className = "diagram-tab";
      tab.setAttribute("role", "tab");
      tab.id = "diagram-tab-" + process.id;
      tab.textContent = process.name + (process.runs > 1 ? "（" + process.runs + " 次）" : "");
      tab.addEventListener("click", function () {
        selectTab(tabs, tab);
        app.querySelector(".diagram-canvas").setAttribute("aria-labelledby", tab.id);
        show(app, viewer, processes[index]);
      });
      list.appendChild(tab);
      return tab;
    });
    list.addEventListener("keydown", function (event) { onTabKey(event, tabs); });
    return tabs;
  }

  function start(app) {
    if (typeof window.BpmnJS !== "function" || !window.fetch) {
      return;
    }
    fetch(app.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (payload) {
        var processes = payload.processes || [];
        if (!processes.length) {
          setStatus(app, "本案尚无流程图。");
          return;
        }
        app.hidden = false;
        var viewer = new window.BpmnJS({ container: app.querySelector(".diagram-canvas") });
        var tabs = buildTabs(app, viewer, processes);
        bindZoom(app, viewer);
        tabs[0].click();
      })
      .catch(function () {
        setStatus(app, "流程图加载失败，请参看下方的办理步骤。");
      });
  }

  document.querySelectorAll(".diagram-app[data-url]").forEach(start);

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
