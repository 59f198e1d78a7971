/* 审计 case replay: step through a case's events (上一步/下一步, the slider, ← →, or a click
 * on a step) on the vendored bpmn-js NavigatedViewer: the current step outlined, what was
 * done before it and the tasks open at that moment marked, the view following the step.
 * Without script the page lists every step with its data. No network beyond this site. */
(function () {
  "use strict";

  var payloadNode = document.getElementById("replay-data");
  if (!payloadNode) {
    return;
  }
  var payload = JSON.parse(payloadNode.textContent);
  var steps = payload.steps || [];
  var items = Array.prototype.slice.call(document.querySelectorAll(".replay-step"));
  var controls = document.querySelector(".replay-controls");
  var slider = controls.querySelector(".replay-slider");
  var position = controls.querySelector(".replay-position");
  var diagramBox = document.querySelector(".replay-diagram");
  var viewer = null;
  var shown = null;
  var marked = [];
  var current = 0;
  var drawing = Promise.resolve();
  var READABLE = 0.8;

  if (!steps.length || steps.length !== items.length) {
    return;
  }

  function isContainer(element) {
    return /SubProcess|Transaction/.test(element.type) && element.collapsed === false;
  }

  function diagramFor(index) {
    for (var back = index; back >= 0; back -= 1) {
      if (steps[back].diagram) {
        return steps[back].diagram;
      }
    }
    for (var ahead = index + 1; ahead < steps.length; ahead += 1) {
      if (steps[ahead].diagram) {
        return steps[ahead].diagram;
      }
    }
    return null;
  }

  function stateAt(key, index) {
    var completed = {};
    var open = {};
    for (var i = 0; i <= index; i += 1) {
      var step = steps[i];
      if (step.diagram !== key || !step.element) {
        continue;
      }
      if (step.kind === "completed") {
        completed[step.element] = true;
        delete open[step.element];
      } else if (step.kind === "open") {
        open[step.element] = true;
      } else if (step.kind === "cancelled") {
        delete open[step.element];
      }
    }
    return { completed: completed, open: open };
  }

  function addMark(id, cls) {
    var element = viewer.get("elementRegistry").get(id);
    if (!element) {
      return;
    }
    var name = isContainer(element) ? cls + "-outline" : cls;
    viewer.get("canvas").addMarker(id, name);
    marked.push([id, name]);
  }

  function mark(key, index) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    marked.forEach(function (pair) {
      if (registry.get(pair[0])) {
        canvas.removeMarker(pair[0], pair[1]);
      }
    });
    marked = [];
    var state = stateAt(key, index);
    var reached = Object.assign({}, state.completed, state.open);
    (payload.diagrams[key].flows || []).forEach(function (flow) {
      if (state.completed[flow[1]] && reached[flow[2]]) {
        addMark(flow[0], "trail-flow");
      }
    });
    Object.keys(state.completed).forEach(function (id) { addMark(id, "trail-completed"); });
    Object.keys(state.open).forEach(function (id) { addMark(id, "trail-current"); });
    var step = steps[index];
    if (step.diagram === key && step.element) {
      addMark(step.element, "replay-here");
      follow(registry.get(step.element));
    }
  }

  function centerOn(element, scale) {
    var canvas = viewer.get("canvas");
    var outer = canvas.viewbox().outer;
    var width = outer.width / scale;
    var height = outer.height / scale;
    canvas.viewbox({
      x: element.x + element.width / 2 - width / 2,
      y: element.y + element.height / 2 - height / 2,
      width: width,
      height: height
    });
  }

  function shift(low, size, viewLow, viewSize, margin) {
    if (low < viewLow + margin) {
      return viewLow + margin - low;
    }
    if (low + size > viewLow + viewSize - margin) {
      return Math.max(viewLow + margin - low, viewLow + viewSize - margin - low - size);
    }
    return 0;
  }

  function follow(element) {
    // Keep the current step in sight: pan just enough when it nears the edge of the view.
    if (!element || element.waypoints) {
      return;
    }
    var canvas = viewer.get("canvas");
    var box = canvas.viewbox();
    var margin = 40 / box.scale;
    var dx = shift(element.x, element.width, box.x, box.width, margin);
    var dy = shift(element.y, element.height, box.y, box.height, margin);
    if (dx || dy) {
      canvas.scroll({ dx: dx * box.scale, dy: dy * box.scale });
    }
  }

  function elementNear(key, index) {
    // The step's own element, else the next (then the previous) step's in this diagram.
    var order = [index];
    for (var i = index + 1; i < steps.length; i += 1) { order.push(i); }
    for (var j = index - 1; j >= 0; j -= 1) { order.push(j); }
    for (var k = 0; k < order.length; k += 1) {
      var step = steps[order[k]];
      if (step.diagram === key && step.element) {
        return viewer.get("elementRegistry").get(step.element);
      }
    }
    return null;
  }

  function fitOrFocus(key, index) {
    // The whole diagram when it is readable so; else a readable zoom around the step.
    var canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    var element = elementNear(key, index);
    if (canvas.zoom() < READABLE && element && !element.waypoints) {
      centerOn(element, READABLE);
    }
  }

  function setStatus(text) {
    diagramBox.querySelector(".diagram-status").textContent = text;
  }

  function draw(index) {
    var key = diagramFor(index);
    if (!viewer || !key) {
      return;
    }
    drawing = drawing.then(function () {
      if (key === shown) {
        mark(key, index);
        return null;
      }
      var diagram = payload.diagrams[key];
      return viewer.importXML(diagram.xml).then(function () {
        shown = key;
        marked = [];
        fitOrFocus(key, current);
        diagramBox.querySelector(".replay-diagram-name").textContent = "流程图：" + diagram.name;
        mark(key, current);
        setStatus("");
      }).catch(function () {
        setStatus("流程图「" + diagram.name + "」无法显示，请参看右侧的步骤列表。");
      });
    });
  }

  function go(index) {
    index = Math.max(0, Math.min(steps.length - 1, index));
    var before = items[current];
    before.classList.remove("is-current");
    before.removeAttribute("aria-current");
    before.querySelector("details").open = false;
    current = index;
    var item = items[index];
    item.classList.add("is-current");
    item.setAttribute("aria-current", "step");
    item.querySelector("details").open = true;
    var list = item.parentNode;
    if (list.scrollHeight > list.clientHeight) {
      list.scrollTop += item.getBoundingClientRect().top - list.getBoundingClientRect().top - 8;
    }
    slider.value = String(index + 1);
    position.textContent = "第 " + (index + 1) + " / " + steps.length + " 步";
    controls.querySelector("[data-go=prev]").disabled = index === 0;
    controls.querySelector("[data-go=next]").disabled = index === steps.length - 1;
    draw(index);
  }

  function onKey(event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.altKey || event.ctrlKey) {
      return;
    }
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      event.preventDefault();
      go(current + (event.key === "ArrowRight" ? 1 : -1));
    }
  }

  controls.hidden = false;
  document.querySelector(".replay").classList.add("is-interactive");
  controls.querySelector("[data-go=prev]").addEventListener("click", function () { go(current - 1); });
  controls.querySelector("[data-go=next]").addEventListener("click", function () { go(current + 1); });
  slider.addEventListener("input", function () { go(Number(slider.value) - 1); });
  document.addEventListener("keydown", onKey);
  items.forEach(function (item, index) {
    item.addEventListener("click", function (event) {
      if (!event.target.closest("summary")) {
        go(index);
      }
    });
  });
  if (typeof window.BpmnJS === "function" && window.ZZDiagram && Object.keys(payload.diagrams).length) {
    diagramBox.hidden = false;
    viewer = new window.BpmnJS({ container: diagramBox.querySelector(".diagram-canvas") });
    window.ZZDiagram.bindZoom(diagramBox, viewer);
  }
  go(0);
})();
