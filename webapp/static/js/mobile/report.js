/* 上报事件: the form fills its choices from /m/api/forms (kept for offline use), takes the
   position and photos (resized here before they are stored), keeps the report on the
   phone as 待发送 and goes home, where it is sent when there is a connection. */
"use strict";

(function () {
  const form = document.getElementById("report-form");
  if (!form) return;
  const MAX_SIDE = 1600;
  const photos = [];
  let voice = null;
  let position = null;
  const params = new URLSearchParams(location.search);

  function option(value, label) {
    const node = document.createElement("option");
    node.value = value;
    node.textContent = label;
    return node;
  }

  async function fillChoices() {
    try {
      const response = await fetch("/m/api/forms", { credentials: "same-origin" });
      const data = await response.json();
      form.dispute_type.append(...data.types.map((t) => option(t.code, t.name)));
      form.region_code.append(...data.grids.map((g) => option(g.code, g.name)));
      if (data.grids.length === 1 || params.get("region")) {
        form.region_code.value = params.get("region") || data.grids[0].code;
      }
    } catch (error) {
      say("本机还没有保存表单选项，请联网后打开一次本页");
    }
  }

  function say(text) {
    const box = document.getElementById("form-message");
    box.textContent = text;
    box.hidden = !text;
  }

  function locate() {
    const shown = document.getElementById("position-text");
    if (!navigator.geolocation) {
      shown.textContent = "本机不支持定位，请填写详细地点";
      return;
    }
    shown.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(
      (found) => {
        position = {
          latitude: found.coords.latitude,
          longitude: found.coords.longitude,
          accuracy: found.coords.accuracy,
        };
        shown.textContent = `已定位：纬度 ${position.latitude.toFixed(5)}，经度 ${position.longitude.toFixed(5)}（精度约 ±${Math.round(position.accuracy)} 米）`;
      },
      () => (shown.textContent = "未能定位，请填写详细地点"),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  }

  async function resized(file) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
  }

  async function addPhotos(files) {
    for (const file of files) {
      if (photos.length >= 9) break;
      try {
        const blob = await resized(file);
        const hash = await window.zzSync.sha256(blob);
        await window.zzStore.putFile(hash, blob);
        if (!photos.includes(hash)) photos.push(hash);
        const img = document.createElement("img");
        img.src = URL.createObjectURL(blob);
        img.alt = `现场照片 ${photos.length}`;
        document.getElementById("photo-previews").append(img);
      } catch (error) {
        say(`照片 ${file.name} 无法读取，请换一张`);
      }
    }
    document.getElementById("photo-count").textContent = photos.length ? `已添加 ${photos.length} 张` : "";
  }

  async function addVoice(file) {
    if (!file) return;
    voice = await window.zzSync.sha256(file);
    await window.zzStore.putFile(voice, file);
    document.getElementById("voice-text").textContent = "已添加语音说明";
  }

  function parties() {
    return Array.from(form.querySelectorAll(".party-row"))
      .map((row) => ({
        role: row.querySelector("[name=party_role]").value,
        name: row.querySelector("[name=party_name]").value.trim(),
        phone: row.querySelector("[name=party_phone]").value.trim(),
      }))
      .filter((p) => p.name)
      .map((p) => (p.phone ? p : { role: p.role, name: p.name }));
  }

  function addParty() {
    const rows = form.querySelectorAll(".party-row");
    const copy = rows[rows.length - 1].cloneNode(true);
    copy.querySelectorAll("input").forEach((input) => (input.value = ""));
    copy.querySelector("[name=party_role]").value = "被申请人";
    rows[rows.length - 1].after(copy);
  }

  function payload() {
    const outcome = form.outcome.value;
    const body = {
      client_id: crypto.randomUUID(),
      outcome,
      dispute_type: form.dispute_type.value,
      summary: form.summary.value.trim(),
      region_code: form.region_code.value,
      place: form.place.value.trim(),
      risk_colour: form.risk_colour.value || "绿",
      parties: parties(),
      photos: photos.slice(),
      reported_at: new Date().toISOString(),
    };
    if (position) body.position = position;
    if (voice) body.voice = voice;
    if (outcome === "当场化解") body.result = form.result.value.trim();
    if (params.get("round")) body.finding = { round: params.get("round"), position: Number(params.get("position")) };
    return body;
  }

  function problem(body) {
    if (!body.dispute_type) return "请选择事件类型";
    if (!body.region_code) return "请选择所在网格";
    if (body.summary.length < 5) return "事件简要情况至少写 5 个字";
    if (body.outcome === "上报" && !body.parties.length) return "上报为案件时请至少填写一名当事人";
    if (body.outcome === "当场化解" && !body.result) return "当场化解的事件请填写化解结果";
    return "";
  }

  async function save(event) {
    event.preventDefault();
    const body = payload();
    const why = problem(body);
    if (why) {
      say(why);
      return;
    }
    const who = await window.zzApp.showUser();
    await window.zzStore.put("reports", {
      client_id: body.client_id,
      user: who ? who.user : document.body.dataset.user || "",
      state: window.zzSync.PENDING,
      payload: body,
      created_at: body.reported_at,
      created_label: new Date().toLocaleString("zh-CN", { hour12: false }),
    });
    location.href = form.dataset.home;
  }

  function showOutcome() {
    document.getElementById("result-field").hidden = form.outcome.value !== "当场化解";
  }

  /* 修改后重新上报: a returned report's answers, to correct and send as a new report */
  async function fillAgain(clientId) {
    const earlier = await window.zzStore.get("reports", clientId);
    if (!earlier) return;
    const p = earlier.payload;
    form.querySelector(`[name=outcome][value="${p.outcome}"]`).checked = true;
    form.querySelector(`[name=risk_colour][value="${p.risk_colour || "绿"}"]`).checked = true;
    form.summary.value = p.summary;
    form.place.value = p.place || "";
    if (p.result) form.result.value = p.result;
    (p.parties || []).forEach((party, n) => {
      if (n > 0) addParty();
      const row = form.querySelectorAll(".party-row")[n];
      row.querySelector("[name=party_role]").value = party.role;
      row.querySelector("[name=party_name]").value = party.name;
      row.querySelector("[name=party_phone]").value = party.phone || "";
    });
    (p.photos || []).forEach((hash) => photos.push(hash));
    if (p.voice) voice = p.voice;
    if (p.position) position = p.position;
    document.getElementById("photo-count").textContent = photos.length ? `已添加 ${photos.length} 张` : "";
    showOutcome();
    say("退回原因：" + (earlier.reason || "") + "。请修改后重新上报。");
    return p;
  }

  if (params.get("summary")) form.summary.value = params.get("summary");
  form.addEventListener("submit", save);
  form.querySelectorAll("[name=outcome]").forEach((n) => n.addEventListener("change", showOutcome));
  document.getElementById("locate").addEventListener("click", locate);
  document.getElementById("add-party").addEventListener("click", addParty);
  form.photos.addEventListener("change", () => addPhotos(Array.from(form.photos.files)));
  form.voice.addEventListener("change", () => addVoice(form.voice.files[0]));
  showOutcome();
  fillChoices().then(async () => {
    const p = params.get("again") ? await fillAgain(params.get("again")) : null;
    if (p) {
      if ([...form.dispute_type.options].some((o) => o.value === p.dispute_type)) form.dispute_type.value = p.dispute_type;
      form.region_code.value = p.region_code;
    }
  });
})();
