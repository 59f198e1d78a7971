/* Properties panel for the selected element: only what the zongzhi engine reads (id, name,
 * documentation; lane, form and people (assignee, candidates) of a user task; timers;
 * service operators; conditions and default flows; scripts; multi-instance collections).
 * Redrawn when the selection or the selected element changes (edits, undo, redo); the
 * focused field keeps its focus. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};

  function Panel(modeler, container, config) {
    this.modeler = modeler;
    this.body = container.querySelector(".props-body");
    this.title = container.querySelector("#props-title");
    this.ctx = {
      model: new ns.Model(modeler),
      moddle: modeler.get("moddle"),
      registry: modeler.get("elementRegistry"),
      config: config,
      element: null
    };
    var self = this;
    modeler.on("selection.changed", function (event) {
      var selected = event.newSelection || [];
      self.show(selected.length === 1 ? selected[0] : null);
    });
    modeler.on("elements.changed", function (event) {
      var current = self.ctx.element;
      if (current && event.elements.some(function (e) { return e === current || e.labelTarget === current; })) {
        // After the event that caused the change (Tab, click) has moved the focus.
        window.setTimeout(function () {
          if (self.ctx.element === current) {
            self.show(self.ctx.registry.get(current.id) || null);
          }
        }, 0);
      }
    });
    modeler.on("import.done", function () { self.show(null); });
  }

  Panel.prototype.sections = function () {
    var s = ns.sections;
    var f = ns.flowSections;
    var ctx = this.ctx;
    return [
      s.general(ctx), s.lane(ctx), s.userTask(ctx), s.timer(ctx),
      ns.bpmn.is(ctx.element.businessObject, "bpmn:ServiceTask") ? ns.serviceSection(ctx.model, ctx.element, ctx.config) : null,
      f.sequenceFlow(ctx), f.gateway(ctx), f.scriptTask(ctx), f.called(ctx),
      ns.loopSection(ctx.model, ctx.element), f.scripts(ctx), s.documentation(ctx)
    ].filter(Boolean);
  };

  Panel.prototype.show = function (element) {
    if (element && element.labelTarget) {
      element = element.labelTarget;
    }
    var focusedKey = document.activeElement && this.body.contains(document.activeElement)
      ? document.activeElement.getAttribute("data-key") : null;
    this.ctx.element = element;
    this.body.textContent = "";
    if (!element || element.type === "bpmn:Process" || !element.businessObject) {
      this.title.textContent = "属性";
      this.body.appendChild(ns.dom.note("在图中选择一个元素，即可在此编辑它的属性。"));
      return;
    }
    var bo = element.businessObject;
    this.title.textContent = "属性：" + (bo.name || bo.id);
    var body = this.body;
    this.sections().forEach(function (section) { body.appendChild(section); });
    if (focusedKey) {
      var again = body.querySelector('[data-key="' + focusedKey + '"]');
      if (again) { again.focus(); }
    }
  };

  ns.Panel = Panel;
})();
