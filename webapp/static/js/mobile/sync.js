/* Sending what the phone holds: screening rounds first (reports may name their
   findings), then reports with their photos. Every send is safe to repeat: a report or
   round carries the id made on this phone, a photo is uploaded by its SHA-256 in chunks
   from the bytes the server already holds. */
"use strict";

window.zzSync = (function () {
  const CHUNK = 256 * 1024;
  const PENDING = "待发送";
  const SENT = "已发送";
  const REFUSED = "被退回";
  let running = null;

  class LoginNeeded extends Error {}

  async function json(response) {
    const type = response.headers.get("Content-Type") || "";
    if (response.redirected || !type.includes("json")) throw new LoginNeeded("请先登录");
    return response.json();
  }

  async function session() {
    return json(await fetch("/m/api/session", { credentials: "same-origin", cache: "no-store" }));
  }

  async function sha256(blob) {
    const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function uploadFile(hash, csrf) {
    const stored = await window.zzStore.file(hash);
    if (!stored) return;
    const blob = stored.blob;
    const url = "/m/api/uploads/" + hash;
    let status = await json(await fetch(url, { credentials: "same-origin", cache: "no-store" }));
    let offset = status.complete ? blob.size : status.received;
    while (offset < blob.size) {
      const end = Math.min(offset + CHUNK, blob.size);
      const response = await fetch(url, {
        method: "PUT",
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": csrf,
          "Content-Range": `bytes ${offset}-${end - 1}/${blob.size}`,
          "Content-Type": "application/octet-stream",
        },
        body: blob.slice(offset, end),
      });
      status = await json(response);
      if (response.status === 409) offset = status.received;
      else if (!response.ok) throw new Error(status.error || "照片上传失败");
      else offset = status.complete ? blob.size : status.received;
    }
  }

  /* A sent report's photos are on the server now: free the phone's storage, unless a
     report still waiting (or returned, to be sent again) names the same file. */
  async function dropFiles(files, clientId) {
    const others = (await window.zzStore.reports()).filter(
      (r) => r.client_id !== clientId && r.state !== SENT,
    );
    const kept = new Set(others.flatMap((r) => (r.payload.photos || []).concat(r.payload.voice || [])));
    for (const hash of files) if (!kept.has(hash)) await window.zzStore.removeFile(hash);
  }

  async function post(url, body, csrf) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await json(response) };
  }

  async function sendRound(round, csrf) {
    const answer = await post("/m/api/screenings", round.payload, csrf);
    if (answer.status === 200) {
      await window.zzStore.update("rounds", round.client_id, { state: SENT, reason: "" });
    } else if (answer.status === 422) {
      await window.zzStore.update("rounds", round.client_id, {
        state: REFUSED,
        reason: reasonOf(answer.body),
      });
    }
  }

  function reasonOf(body) {
    const fields = body.fields || {};
    const lines = Object.keys(fields).map((key) => fields[key].join("，"));
    return [body.error].concat(lines).filter(Boolean).join("；");
  }

  async function sendReport(report, csrf) {
    const files = (report.payload.photos || []).concat(report.payload.voice ? [report.payload.voice] : []);
    for (const hash of files) await uploadFile(hash, csrf);
    const answer = await post("/m/api/reports", report.payload, csrf);
    if (answer.status === 200 || answer.status === 201) {
      await window.zzStore.update("reports", report.client_id, {
        state: answer.body.state,
        reason: answer.body.reason || "",
        case_code: answer.body.case_code || "",
        sent_at: new Date().toISOString(),
      });
      if (answer.body.state === SENT) await dropFiles(files, report.client_id);
    } else if (answer.status === 422) {
      await window.zzStore.update("reports", report.client_id, {
        state: REFUSED,
        reason: reasonOf(answer.body),
      });
    }
    /* 409 (photos still arriving) and other answers: stays 待发送, tried again later */
  }

  async function runOnce(onChange) {
    const who = await session();
    for (const round of await window.zzStore.rounds()) {
      if (round.state === PENDING && round.user === who.user) await sendRound(round, who.csrf);
    }
    for (const report of await window.zzStore.reports()) {
      if (report.state === PENDING && report.user === who.user) {
        await sendReport(report, who.csrf);
        if (onChange) onChange();
      }
    }
  }

  /* Send everything waiting; one run at a time in this tab (the server keeps two tabs safe). */
  function syncAll(onChange) {
    if (!navigator.onLine) return Promise.resolve();
    if (!running) {
      running = runOnce(onChange)
        .catch((error) => {
          if (!(error instanceof LoginNeeded)) console.warn("同步未完成，稍后重试", error);
        })
        .finally(() => {
          running = null;
          if (onChange) onChange();
        });
    }
    return running;
  }

  return { syncAll, session, sha256, LoginNeeded, PENDING, SENT, REFUSED };
})();
