/* The phone app's common script: the service worker, the connection banner, the user,
   and on the home page 我的待办 and the list of reports with their states. */
"use strict";

window.zzApp = (function () {
  const body = document.body;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    });
    children.filter(Boolean).forEach((child) => node.append(child));
    return node;
  }

  function showConnection() {
    const banner = document.getElementById("connection");
    if (!banner) return;
    banner.hidden = navigator.onLine;
  }

  async function showUser() {
    const slot = document.getElementById("user-name");
    try {
      const who = await window.zzSync.session();
      if (slot) slot.textContent = who.display_name || who.user;
      body.dataset.user = who.user;
      if (!who.may_report) document.querySelectorAll("[data-reporting]").forEach((n) => (n.hidden = true));
      return who;
    } catch (error) {
      if (slot && navigator.onLine) {
        slot.replaceChildren(el("a", { href: "/login?next=" + encodeURIComponent(location.pathname), class: "m-login", text: "请先登录" }));
      } else if (slot) {
        slot.textContent = "离线";
      }
      return null;
    }
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator) || !body.dataset.sw) return;
    navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope }).catch((error) => {
      console.warn("离线功能未能启用", error);
    });
  }

  function taskRow(task) {
    const link = el("a", { href: task.url, class: "task-link" },
      el("span", { class: "task-name", text: task.name }),
      el("span", { class: "task-meta", text: [task.case_code, task.dispute_type, task.party].filter(Boolean).join(" · ") }),
      task.due ? el("span", { class: "task-due", text: "期限 " + task.due }) : null);
    return el("li", { class: "task risk-" + (task.risk_colour || "none") }, link);
  }

  async function showTasks() {
    const list = document.getElementById("task-list");
    if (!list) return;
    const note = document.getElementById("task-note");
    try {
      const response = await fetch("/m/api/tasks", { credentials: "same-origin" });
      const type = response.headers.get("Content-Type") || "";
      if (response.redirected || !type.includes("json")) throw new Error("login");
      const data = await response.json();
      if (body.dataset.user && data.user !== body.dataset.user) throw new Error("another user");
      list.replaceChildren(...data.items.map(taskRow));
      note.textContent = data.items.length
        ? `共 ${data.total}${data.capped ? "+" : ""} 项，更新于 ${data.fetched_at}`
        : `暂无待办（更新于 ${data.fetched_at}）`;
    } catch (error) {
      note.textContent = navigator.onLine ? "请先登录后查看待办" : "离线且本机没有保存的待办";
    }
  }

  function reportRow(report) {
    const state = el("span", { class: "state state-" + stateClass(report.state), text: report.state });
    const lines = [
      el("span", { class: "report-summary", text: report.payload.summary }),
      el("span", { class: "report-meta", text: [report.payload.outcome, report.created_label, report.case_code ? "案件 " + report.case_code : ""].filter(Boolean).join(" · ") }),
    ];
    if (report.reason) lines.push(el("span", { class: "report-reason", text: "退回原因：" + report.reason }));
    if (report.state === "被退回") {
      const again = body.dataset.report + "?again=" + encodeURIComponent(report.client_id);
      lines.push(el("a", { class: "btn btn-small", href: again, text: "修改后重新上报" }));
    }
    return el("li", { class: "report", "data-client-id": report.client_id }, state, ...lines);
  }

  function stateClass(state) {
    return { 待发送: "pending", 已发送: "sent", 被退回: "refused" }[state] || "pending";
  }

  async function showReports() {
    const list = document.getElementById("report-list");
    if (!list) return;
    const user = body.dataset.user;
    const rows = (await window.zzStore.reports()).filter((r) => !user || r.user === user);
    list.replaceChildren(...rows.map(reportRow));
    document.getElementById("report-empty").hidden = rows.length > 0;
  }

  async function home() {
    await showUser();
    await Promise.all([showTasks(), showReports()]);
    const refresh = () => showReports();
    window.zzSync.syncAll(refresh);
    window.addEventListener("online", () => {
      showConnection();
      window.zzSync.syncAll(refresh).then(showTasks);
    });
    setInterval(() => window.zzSync.syncAll(refresh), 30000);
  }

  function start() {
    showConnection();
    window.addEventListener("online", showConnection);
    window.addEventListener("offline", showConnection);
    registerWorker();
    if (body.dataset.page === "home") home();
    else showUser();
  }

  start();
  return { el, showUser };
})();
