/* The designer's modeler page: the vendored bpmn-js Modeler with the spiffworkflow moddle
 * extension, our properties panel, validate/deploy against the site, download/upload of
 * .bpmn files, and the autosaved draft. ``window.ZZDesigner.app`` exposes the modeler and
 * the last import's warnings (the browser tests read them). */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var page = document.querySelector(".modeler-page");
  var configNode = document.getElementById("modeler-config");
  if (!page || !configNode || typeof window.BpmnJS !== "function") {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var statusNode = document.getElementById("modeler-status");
  var draftState = document.getElementById("draft-state");
  var app = ns.app = {
    config: config, name: config.file, baseVersionId: config.versionId, importWarnings: [], laneMap: {}
  };

  function status(text) { statusNode.textContent = text; }

  function getText(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    });
  }

  function setName(name) {
    app.name = name;
    var isNew = config.diagrams.indexOf(name) < 0;
    document.getElementById("modeler-file").textContent = name + (isNew ? "（新文件）" : "");
  }

  /* Fit the diagram beside the palette (which floats over the canvas's left edge). */
  function fit() {
    var canvas = app.modeler.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    var inner = canvas.viewbox().inner;
    var size = canvas.getSize();
    var scale = canvas.viewbox().scale * 0.85;
    var width = size.width / scale;
    var height = size.height / scale;
    canvas.viewbox({
      x: inner.x + inner.width / 2 - width / 2 - 50 / scale,  // 50 px right of centre
      y: inner.y + inner.height / 2 - height / 2,
      width: width,
      height: height
    });
  }

  function importXml(xml, what) {
    return app.modeler.importXML(xml).then(function (result) {
      app.importWarnings = (result.warnings || []).map(function (w) { return w.message || String(w); });
      app.problems.clear();
      fit();
      status(app.importWarnings.length
        ? what + "已载入，但有 " + app.importWarnings.length + " 处无法识别的内容：" + app.importWarnings[0]
        : what + "已载入。");
      return result;
    });
  }

  function snapshot(callback) {
    app.modeler.saveXML({ format: true }).then(function (result) {
      callback({ xml: result.xml, name: app.name, baseVersionId: app.baseVersionId });
    });
  }

  function currentXml() {
    return app.modeler.saveXML({ format: true }).then(function (result) { return result.xml; });
  }

  function busy(button, on) {
    if (button) { button.disabled = on; }
  }

  function validate(button) {
    busy(button, true);
    status("正在校验…");
    return currentXml().then(function (xml) {
      var body = { xml: xml, base_version_id: app.baseVersionId, lane_map: app.laneMap };
      return ns.server.postJSON(ns.server.urlFor(config.urls.validate, app.name), body);
    }).then(function (answer) {
      if (answer.status !== 200) {
        status(answer.data.message || "校验失败（HTTP " + answer.status + "）");
        return;
      }
      var errors = app.problems.show(answer.data.problems, app.name);
      status(errors ? "校验发现 " + errors + " 个错误，见图中标出的元素和下方列表。" : "校验通过。");
      ns.offerLaneMap(app, answer.data.lanes, function () { validate(button); });
    }).catch(function () { status("校验请求失败，请检查网络后重试。"); })
      .then(function () { busy(button, false); });
  }

  /* 试运行: post the editor's XML (and current file name) to the trial page, in a new tab. */
  function trial() {
    var form = document.getElementById("trial-form");
    currentXml().then(function (xml) {
      form.elements.xml.value = xml;
      form.elements.file_name.value = app.name;
      form.elements.lane_map.value = JSON.stringify(app.laneMap);
      form.submit();
    });
  }

  function toolbarAction(name, button) {
    var stack = app.modeler.get("commandStack");
    var actions = {
      validate: function () { validate(button); },
      deploy: function () { ns.deployFlow(app, button, status); },
      trial: trial,
      lanes: function () { ns.editLaneMap(app, function () { validate(button); }); },
      download: function () { ns.files.download(app); },
      undo: function () { stack.undo(); },
      redo: function () { stack.redo(); },
      fit: fit
    };
    actions[name]();
  }

  function wire() {
    page.querySelectorAll("[data-action]").forEach(function (button) {
      button.addEventListener("click", function () { toolbarAction(button.getAttribute("data-action"), button); });
    });
    document.getElementById("upload-input").addEventListener("change", function (event) {
      ns.files.upload(app, event.target, importXml, setName);
    });
    app.modeler.on("commandStack.changed", function (event) {
      if (event.trigger === "clear") { return; }  // a fresh import, not an edit
      app.drafts.changed(snapshot, function (draft) {
        draftState.textContent = "草稿已自动保存于 " + ns.DraftStore.timeText(draft).slice(11) + "（本机，尚未部署）";
      });
    });
  }

  function start(descriptor, xml) {
    app.modeler = new window.BpmnJS({
      container: document.getElementById("modeler-canvas"),
      moddleExtensions: { spiffworkflow: descriptor }
    });
    app.panel = new ns.Panel(app.modeler, document.getElementById("props-panel"), config);
    app.problems = new ns.Problems(app.modeler, document.getElementById("problems"));
    app.problems.onFixed = function () { validate(page.querySelector('[data-action="validate"]')); };
    app.drafts = new ns.DraftStore(config);
    app.serverXml = xml;
    app.importXml = importXml;
    app.setName = setName;
    wire();
    return importXml(xml, config.file + "（版本 #" + config.versionId + "）").then(function () {
      app.drafts.offer(document.getElementById("draft-banner"), xml, function (draft) {
        importXml(draft.xml, "草稿").then(function () {
          setName(draft.name || config.file);
          app.drafts.changed(snapshot);
        });
      });
      page.setAttribute("data-state", "ready");
    });
  }

  Promise.all([getText(config.urls.descriptor).then(JSON.parse), getText(config.xmlUrl)])
    .then(function (loaded) { return start(loaded[0], loaded[1]); })
    .catch(function (error) {
      page.setAttribute("data-state", "failed");
      status("流程图无法载入：" + (error && error.message ? error.message : error));
    });
})();
