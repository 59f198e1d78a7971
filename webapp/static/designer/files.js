/* Files in and out of the modeler: download the current XML under its own name (.bpmn or
 * .bpmn20.xml, to open in Camunda Modeler or elsewhere), and upload a .bpmn or .bpmn20.xml
 * made elsewhere into the modeler. An uploaded
 * file keeps its name: a name the version does not have adds a process file to the set. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};

  function download(app) {
    app.modeler.saveXML({ format: true }).then(function (result) {
      var blob = new Blob([result.xml], { type: "application/xml" });
      var url = URL.createObjectURL(blob);
      var a = document.createElement("a");
      a.href = url;
      a.download = app.name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  }

  /* A file name the site accepts: no folders, only word characters, dots, dashes and
   * spaces, ending .bpmn ("diagram (1).xml" becomes "diagram _1_.bpmn"); a Camunda,
   * Activiti or Flowable export keeps its ".bpmn20.xml". */
  function safeName(raw) {
    var file = raw.replace(/^.*[\\/]/, "");
    var ending = /\.bpmn20\.xml$/i.test(file) ? ".bpmn20.xml" : ".bpmn";
    var base = file.replace(/\.(bpmn20\.xml|bpmn|xml)$/i, "");
    base = base.replace(/[^\w\u4e00-\u9fff. -]/g, "_").replace(/^[. ]+/, "") || "diagram";
    return base.slice(0, 120) + ending;
  }

  function upload(app, input, importXml, setName) {
    var file = input.files && input.files[0];
    if (!file) {
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var name = safeName(file.name);
      app.modeler.saveXML({ format: true }).then(function (previous) {
        return importXml(String(reader.result), "上传的文件 " + name).catch(function (error) {
          return importXml(previous.xml, app.name).then(function () { throw error; });
        });
      }).then(function () {
        setName(name);
        var known = app.config.diagrams.indexOf(name) >= 0;
        var note = known ? "部署时将替换流程集中的 " + name + "。" : name + " 是新文件，部署时将加入流程集。";
        document.getElementById("modeler-status").textContent += " " + note + " 请先校验。";
        app.drafts.changed(function (callback) {
          app.modeler.saveXML({ format: true }).then(function (result) {
            callback({ xml: result.xml, name: app.name, baseVersionId: app.baseVersionId });
          });
        });
      }).catch(function (error) {
        document.getElementById("modeler-status").textContent =
          "上传的文件无法作为 BPMN 流程图打开：" + (error && error.message ? error.message : error);
      });
      input.value = "";
    };
    reader.readAsText(file, "utf-8");
  }

  ns.files = { download: download, upload: upload, safeName: safeName };
})();
