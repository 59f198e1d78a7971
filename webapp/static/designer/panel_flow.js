/* Properties panel sections: conditions and default flows, scripts, called processes and
 * decisions, pre/post scripts. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var d = ns.dom;
  var is = function (bo, type) { return ns.bpmn.is(bo, type); };

  function hasDefault(bo) {
    return is(bo, "bpmn:ExclusiveGateway") || is(bo, "bpmn:InclusiveGateway") || is(bo, "bpmn:Activity");
  }

  function flowLabel(flow) {
    var target = flow.targetRef;
    return (flow.name ? flow.name + " → " : "→ ") + (target ? target.name || target.id : "?") + "（" + flow.id + "）";
  }

  function sequenceFlow(ctx) {
    var bo = ctx.element.businessObject;
    if (!is(bo, "bpmn:SequenceFlow")) { return null; }
    var source = bo.sourceRef;
    var isDefault = source && source.get("default") === bo;
    var children = [];
    if (isDefault) {
      children.push(d.note("这是默认连线：其他连线的条件都不成立时走这条，不需要条件。"));
    } else {
      children.push(d.field("条件表达式", d.textInput("condition", ctx.model.condition(bo), function (v) {
        ctx.model.setCondition(ctx.element, v);
      }, { code: true }), "Python 表达式，如 risk_colour == \"红\"；网关的每条非默认连线都要有条件"));
    }
    if (source && hasDefault(source)) {
      var sourceShape = ctx.registry.get(source.id);
      children.push(d.checkbox("is-default", "设为默认连线", isDefault, function (v) {
        ctx.model.modeling.updateProperties(sourceShape, { "default": v ? bo : undefined });
      }));
    }
    return d.section("条件", children);
  }

  function gateway(ctx) {
    var bo = ctx.element.businessObject;
    if (!is(bo, "bpmn:ExclusiveGateway") && !is(bo, "bpmn:InclusiveGateway")) { return null; }
    var outgoing = bo.get("outgoing") || [];
    var current = bo.get("default");
    var choices = [{ value: "", label: "（无默认连线）" }].concat(outgoing.map(function (flow) {
      return { value: flow.id, label: flowLabel(flow) };
    }));
    return d.section("默认连线", [
      d.field("默认连线", d.select("gateway-default", choices, current ? current.id : "", function (v) {
        var flow = outgoing.filter(function (f) { return f.id === v; })[0];
        ctx.model.modeling.updateProperties(ctx.element, { "default": flow || undefined });
      }), "其他连线的条件都不成立时走默认连线；没有默认连线时须保证总有一条条件成立")
    ]);
  }

  function scriptTask(ctx) {
    var bo = ctx.element.businessObject;
    if (!is(bo, "bpmn:ScriptTask")) { return null; }
    return d.section("脚本", [
      d.field("脚本（Python）", d.textArea("script", bo.script, function (v) {
        ctx.model.modeling.updateProperties(ctx.element, { script: v || undefined });
      }, { code: true, rows: 6 }), "在受限环境中运行：不能 import，不能访问文件和网络；可调用辅助函数")
    ]);
  }

  function called(ctx) {
    var bo = ctx.element.businessObject;
    if (is(bo, "bpmn:CallActivity")) {
      return d.section("调用", [d.field("被调用流程的 ID", d.textInput("called-element", bo.calledElement, function (v) {
        ctx.model.modeling.updateProperties(ctx.element, { calledElement: v.trim() || undefined });
      }, { code: true }), "同一流程集中某个流程（process）的 ID")]);
    }
    if (is(bo, "bpmn:BusinessRuleTask")) {
      return d.section("决策表", [d.field("决策 ID", d.textInput("decision-id", ctx.model.extensionText(bo, "calledDecisionId"), function (v) {
        ctx.model.setExtensionText(ctx.element, "calledDecisionId", v.trim());
      }, { code: true }), "DMN 文件中 decision 的 ID")]);
    }
    return null;
  }

  function scripts(ctx) {
    var bo = ctx.element.businessObject;
    if (!is(bo, "bpmn:Activity")) { return null; }
    var pre = ctx.model.extensionText(bo, "preScript");
    var post = ctx.model.extensionText(bo, "postScript");
    var details = d.el("details", { className: "props-scripts" }, [
      d.el("summary", { text: "前置/后置脚本" + (pre || post ? "（已设置）" : "") }),
      d.field("前置脚本", d.textArea("pre-script", pre, function (v) {
        ctx.model.setExtensionText(ctx.element, "preScript", v);
      }, { code: true, rows: 4 }), "任务开始前运行"),
      d.field("后置脚本", d.textArea("post-script", post, function (v) {
        ctx.model.setExtensionText(ctx.element, "postScript", v);
      }, { code: true, rows: 4 }), "任务完成后运行")
    ]);
    details.open = !!(pre || post);
    return d.section("脚本钩子", [details]);
  }

  ns.flowSections = { sequenceFlow: sequenceFlow, gateway: gateway, scriptTask: scriptTask, called: called, scripts: scripts };
})();
