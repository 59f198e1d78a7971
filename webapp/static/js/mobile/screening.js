/* 排查记录: a screening round is kept on the phone (待发送) and sent like a report; each
   finding of a round has 上报 beside it, which opens 上报事件 filled in from it. */
"use strict";

(function () {
  const form = document.getElementById("screening-form");
  if (!form) return;
  const { el } = window.zzApp;

  async function fillChoices() {
    try {
      const data = await (await fetch("/m/api/forms", { credentials: "same-origin" })).json();
      data.grids.forEach((g) => form.region_code.append(el("option", { value: g.code, text: g.name })));
      if (data.grids.length === 1) form.region_code.value = data.grids[0].code;
    } catch (error) {
      say("本机还没有保存表单选项，请联网后打开一次本页");
    }
  }

  function say(text, done) {
    const box = document.getElementById("form-message");
    box.textContent = text;
    box.hidden = !text;
    box.classList.toggle("m-message-ok", Boolean(done));
  }

  function addFinding() {
    const list = document.getElementById("findings");
    const number = list.children.length + 1;
    const id = "finding-" + number;
    list.append(
      el("div", { class: "field" },
        el("label", { for: id, text: `发现 ${number}` }),
        el("textarea", { id, name: "finding", rows: "2" })),
    );
  }

  async function save(event) {
    event.preventDefault();
    const findings = Array.from(form.querySelectorAll("[name=finding]"))
      .map((n) => n.value.trim())
      .filter(Boolean);
    const visited = Number.parseInt(form.visited.value, 10);
    if (!form.region_code.value) return say("请选择网格");
    if (!form.held_on.value) return say("请填写排查日期");
    if (Number.isNaN(visited) || visited < 0) return say("请填写走访户数（场所数）");
    const payload = {
      client_id: crypto.randomUUID(),
      kind: form.kind.value,
      held_on: form.held_on.value,
      region_code: form.region_code.value,
      visited,
      visited_note: form.visited_note.value.trim(),
      findings,
    };
    const who = await window.zzApp.showUser();
    await window.zzStore.put("rounds", {
      client_id: payload.client_id,
      user: who ? who.user : "",
      state: window.zzSync.PENDING,
      payload,
      created_at: new Date().toISOString(),
    });
    const grid = form.region_code.value;
    form.reset();
    form.region_code.value = grid;
    form.held_on.value = today();
    document.getElementById("findings").replaceChildren();
    addFinding();
    say(navigator.onLine ? "已保存并发送" : "已保存在本机，恢复网络后自动发送", true);
    await window.zzSync.syncAll(showRounds);
    showRounds();
  }

  function findingRow(round, text, position) {
    const query = new URLSearchParams({
      round: round.client_id,
      position: String(position),
      summary: text,
      region: round.payload.region_code,
    });
    return el("li", { class: "finding" },
      el("span", { text }),
      el("a", { class: "btn btn-small", href: form.dataset.report + "?" + query, "aria-label": `上报：${text}`, text: "上报" }));
  }

  async function showRounds() {
    const list = document.getElementById("round-list");
    const user = document.body.dataset.user;
    const rounds = (await window.zzStore.rounds()).filter((r) => !user || r.user === user);
    list.replaceChildren(
      ...rounds.map((round) =>
        el("li", { class: "round" },
          el("span", { class: "state state-" + (round.state === "已发送" ? "sent" : round.state === "被退回" ? "refused" : "pending"), text: round.state }),
          el("span", { class: "round-title", text: `${round.payload.held_on} ${round.payload.kind}排查 · 走访 ${round.payload.visited}` }),
          round.reason ? el("span", { class: "report-reason", text: "退回原因：" + round.reason }) : null,
          el("ul", { class: "finding-list" }, ...round.payload.findings.map((t, i) => findingRow(round, t, i))),
        ),
      ),
    );
    document.getElementById("round-empty").hidden = rounds.length > 0;
  }

  function today() {
    const now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  form.held_on.value = today();
  form.addEventListener("submit", save);
  document.getElementById("add-finding").addEventListener("click", addFinding);
  addFinding();
  fillChoices();
  window.zzApp.showUser().then(showRounds);
  window.addEventListener("online", () => window.zzSync.syncAll(showRounds));
})();
