/* Decision-table editor: the vendored dmn-js modeler on the latest version's DMN file.
 * Check and deploy post the XML dmn-js saves (the server validates it as a deploy would).
 * No network beyond this site.
 *
 * Loaded before the dmn-js bundle: dmn-js 17's production bundle carries Inferno's
 * development build, which logs a bogus console error on load ("It looks like you're using
 * a minified copy of the development build of Inferno", bpmn-io/dmn-js#965). That one
 * message is dropped; every other console error still shows. */
(function () {
  "use strict";

  var INFERNO_NOTICE = "It looks like you're using a minified copy of the development build of Inferno";
  var consoleError = window.console.error;
  window.console.error = function (first) {
    if (typeof first === "string" && first.indexOf(INFERNO_NOTICE) === 0) {
      return;
    }
    return consoleError.apply(window.console, arguments);
  };

  document.addEventListener("DOMContentLoaded", start);

  function translate(template, replacements) {
    var labels = window.ZongzhiDmnZh || {};
    var text = Object.prototype.hasOwnProperty.call(labels, template) ? labels[template] : template;
    return text.replace(/{([^}]+)}/g, function (whole, key) {
      return replacements && key in replacements ? replacements[key] : whole;
    });
  }

  function start() {
    var source = document.getElementById("dmn-source");
    var canvas = document.getElementById("dmn-canvas");
    var status = document.getElementById("dmn-status");
    var form = document.getElementById("dmn-form");
    var tabList = document.querySelector(".dz-dmn-tabs");
    if (!source || !canvas || typeof window.DmnJS !== "function") {
      if (status) {
        status.textContent = "决策表编辑器无法加载，请刷新页面再试。";
      }
      return;
    }
    // dmn-js replaces common.additionalModules with each view's own: name every view.
    var chinese = { additionalModules: [{ translate: ["value", translate] }] };
    var modeler = new window.DmnJS({
      container: canvas,
      drd: chinese,
      decisionTable: chinese,
      literalExpression: chinese
    });
    var sending = false;

    function tables() {
      return modeler.getViews().filter(function (view) {
        return view.type === "decisionTable" || view.type === "literalExpression";
      });
    }

    function renderTabs() {
      var views = tables();
      var active = modeler.getActiveView();
      tabList.innerHTML = "";
      tabList.hidden = views.length < 2;
      views.forEach(function (view) {
        var tab = document.createElement("button");
        tab.type = "button";
        tab.className = "dz-diagram-tab";
        tab.setAttribute("role", "tab");
        tab.textContent = view.name || view.id;
        tab.setAttribute("aria-selected", active && active.id === view.id ? "true" : "false");
        tab.addEventListener("click", function () {
          modeler.open(view);
        });
        tabList.appendChild(tab);
      });
    }

    modeler.on("views.changed", renderTabs);

    modeler.importXML(source.value)
      .then(function (result) {
        var warnings = (result && result.warnings) || [];
        var first = tables()[0];
        canvas.setAttribute("data-warnings", String(warnings.length));
        if (first) {
          return modeler.open(first).then(function () {
            canvas.setAttribute("data-ready", "true");
            status.textContent = warnings.length
              ? "已打开，但有 " + warnings.length + " 处导入警告：" + warnings.map(function (w) { return w.message; }).join("；")
              : "已打开「" + (first.name || first.id) + "」。";
          });
        }
        status.textContent = "本文件中没有可编辑的决策表。";
        return null;
      })
      .catch(function (error) {
        status.textContent = "决策表无法打开：" + error.message;
      });

    form.querySelectorAll("button[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        form.elements.action.value = button.getAttribute("data-action");
      });
    });

    form.addEventListener("submit", function (event) {
      if (sending) {
        return; // the XML is in place: let the browser send it
      }
      event.preventDefault();
      modeler.saveXML({ format: true })
        .then(function (saved) {
          form.elements.xml.value = saved.xml;
          sending = true;
          form.submit();
        })
        .catch(function (error) {
          status.textContent = "无法保存决策表：" + error.message;
        });
    });
  }
})();
