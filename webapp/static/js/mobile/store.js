/* The phone's own store (IndexedDB through idb): reports and screening rounds waiting to
   be sent or already sent, and the photos they carry, keyed by content hash. */
"use strict";

window.zzStore = (function () {
  const DB_NAME = "zongzhi-m";
  let opened = null;

  function db() {
    if (!opened) {
      opened = window.idb.openDB(DB_NAME, 1, {
        upgrade(database) {
          const reports = database.createObjectStore("reports", { keyPath: "client_id" });
          reports.createIndex("created", "created_at");
          const rounds = database.createObjectStore("rounds", { keyPath: "client_id" });
          rounds.createIndex("created", "created_at");
          database.createObjectStore("files", { keyPath: "sha256" });
        },
      });
    }
    return opened;
  }

  async function all(store) {
    const rows = await (await db()).getAllFromIndex(store, "created");
    return rows.reverse();
  }

  return {
    put: async (store, row) => (await db()).put(store, row),
    get: async (store, key) => (await db()).get(store, key),
    remove: async (store, key) => (await db()).delete(store, key),
    reports: () => all("reports"),
    rounds: () => all("rounds"),
    putFile: async (sha256, blob) => (await db()).put("files", { sha256, blob }),
    file: async (sha256) => (await db()).get("files", sha256),
    removeFile: async (sha256) => (await db()).delete("files", sha256),
    /* Update one field set of a stored row, reading and writing in one transaction. */
    async update(store, key, changes) {
      const tx = (await db()).transaction(store, "readwrite");
      const row = await tx.store.get(key);
      if (row) await tx.store.put(Object.assign(row, changes));
      await tx.done;
      return row;
    },
  };
})();
