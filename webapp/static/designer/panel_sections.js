/* Properties panel sections: what the engine reads from each kind of element.
 * Each builder returns a section (or null) for the selected element. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var d = ns.dom;
  var is = function (bo, type) { return ns.bpmn.is(bo, type); };
  var ID_PATTERN = /^[A-Za-z_][\w.-]*$/;
  var TIMER_LABELS = { timeDate: "到期时间（timeDate）", timeDuration: "时长（timeDuration）", timeCycle: "循环（timeCycle）" };

  function general(ctx) {
    var bo = ctx.element.businessObject;
    var idError = d.el("p", { className: "field-error", hidden: true });
    var idInput = d.textInput("id", bo.id, function (value) {
      var wanted = value.trim();
      var problem = !ID_PATTERN.test(wanted) ? "ID 须以字母或下划线开头，只含字母、数字、下划线、点和连字符"
        : (wanted !== bo.id && ctx.moddle.ids.assigned(wanted)) ? "ID " + wanted + " 已被其他元素使用" : "";
      idError.textContent = problem;
      idError.hidden = !problem;
      idInput.setAttribute("aria-invalid", problem ? "true" : "false");
      if (!problem && wanted !== bo.id) {
        ctx.model.modeling.updateProperties(ctx.element, { id: wanted });
      }
    }, { code: true });
    var nameLabel = is(bo, "bpmn:Lane") ? "名称（角色）" : "名称";
    var children = [
      d.field("ID", idInput, "校验和历史记录用 ID 指认元素"), idError,
      d.field(nameLabel, d.textInput("name", bo.name, function (v) {
        ctx.model.modeling.updateProperties(ctx.element, { name: v || undefined });
      }))
    ];
    return d.section(typeLabel(bo), children);
  }

  function documentation(ctx) {
    var bo = ctx.element.businessObject;
    if (is(bo, "bpmn:Lane") || is(bo, "bpmn:Participant") || is(bo, "bpmn:Collaboration")) { return null; }
    return d.section("说明", [d.field("说明文字", d.textArea("documentation", ctx.model.documentation(bo), function (v) {
      ctx.model.setDocumentation(ctx.element, v);
    }, { rows: 2 }), "给看图的人的说明（bpmn:documentation），引擎不执行")]);
  }

  function typeLabel(bo) {
    var labels = [
      ["bpmn:UserTask", "人工任务"], ["bpmn:ServiceTask", "服务任务"], ["bpmn:ScriptTask", "脚本任务"],
      ["bpmn:BusinessRuleTask", "决策任务"], ["bpmn:CallActivity", "调用子流程"], ["bpmn:SubProcess", "子流程"],
      ["bpmn:BoundaryEvent", "边界事件"], ["bpmn:StartEvent", "开始事件"], ["bpmn:EndEvent", "结束事件"],
      ["bpmn:IntermediateCatchEvent", "中间事件"], ["bpmn:Gateway", "网关"], ["bpmn:SequenceFlow", "连线"],
      ["bpmn:Lane", "泳道"], ["bpmn:Participant", "参与者"], ["bpmn:Process", "流程"], ["bpmn:Task", "任务"]
    ];
    var found = labels.filter(function (pair) { return is(bo, pair[0]); })[0];
    return found ? found[1] : bo.$type.replace("bpmn:", "");
  }

  /* The lane SpiffWorkflow gives a task: an enclosing subprocess's lane wins over its own. */
  function laneOf(bo) {
    var chain = [];
    for (var node = bo; node && !is(node, "bpmn:Process"); node = node.$parent) {
      chain.unshift(node);
    }
    for (var i = 0; i < chain.length; i++) {
      var lanes = chain[i].get ? chain[i].get("lanes") || [] : [];
      if (lanes.length) {
        return { lane: lanes[lanes.length - 1], via: chain[i] === bo ? null : chain[i] };
      }
    }
    return null;
  }

  function roleNote(ctx, name) {
    return ctx.config.roles.indexOf(name) >= 0
      ? d.note("角色「" + name + "」的用户可以办理此泳道中的任务。", "ok")
      : d.note("泳道名「" + (name || "（空）") + "」不是系统中的角色，没有人能办理其中的任务。", "warn");
  }

  function lane(ctx) {
    var bo = ctx.element.businessObject;
    return is(bo, "bpmn:Lane") ? d.section("泳道与角色", [roleNote(ctx, bo.name)]) : null;
  }

  function formChoices(ctx, current) {
    var choices = [{ value: "", label: "（无表单）" }].concat(ctx.config.forms.map(function (f) {
      return { value: f, label: f };
    }));
    if (current && ctx.config.forms.indexOf(current) < 0) {
      choices.push({ value: current, label: current + "（版本中没有此表单）" });
    }
    return choices;
  }

  function userTask(ctx) {
    var bo = ctx.element.businessObject;
    if (!is(bo, "bpmn:UserTask")) { return null; }
    var found = laneOf(bo);
    var laneText = found ? (found.lane.name || "（未命名泳道）") +
      (found.via ? "（随所在的「" + (found.via.name || found.via.id) + "」）" : "") : "不在任何泳道中";
    var key = ctx.model.formKey(bo);
    return d.section("办理人与表单", [
      d.el("p", { className: "props-fact" }, [d.el("strong", { text: "泳道：" }), laneText]),
      found ? roleNote(ctx, found.lane.name) : d.note("人工任务须放在以角色命名的泳道中。", "warn"),
      d.note("在图上把任务拖进另一条泳道即可改变办理角色。"),
      d.field("表单", d.select("form-key", formChoices(ctx, key), key, function (v) {
        ctx.model.setFormKey(ctx.element, v);
      }), "表单文件在 forms/ 下，即 spiffworkflow 属性 formJsonSchemaFilename"),
      d.field("办理说明", d.textArea("instructions", ctx.model.extensionText(bo, "instructionsForEndUser"), function (v) {
        ctx.model.setExtensionText(ctx.element, "instructionsForEndUser", v);
      }, { rows: 4 }), "显示在任务表单旁；可用 {{ 变量名 }} 插入流程数据")
    ].concat(people(ctx, bo)));
  }

  /* Who the task goes to within its lane: expressions over the case data, evaluated when
   * the task becomes ready (spiffworkflow properties assignee, candidateUsers, candidateUnits). */
  var PEOPLE = [
    ["assignee", "办理人（assignee）", "responsible_person",
      "一个用户名，如 responsible_person（流程变量）或 \"zhangsan\"；指定后任务只交给此人"],
    ["candidateUsers", "候选人（candidateUsers）", "reviewers",
      "用户名列表，如 reviewers 或 [\"zhangsan\", \"lisi\"]"],
    ["candidateUnits", "候选单位（candidateUnits）", "[\"labour\"]",
      "单位代码列表（或一个），如 [\"labour\"]；部门的单位代码即部门代码"]
  ];

  function people(ctx, bo) {
    var fields = PEOPLE.map(function (p) {
      return d.field(p[1], d.textInput("people-" + p[0], ctx.model.property(bo, p[0]), function (v) {
        ctx.model.setProperty(ctx.element, p[0], v.trim());
      }, { code: true, placeholder: p[2] }), p[3]);
    });
    return [d.el("h4", { className: "props-subhead", text: "指定办理人（可不填）" })].concat(fields).concat([
      d.note("表达式按流程数据求值，任务就绪时确定。有办理人的任务只交给此人；否则交给本泳道角色中属于候选单位或在候选人之列的人员（二者满足其一即可）；都不填则本泳道角色的任何人。督办员和辖区内的县、镇综治中心可代为办理或改派。")
    ]);
  }

  function helperList(ctx) {
    var items = ctx.config.helpers.map(function (h) {
      return d.el("li", {}, [d.el("code", { text: h.signature }), " " + h.hint]);
    });
    return d.el("details", { className: "helper-list" }, [d.el("summary", { text: "可调用的辅助函数" }), d.el("ul", {}, items)]);
  }

  function timer(ctx) {
    var bo = ctx.element.businessObject;
    var definition = bo.get && bo.get("eventDefinitions") ? ctx.model.timerOf(bo) : null;
    if (!definition) { return null; }
    var kind = ctx.model.timerKind(definition);
    var expression = ctx.model.timerExpression(definition);
    var children = [
      d.field("定时器类型", d.select("timer-kind", ns.bpmn.TIMER_KINDS.map(function (k) {
        return { value: k, label: TIMER_LABELS[k] };
      }), kind, function (v) { ctx.model.setTimer(ctx.element, definition, v, expression); })),
      d.field("表达式", d.textInput("timer-expression", expression, function (v) {
        ctx.model.setTimer(ctx.element, definition, kind, v);
      }, { code: true }), d.el("div", { className: "props-hint" }, [
        "表达式按 Python 求值：字面量要加引号，如 ", d.el("code", { text: "\"P3D\"" }), "（3 天）、",
        d.el("code", { text: "\"2026-05-01T09:00:00+08:00\"" }), "；或调用辅助函数，如 ",
        d.el("code", { text: "working_days(2)" }), "、", d.el("code", { text: "deadline(\"ladder.grid\", risk_colour)" }), "。"
      ])),
      helperList(ctx)
    ];
    if (is(bo, "bpmn:BoundaryEvent")) {
      children.push(d.checkbox("cancel-activity", "中断所附着的任务（不勾选则任务继续）", bo.cancelActivity !== false, function (v) {
        ctx.model.modeling.updateProperties(ctx.element, { cancelActivity: v });
      }));
      children.push(d.note("ID 以 _warn 或 _warning 结尾的定时器是临期预警，不作为任务的办理时限。"));
    }
    return d.section("定时器", children);
  }

  ns.sections = {
    general: general, documentation: documentation, lane: lane, userTask: userTask, timer: timer, laneOf: laneOf, typeLabel: typeLabel
  };
})();
