/* The undeployed draft: saved to localStorage a moment after each edit, offered back
 * (恢复草稿 / 放弃草稿) when the same file is opened again, forgotten once deployed.
 * Leaving the page with unsaved changes asks first. */
(function () {
  "use strict";

  var ns = window.ZZDesigner = window.ZZDesigner || {};
  var DELAY_MS = 800;

  function DraftStore(config) {
    this.key = "zongzhi.designer.draft:" + config.user + ":" + config.file;
    this.dirty = false;
    this.timer = null;
    var self = this;
    window.addEventListener("beforeunload", function (event) {
      if (self.dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  DraftStore.prototype.load = function () {
    try {
      var raw = window.localStorage.getItem(this.key);
      var draft = raw ? JSON.parse(raw) : null;
      return draft && typeof draft.xml === "string" ? draft : null;
    } catch (error) {
      return null;
    }
  };

  DraftStore.prototype.write = function (draft) {
    try {
      window.localStorage.setItem(this.key, JSON.stringify(draft));
      return true;
    } catch (error) {
      return false;  // storage full or disabled: the warning on leaving still protects
    }
  };

  /* Call after each edit; ``snapshot(callback)`` produces {xml, name, baseVersionId}. */
  DraftStore.prototype.changed = function (snapshot, onSaved) {
    var self = this;
    this.dirty = true;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      snapshot(function (draft) {
        draft.savedAt = new Date().toISOString();
        if (self.write(draft) && onSaved) { onSaved(draft); }
      });
    }, DELAY_MS);
  };

  DraftStore.prototype.forget = function () {
    window.clearTimeout(this.timer);
    this.dirty = false;
    try {
      window.localStorage.removeItem(this.key);
    } catch (error) {
      // nothing stored
    }
  };

  DraftStore.prototype.clean = function () {
    this.dirty = false;
  };

  function savedAtText(draft) {
    var at = new Date(draft.savedAt || 0);
    if (isNaN(at.getTime())) { return ""; }
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return at.getFullYear() + "-" + pad(at.getMonth() + 1) + "-" + pad(at.getDate()) + " " +
      pad(at.getHours()) + ":" + pad(at.getMinutes());
  }

  /* Offer a stored draft that differs from what the server sent. */
  DraftStore.prototype.offer = function (banner, serverXml, onRestore) {
    var draft = this.load();
    if (!draft || draft.xml === serverXml) {
      return;
    }
    var self = this;
    banner.querySelector(".draft-text").textContent = "此文件有未部署的草稿（" + (draft.name || "") +
      "，保存于 " + savedAtText(draft) + "，基于版本 #" + draft.baseVersionId + "）。";
    banner.hidden = false;
    banner.querySelector('[data-draft="restore"]').onclick = function () {
      banner.hidden = true;
      onRestore(draft);
    };
    banner.querySelector('[data-draft="discard"]').onclick = function () {
      banner.hidden = true;
      self.forget();
    };
  };

  DraftStore.timeText = savedAtText;
  ns.DraftStore = DraftStore;
})();
