/* Properties panel: a service task's operator, its parameters and result variable.
 *   <spiffworkflow:serviceTaskOperator id="case.close" resultVariable="closed">
 *     <spiffworkflow:parameters>
 *       <spiffworkflow:parameter id="note" type="str" value="close_note" />
 * A parameter's value is a Python expression evaluated in the task's data ("文本" needs
 * quotes); the operator must be one the engine registered. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var d = ns.dom;
  var OPERATOR = "spiffworkflow:ServiceTaskOperator";

  function operatorOf(bo) {
    return ns.bpmn.findExtension(bo, OPERATOR);
  }

  function parametersOf(operator) {
    var container = operator && operator.get("parameters");
    return container ? container.get("items") : [];
  }

  function setOperator(model, element, changes) {
    var operator = operatorOf(element.businessObject);
    if (operator) {
      model.modeling.updateModdleProperties(element, operator, changes);
    } else if (changes.id) {
      model.addExtension(element, model.moddle.create(OPERATOR, changes));
    }
  }

  function setParameters(model, element, items) {
    var operator = operatorOf(element.businessObject);
    var container = operator.get("parameters");
    if (container) {
      model.modeling.updateModdleProperties(element, container, { items: items });
      return;
    }
    container = model.moddle.create("spiffworkflow:Parameters", { items: items });
    container.$parent = operator;
    items.forEach(function (item) { item.$parent = container; });
    model.modeling.updateModdleProperties(element, operator, { parameters: container });
  }

  function addParameter(model, element, id) {
    var created = model.moddle.create("spiffworkflow:Parameter", { id: id, type: "str", value: "" });
    setParameters(model, element, parametersOf(operatorOf(element.businessObject)).concat([created]));
  }

  function operatorChoices(config, current) {
    var choices = [{ value: "", label: "（请选择服务操作）" }];
    config.operators.forEach(function (op) {
      choices.push({ value: op.name, label: op.name + (op.description ? " — " + op.description : "") });
    });
    var known = config.operators.some(function (op) { return op.name === current; });
    if (current && !known) {
      choices.push({ value: current, label: current + "（未注册，部署会被拒绝）" });
    }
    return choices;
  }

  function declaredHint(config, name) {
    var op = config.operators.filter(function (o) { return o.name === name; })[0];
    if (!op) {
      return name ? "此操作未在系统中注册。" : "服务任务调用系统注册的操作。";
    }
    var params = Object.keys(op.params);
    if (!params.length) {
      return op.description + "。此操作不接受参数。";
    }
    return op.description + "。接受的参数：" + params.map(function (p) {
      return p + "（" + op.params[p] + "）";
    }).join("、");
  }

  function parameterRow(model, element, param, index) {
    var key = "param-" + index;
    function update(changes) { model.modeling.updateModdleProperties(element, param, changes); }
    function remove() {
      var rest = parametersOf(operatorOf(element.businessObject)).filter(function (p) { return p !== param; });
      setParameters(model, element, rest);
    }
    return d.el("div", { className: "param-row", role: "group", "aria-label": "参数 " + (param.id || index + 1) }, [
      d.field("参数名", d.textInput(key + "-id", param.id, function (v) { update({ id: v.trim() }); }, { code: true })),
      d.field("类型", d.textInput(key + "-type", param.type || "str", function (v) { update({ type: v.trim() || "str" }); }, { code: true })),
      d.field("值（表达式）", d.textInput(key + "-value", param.value, function (v) { update({ value: v }); }, { code: true })),
      d.button("删除参数", remove, "btn-danger-quiet")
    ]);
  }

  function section(model, element, config) {
    var operator = operatorOf(element.businessObject);
    var name = operator ? operator.get("id") || "" : "";
    var children = [
      d.field("服务操作", d.select("operator", operatorChoices(config, name), name, function (v) {
        setOperator(model, element, { id: v });
      }), declaredHint(config, name))
    ];
    if (operator) {
      children.push(d.field("结果变量", d.textInput("result-variable", operator.get("resultVariable"), function (v) {
        setOperator(model, element, { resultVariable: v.trim() || undefined });
      }, { code: true }), "操作的返回值存入此流程变量"));
      var params = parametersOf(operator);
      params.forEach(function (param, index) { children.push(parameterRow(model, element, param, index)); });
      var newName = d.textInput("new-param", "", function () {}, { code: true, placeholder: "参数名" });
      children.push(d.el("div", { className: "param-add" }, [
        d.field("新参数名", newName),
        d.button("添加参数", function () {
          if (newName.value.trim()) { addParameter(model, element, newName.value.trim()); }
        })
      ]));
      children.push(d.note("参数值是表达式：变量名直接写（risk_colour），文字要加引号（\"红\"）。"));
    }
    return d.section("服务任务", children);
  }

  ns.serviceSection = section;
})();
