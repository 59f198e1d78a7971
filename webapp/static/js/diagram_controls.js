/* What every read-only diagram viewer on the site shares (case page, 试运行, version and
 * diff pages, 审计 replay): tabs switched by click or arrow keys, and the zoom buttons
 * (data-zoom="in" | "out" | "fit"). Load it before the page's own viewer script. */
(function () {
  "use strict";

  function selectTab(tabs, chosen) {
    tabs.forEach(function (tab) {
      var on = tab === chosen;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
    });
  }

  function onTabKey(event, tabs) {
    var index = tabs.indexOf(event.target);
    var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step && index >= 0) {
      event.preventDefault();
      var next = tabs[(index + step + tabs.length) % tabs.length];
      next.focus();
      next.click();
    }
  }

  function bindZoom(container, viewer) {
    container.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var canvas = viewer.get("canvas");
        var how = button.getAttribute("data-zoom");
        if (how === "fit") {
          canvas.zoom("fit-viewport", "auto");
        } else {
          canvas.zoom(canvas.zoom() * (how === "in" ? 1.25 : 0.8));
        }
      });
    });
  }

  window.ZZDiagram = { selectTab: selectTab, onTabKey: onTabKey, bindZoom: bindZoom };
})();
