/* Deploying from the modeler: ask for the change note, post the current XML, then show the
 * new version with its links, or the problems that rejected it (the current version stays). */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function showResult(app, data) {
    var box = document.getElementById("deploy-result");
    box.textContent = "";
    var text = document.createElement("p");
    text.className = "deploy-text";
    text.textContent = data.created
      ? "已部署为版本 #" + data.version_id + "。新发起的案件使用此版本，进行中的案件仍按原版本办理。"
      : "内容与已有版本 #" + data.version_id + " 完全相同，没有生成新版本。";
    box.appendChild(text);
    var links = document.createElement("p");
    links.className = "deploy-links";
    links.appendChild(link(data.edit_url, "打开版本 #" + data.version_id + " 的此文件"));
    links.appendChild(link(data.file_url, "下载版本 #" + data.version_id + " 的 " + app.name));
    if (data.version_url) {
      links.appendChild(link(data.version_url, "查看版本 #" + data.version_id));
    }
    box.appendChild(links);
    box.hidden = false;
  }

  function deployed(app, data, status) {
    app.baseVersionId = data.version_id;
    app.drafts.forget();
    document.getElementById("draft-state").textContent = "";
    showResult(app, data);
    var stored = document.getElementById("stored-download");
    stored.href = data.file_url;
    stored.textContent = "下载版本 #" + data.version_id + " 原文件";
    document.getElementById("modeler-base").textContent = "已部署为版本 #" + data.version_id + "；继续编辑将以它为基础。";
    if (data.warnings && data.warnings.length) {
      app.problems.show(data.warnings, app.name, "已部署；有 " + data.warnings.length + " 个警告（不妨碍部署）：");
    } else {
      app.problems.clear();
    }
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", data.edit_url);
    }
    status(data.created ? "已部署为版本 #" + data.version_id + "。" : "没有生成新版本：内容未变。");
  }

  function rejected(app, data, status) {
    document.getElementById("deploy-result").hidden = true;
    var errors = app.problems.show(data.problems || [], app.name, "部署被拒绝，当前版本保持不变。请修改以下问题后再部署：");
    status("部署被拒绝：发现 " + errors + " 个错误，当前版本保持不变。");
    ns.offerLaneMap(app, data.lanes, function () {
      status("已设置泳道映射，请再次部署。");
    });
  }

  function send(app, xml, note, force, status) {
    var url = ns.server.urlFor(app.config.urls.deploy, app.name);
    var body = { xml: xml, note: note, base_version_id: app.baseVersionId, force: force, lane_map: app.laneMap };
    return ns.server.postJSON(url, body).then(function (answer) {
      if (answer.status === 200) {
        deployed(app, answer.data, status);
      } else if (answer.status === 422) {
        rejected(app, answer.data, status);
      } else if (answer.status === 409 && window.confirm(answer.data.message + "\n\n仍要部署吗？")) {
        return send(app, xml, note, true, status);
      } else {
        status(answer.data.message || "部署失败（HTTP " + answer.status + "）");
      }
    });
  }

  ns.deployFlow = function (app, button, status) {
    ns.server.askNote(document.getElementById("deploy-dialog")).then(function (note) {
      if (note === null) {
        return;
      }
      button.disabled = true;
      status("正在校验并部署…");
      app.modeler.saveXML({ format: true })
        .then(function (result) { return send(app, result.xml, note, false, status); })
        .catch(function () { status("部署请求失败，请检查网络后重试。"); })
        .then(function () { button.disabled = false; });
    });
  };
})();
