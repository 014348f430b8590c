/* 联系客服: the buyer's chat page (Alpine component `buyerChat`). See wanshang/common/static/chat/chat.js. */
document.addEventListener("alpine:init", function () {
  Alpine.data("buyerChat", function (cfg) {
    return {
      messages: [], status: cfg.status, live: false, text: "", error: "", sending: false,
      rated: cfg.rated, stars: 5, comment: "", ratingDone: false,
      init() {
        const self = this;
        this.sync = WSChat.threadSync(cfg.api, function (state, err) {
          if (err) { self.error = err.message; return; }
          self.error = "";
          const grew = state.messages.length !== self.messages.length;
          self.messages = state.messages.slice();
          self.status = state.status;
          if (grew) { self.$nextTick(function () { self.scroll(); }); self.markRead(); }
        });
        this.sync.pull();
        this.socket = WSChat.liveSocket(cfg.ws, function () { self.sync.pull(); }, function (on) {
          self.live = on; if (on) self.sync.pull();
        });
        WSChat.poller(function () { self.sync.pull(); }, function () { return self.live; }, 4000);
      },
      scroll() { const el = this.$refs.thread; if (el) el.scrollTop = el.scrollHeight; },
      mine(m) { return m.sender_kind === "buyer"; },
      time(m) { return WSChat.fmtTime(m.created_at); },
      yuan(f) { return WSChat.yuan(f); },
      markRead() { WSChat.api("POST", cfg.api + "/read").catch(function () {}); },
      // The box empties as soon as a message is sent and sends go out in order, so a line typed while the last
      // is on its way is neither wiped by its answer nor ignored; a failed send puts its text back.
      send() {
        const body = this.text.trim();
        if (!body) return;
        this.text = ""; this.error = ""; this.sending = true;
        this.outbox = (this.outbox || Promise.resolve()).then(async () => {
          try {
            await WSChat.api("POST", cfg.api + "/messages", { body: body });
            this.sync.pull();
          } catch (e) {
            this.error = e.message;
            if (!this.text) this.text = body;
            if (e.status === 409) this.status = "resolved";
          }
        });
        const mine = this.outbox;
        mine.then(() => { if (this.outbox === mine) this.sending = false; });
      },
      keydown(e) { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.send(); } },
      async sendImage(e) {
        const file = e.target.files[0];
        if (!file) return;
        const form = new FormData(); form.append("file", file);
        this.sending = true; this.error = "";
        try { await WSChat.api("POST", cfg.api + "/images", form); this.sync.pull(); }
        catch (err) { this.error = err.message; }
        finally { this.sending = false; e.target.value = ""; }
      },
      async resolve() {
        if (!confirm(cfg.t.confirmEnd)) return;
        try { await WSChat.api("POST", cfg.api + "/resolve"); this.sync.pull(); } catch (e) { this.error = e.message; }
      },
      async rate() {
        try {
          await WSChat.api("POST", cfg.api + "/rating", { stars: Number(this.stars), comment: this.comment });
          this.rated = true; this.ratingDone = true;
        } catch (e) { this.error = e.message; }
      },
    };
  });
});
