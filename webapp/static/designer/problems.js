/* Validation problems on the diagram and in a list: each problem naming an element of this
 * file outlines it (marker class "zz-problem") with the message beside it (an overlay);
 * every problem is listed, and clicking one selects and shows its element. A process of
 * this file not marked executable (code "not_executable") gets a 设为可执行 button: it
 * marks the process (undoable) and calls ``onFixed`` so the page validates again. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var OVERLAY = "zz-problem";
  var SHORT = 48;
  var NOT_EXECUTABLE = "not_executable";

  /* Set isExecutable="true" on the process ``id``: the diagram's root, or the process of a
   * pool in a collaboration. Returns whether it was found. */
  function makeExecutable(modeler, id) {
    var registry = modeler.get("elementRegistry");
    var modeling = modeler.get("modeling");
    var root = registry.get(id);
    if (root && root.businessObject && root.businessObject.$type === "bpmn:Process") {
      modeling.updateProperties(root, { isExecutable: true });
      return true;
    }
    var pool = registry.filter(function (e) {
      var ref = e.businessObject && e.businessObject.processRef;
      return e.type === "bpmn:Participant" && ref && ref.id === id;
    })[0];
    if (pool) {
      modeling.updateModdleProperties(pool, pool.businessObject.processRef, { isExecutable: true });
      return true;
    }
    return false;
  }

  function Problems(modeler, section) {
    this.modeler = modeler;
    this.section = section;
    this.summary = section.querySelector(".problems-summary");
    this.list = section.querySelector(".problem-list");
    this.marked = [];
  }

  Problems.prototype.clear = function () {
    var canvas = this.modeler.get("canvas");
    var registry = this.modeler.get("elementRegistry");
    this.marked.forEach(function (id) {
      if (registry.get(id)) {
        canvas.removeMarker(id, "zz-problem");
        canvas.removeMarker(id, "zz-warning");
      }
    });
    this.marked = [];
    this.modeler.get("overlays").remove({ type: OVERLAY });
    this.list.textContent = "";
    this.section.hidden = true;
  };

  Problems.prototype.elementOf = function (problem, file) {
    if (!problem.element || problem.file !== file) {
      return null;
    }
    var element = this.modeler.get("elementRegistry").get(problem.element) || null;
    return element && element.parent ? element : null;  // a process is the canvas, not a shape
  };

  Problems.prototype.outline = function (element, problem) {
    var warning = problem.severity === "warning";
    this.modeler.get("canvas").addMarker(element.id, warning ? "zz-warning" : "zz-problem");
    this.marked.push(element.id);
    var text = problem.message.length > SHORT ? problem.message.slice(0, SHORT) + "…" : problem.message;
    var badge = document.createElement("div");
    badge.className = "zz-problem-badge" + (warning ? " zz-problem-badge-warning" : "");
    badge.setAttribute("data-element", element.id);
    badge.title = problem.message;
    badge.textContent = (warning ? "⚠ " : "✖ ") + text;
    // Above the element, clear of the context pad that opens at its top right.
    var position = { top: -6, left: 0 };
    this.modeler.get("overlays").add(element.id, OVERLAY, { position: position, html: badge });
  };

  Problems.prototype.reveal = function (element) {
    var canvas = this.modeler.get("canvas");
    if (typeof canvas.findRoot === "function") {
      var root = canvas.findRoot(element);
      if (root && root !== canvas.getRootElement()) {
        canvas.setRootElement(root);
      }
    }
    this.modeler.get("selection").select(element);
    if (typeof canvas.scrollToElement === "function") {
      canvas.scrollToElement(element, { top: 120, bottom: 120, left: 120, right: 120 });
    }
  };

  Problems.prototype.item = function (problem, element, file) {
    var self = this;
    var where = problem.file !== file ? problem.file + (problem.element ? " › " + problem.element : "")
      : (problem.element || "整个文件");
    var label = (problem.severity === "warning" ? "警告" : "错误") + " · " + where;
    var li = document.createElement("li");
    li.className = "problem problem-" + (problem.severity === "warning" ? "warning" : "error");
    li.setAttribute("data-element", problem.element || "");
    var head = document.createElement(element ? "button" : "span");
    head.className = element ? "problem-where btn-link" : "problem-where";
    head.textContent = label;
    if (element) {
      head.type = "button";
      head.title = "在图中选中此元素";
      head.addEventListener("click", function () { self.reveal(element); });
    }
    var message = document.createElement("span");
    message.className = "problem-message";
    message.textContent = problem.message;
    li.appendChild(head);
    li.appendChild(message);
    if (problem.code === NOT_EXECUTABLE && problem.file === file) {
      li.appendChild(self.fixButton(problem.element));
    } else if (problem.element && problem.file === file && !element &&
        !this.modeler.get("elementRegistry").get(problem.element)) {
      li.appendChild(document.createTextNode("（图中没有此元素）"));
    }
    return li;
  };

  Problems.prototype.fixButton = function (processId) {
    var self = this;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-plain btn-compact problem-fix";
    button.textContent = "设为可执行";
    button.title = "把流程 " + processId + " 标记为可执行（isExecutable=\"true\"），然后重新校验";
    button.addEventListener("click", function () {
      if (makeExecutable(self.modeler, processId) && self.onFixed) {
        self.onFixed();
      }
    });
    return button;
  };

  /* Bring the first outlined element into view, zoomed in enough to read its badge. */
  Problems.prototype.focusFirst = function () {
    var registry = this.modeler.get("elementRegistry");
    var first = this.marked.length ? registry.get(this.marked[0]) : null;
    if (!first) {
      return;
    }
    var canvas = this.modeler.get("canvas");
    var point = first.waypoints ? first.waypoints[0] : { x: first.x + first.width / 2, y: first.y + first.height / 2 };
    if (canvas.viewbox().scale < 0.9) {
      canvas.zoom(1, point);
    }
    var box = canvas.viewbox();
    canvas.viewbox({ x: point.x - box.width / 2, y: point.y - box.height / 2, width: box.width, height: box.height });
  };

  /* Show ``problems`` for ``file``; returns how many are errors. */
  Problems.prototype.show = function (problems, file, heading) {
    var self = this;
    this.clear();
    var errors = problems.filter(function (p) { return p.severity !== "warning"; }).length;
    var warnings = problems.length - errors;
    this.summary.textContent = heading || (problems.length
      ? "发现 " + errors + " 个错误" + (warnings ? "、" + warnings + " 个警告" : "") + (errors ? "：有错误时不能部署。" : "；警告不妨碍部署。")
      : "校验通过，没有发现问题。");
    problems.forEach(function (problem) {
      var element = self.elementOf(problem, file);
      if (element) {
        self.outline(element, problem);
      }
      self.list.appendChild(self.item(problem, element, file));
    });
    this.section.hidden = false;
    this.focusFirst();
    return errors;
  };

  ns.Problems = Problems;
  ns.makeExecutable = makeExecutable;
})();
