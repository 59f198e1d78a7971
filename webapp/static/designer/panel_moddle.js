/* Properties panel: reading and writing what the engine reads in the BPMN model. Every
 * write is one bpmn-js command (modeling.updateProperties / updateModdleProperties), so
 * each edit is one step of undo/redo. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var SPIFF = "spiffworkflow:";
  var FORM_PROPERTY = "formJsonSchemaFilename";
  var TIMER_KINDS = ["timeDate", "timeDuration", "timeCycle"];

  function is(bo, type) {
    return !!bo && typeof bo.$instanceOf === "function" && bo.$instanceOf(type);
  }

  function extensionValues(bo) {
    return (bo.extensionElements && bo.extensionElements.get("values")) || [];
  }

  function findExtension(bo, type) {
    return extensionValues(bo).filter(function (value) { return value.$type === type; })[0];
  }

  function Model(modeler) {
    this.modeling = modeler.get("modeling");
    this.moddle = modeler.get("moddle");
  }

  Model.prototype.addExtension = function (element, extension) {
    var bo = element.businessObject;
    if (bo.extensionElements) {
      extension.$parent = bo.extensionElements;
      this.modeling.updateModdleProperties(element, bo.extensionElements, {
        values: extensionValues(bo).concat([extension])
      });
      return;
    }
    var container = this.moddle.create("bpmn:ExtensionElements", { values: [extension] });
    extension.$parent = container;
    container.$parent = bo;
    this.modeling.updateProperties(element, { extensionElements: container });
  };

  Model.prototype.removeExtension = function (element, extension) {
    var bo = element.businessObject;
    var rest = extensionValues(bo).filter(function (value) { return value !== extension; });
    if (rest.length) {
      this.modeling.updateModdleProperties(element, bo.extensionElements, { values: rest });
    } else {
      this.modeling.updateProperties(element, { extensionElements: undefined });
    }
  };

  /* The moddle type of an extension element: <spiffworkflow:preScript> is spiffworkflow:PreScript. */
  function typeOf(tag) {
    return SPIFF + tag.charAt(0).toUpperCase() + tag.slice(1);
  }

  /* Text extensions: instructionsForEndUser, preScript, postScript, calledDecisionId. */
  Model.prototype.extensionText = function (bo, name) {
    var found = findExtension(bo, typeOf(name));
    return found ? found.get("text") || "" : "";
  };

  Model.prototype.setExtensionText = function (element, name, text) {
    var found = findExtension(element.businessObject, typeOf(name));
    if (!text.trim()) {
      if (found) { this.removeExtension(element, found); }
    } else if (found) {
      this.modeling.updateModdleProperties(element, found, { text: text });
    } else {
      this.addExtension(element, this.moddle.create(typeOf(name), { text: text }));
    }
  };

  /* A user task's properties: <spiffworkflow:properties><spiffworkflow:property name=
   * "formJsonSchemaFilename" value="..."/> (its form), and "assignee", "candidateUsers",
   * "candidateUnits" (expressions naming its people). */
  Model.prototype.property = function (bo, name) {
    var props = findExtension(bo, SPIFF + "Properties");
    var item = props && props.get("items").filter(function (p) { return p.name === name; })[0];
    return item ? item.value || "" : "";
  };

  Model.prototype.setProperty = function (element, name, value) {
    var props = findExtension(element.businessObject, SPIFF + "Properties");
    var items = props ? props.get("items") : [];
    var item = items.filter(function (p) { return p.name === name; })[0];
    if (!value) {
      if (!item) { return; }
      var rest = items.filter(function (p) { return p !== item; });
      if (rest.length) {
        this.modeling.updateModdleProperties(element, props, { items: rest });
      } else {
        this.removeExtension(element, props);
      }
    } else if (item) {
      this.modeling.updateModdleProperties(element, item, { value: value });
    } else {
      var created = this.moddle.create(SPIFF + "Property", { name: name, value: value });
      if (props) {
        created.$parent = props;
        this.modeling.updateModdleProperties(element, props, { items: items.concat([created]) });
      } else {
        var container = this.moddle.create(SPIFF + "Properties", { items: [created] });
        created.$parent = container;
        this.addExtension(element, container);
      }
    }
  };

  Model.prototype.formKey = function (bo) {
    return this.property(bo, FORM_PROPERTY);
  };

  Model.prototype.setFormKey = function (element, key) {
    this.setProperty(element, FORM_PROPERTY, key);
  };

  /* Timers: <bpmn:timerEventDefinition><bpmn:timeDate>expression</bpmn:timeDate>. */
  Model.prototype.timerOf = function (bo) {
    return (bo.get("eventDefinitions") || []).filter(function (d) {
      return is(d, "bpmn:TimerEventDefinition");
    })[0];
  };

  Model.prototype.timerKind = function (timer) {
    return TIMER_KINDS.filter(function (kind) { return timer.get(kind); })[0] || "timeDate";
  };

  Model.prototype.timerExpression = function (timer) {
    var expression = timer.get(this.timerKind(timer));
    return expression ? expression.get("body") || "" : "";
  };

  Model.prototype.setTimer = function (element, timer, kind, body) {
    var changes = {};
    TIMER_KINDS.forEach(function (k) { changes[k] = undefined; });
    var expression = this.moddle.create("bpmn:FormalExpression", { body: body });
    expression.$parent = timer;
    changes[kind] = expression;
    this.modeling.updateModdleProperties(element, timer, changes);
  };

  /* Sequence-flow conditions and a script task's script. */
  Model.prototype.condition = function (bo) {
    return bo.conditionExpression ? bo.conditionExpression.get("body") || "" : "";
  };

  Model.prototype.setCondition = function (element, body) {
    var expression;
    if (body.trim()) {
      expression = this.moddle.create("bpmn:FormalExpression", { body: body });
      expression.$parent = element.businessObject;
    }
    this.modeling.updateProperties(element, { conditionExpression: expression });
  };

  Model.prototype.documentation = function (bo) {
    var docs = bo.get("documentation") || [];
    return docs.length ? docs[0].text || "" : "";
  };

  Model.prototype.setDocumentation = function (element, text) {
    var docs = [];
    if (text.trim()) {
      var doc = this.moddle.create("bpmn:Documentation", { text: text });
      doc.$parent = element.businessObject;
      docs = [doc];
    }
    this.modeling.updateProperties(element, { documentation: docs });
  };

  ns.Model = Model;
  ns.bpmn = { is: is, findExtension: findExtension, TIMER_KINDS: TIMER_KINDS };
})();
