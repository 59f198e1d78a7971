/* Validation problems on the diagram and in a list: each problem naming an element of this
 * file outlines it (marker class "zz-problem") with the message beside it (an overlay);
 * every problem is listed, and clicking one selects and shows its element. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var OVERLAY = "zz-problem";
  var SHORT = 48;

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
    return this.modeler.get("elementRegistry").get(problem.element) || null;
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
    if (problem.element && problem.file === file && !element) {
      li.appendChild(document.createTextNode("（图中没有此元素）"));
    }
    return li;
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
})();
