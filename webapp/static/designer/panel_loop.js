/* Properties panel: a multi-instance activity's collections.
 *   <bpmn:multiInstanceLoopCharacteristics isSequential="false">
 *     <bpmn:loopDataInputRef>departments</bpmn:loopDataInputRef>     one instance per item
 *     <bpmn:inputDataItem id="department" name="department" />        the item, in each instance
 *     <bpmn:loopDataOutputRef>acknowledgements</bpmn:loopDataOutputRef>
 *     <bpmn:outputDataItem id="ack" name="ack" />
 *     <bpmn:completionCondition>...</bpmn:completionCondition>
 * SpiffWorkflow reads the item variables by id, so id and name are kept equal. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var d = ns.dom;

  function refName(value) {
    return value ? value.get("id") || value.get("name") || "" : "";
  }

  function named(model, type, name, parent) {
    if (!name.trim()) {
      return undefined;
    }
    var created = model.moddle.create(type, { id: name.trim(), name: name.trim() });
    created.$parent = parent;
    return created;
  }

  function expression(model, body, parent) {
    if (!body.trim()) {
      return undefined;
    }
    var created = model.moddle.create("bpmn:FormalExpression", { body: body });
    created.$parent = parent;
    return created;
  }

  function section(model, element) {
    var loop = element.businessObject.loopCharacteristics;
    if (!loop || !ns.bpmn.is(loop, "bpmn:MultiInstanceLoopCharacteristics")) {
      return null;
    }
    function update(changes) { model.modeling.updateModdleProperties(element, loop, changes); }
    function refField(key, label, prop, type, hint) {
      return d.field(label, d.textInput(key, refName(loop.get(prop)), function (v) {
        var changes = {};
        changes[prop] = named(model, type, v, loop);
        update(changes);
      }, { code: true }), hint);
    }
    var completion = loop.get("completionCondition");
    return d.section("多实例", [
      d.checkbox("mi-sequential", "逐个执行（不勾选则同时执行）", loop.get("isSequential"), function (v) {
        update({ isSequential: v });
      }),
      refField("mi-input", "集合变量", "loopDataInputRef", "bpmn:Property", "对集合中的每一项各办理一次，如 departments"),
      refField("mi-item", "元素变量", "inputDataItem", "bpmn:DataInput", "每个实例中当前一项的变量名，如 department"),
      refField("mi-output", "结果集合", "loopDataOutputRef", "bpmn:Property", "收集各实例结果的变量（可不填）"),
      refField("mi-output-item", "结果元素", "outputDataItem", "bpmn:DataOutput", "每个实例写入结果的变量名（可不填）"),
      d.field("完成条件", d.textInput("mi-completion", completion ? completion.get("body") : "", function (v) {
        update({ completionCondition: expression(model, v, loop) });
      }, { code: true }), "满足时提前结束其余实例（可不填）")
    ]);
  }

  ns.loopSection = section;
})();
