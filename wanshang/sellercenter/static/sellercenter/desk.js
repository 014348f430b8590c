/* 客服工作台 (Alpine component `serviceDesk`): the queue, one open thread, composer with quick phrases and FAQ
 * suggestions. Kept in step by the desk WebSocket's hints, polling while it is down. */
document.addEventListener("alpine:init", function () {
  Alpine.data("serviceDesk", function (cfg) {
    return {
      tab: cfg.open ? "all" : "waiting", tabs: cfg.tabs, origins: cfg.origins, queue: [], counts: {}, live: false, online: cfg.online,
      current: null, messages: [], text: "", note: false, sending: false, error: "",
      phrases: [], showPhrases: false, faq: [], agents: cfg.agents, transferTo: "",
      ticketOpen: false, ticketTitle: "", ticketPriority: "normal", notice: "",
      init() {
        const self = this;
        this.refreshQueue();
        if (cfg.open) this.openConversation(cfg.open);
        this.socket = WSChat.liveSocket(cfg.ws, function (hint) {
          self.refreshQueue();
          if (self.current && hint.conversation === self.current.id) { self.sync.pull(); self.reloadDetail(); }
        }, function (on) { self.live = on; if (on) { self.refreshQueue(); if (self.sync) self.sync.pull(); } });
        WSChat.poller(function () { self.refreshQueue(); if (self.sync) self.sync.pull(); }, function () { return self.live; }, 4000);
        let typing = null;
        this.$watch("text", function (value) {
          clearTimeout(typing);
          if (value.startsWith("/")) { self.showPhrases = true; return; }
          if (value.trim().length >= 2) typing = setTimeout(function () { self.loadFaq(value); }, 400);
        });
      },
      async refreshQueue() {
        try {
          const [data, counts] = await Promise.all([
            WSChat.api("GET", cfg.api + "/queue?tab=" + this.tab + "&page_size=100"),
            WSChat.api("GET", cfg.api + "/counts"),
          ]);
          this.queue = data.items; this.counts = counts;
        } catch (e) { this.error = e.message; }
      },
      setTab(t) { this.tab = t; this.refreshQueue(); },
      async openConversation(id) {
        const self = this;
        this.error = ""; this.faq = []; this.text = ""; this.note = false;
        this.current = await WSChat.api("GET", cfg.api + "/conversations/" + id);
        history.replaceState(null, "", "?c=" + id);
        const base = cfg.api + "/conversations/" + id;
        let lastBuyer = 0;
        this.sync = WSChat.threadSync(base, function (state, err) {
          if (err) { self.error = err.message; return; }
          if (!self.current || base !== cfg.api + "/conversations/" + self.current.id) return;
          const grew = state.messages.length !== self.messages.length;
          self.messages = state.messages.slice();
          if (grew) {
            self.$nextTick(function () { const el = self.$refs.thread; if (el) el.scrollTop = el.scrollHeight; });
            WSChat.api("POST", base + "/read").then(function () { self.refreshQueue(); }).catch(function () {});
            const buyerMsgs = state.messages.filter(function (m) { return m.sender_kind === "buyer" && m.kind === "text"; });
            const newest = buyerMsgs.length ? buyerMsgs[buyerMsgs.length - 1].seq : 0;
            if (newest > lastBuyer) { lastBuyer = newest; self.loadFaq(""); }
          }
        });
        this.messages = [];
        this.sync.pull();
        WSChat.api("GET", base + "/phrases").then(function (p) { self.phrases = p; }).catch(function () { self.phrases = []; });
      },
      async reloadDetail() {
        if (!this.current) return;
        try { this.current = await WSChat.api("GET", cfg.api + "/conversations/" + this.current.id); } catch (e) { /* kept */ }
      },
      async loadFaq(text) {
        if (!this.current) return;
        try {
          this.faq = await WSChat.api("GET", cfg.api + "/conversations/" + this.current.id + "/faq?text=" + encodeURIComponent(text || ""));
        } catch (e) { this.faq = []; }
      },
      filteredPhrases() {
        if (!this.text.startsWith("/")) return this.phrases;
        const code = this.text.slice(1).toLowerCase();
        return this.phrases.filter(function (p) { return p.code && p.code.replace(/^\//, "").toLowerCase().startsWith(code); });
      },
      usePhrase(p) { this.text = p.text; this.showPhrases = false; this.$refs.composer.focus(); },
      useFaq(f) { this.text = f.answer; this.$refs.composer.focus(); },
      mine(m) { return m.sender_kind === "agent"; },
      time(m) { return WSChat.fmtTime(m.created_at); },
      yuan(f) { return WSChat.yuan(f); },
      keydown(e) {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
          e.preventDefault();
          if (this.text.startsWith("/")) { const hit = this.filteredPhrases()[0]; if (hit) this.usePhrase(hit); return; }
          this.send();
        }
        if (e.key === "Escape") this.showPhrases = false;
      },
      // The composer empties as soon as a message is sent, and sends go out one after another in order: an agent
      // who types the next line while the last is still on its way neither loses it (the old code emptied the
      // box when the first answer came back) nor has Enter ignored. A failed send puts its text back.
      send() {
        const body = this.text.trim();
        if (!body || !this.current) return;
        const kind = this.note ? "note" : "text", convId = this.current.id;
        this.text = ""; this.note = false; this.error = ""; this.sending = true;
        this.outbox = (this.outbox || Promise.resolve()).then(async () => {
          try {
            await WSChat.api("POST", cfg.api + "/conversations/" + convId + "/messages", { body: body, kind: kind });
            this.sync.pull(); this.reloadDetail(); this.refreshQueue();
          } catch (e) {
            this.error = e.message;
            if (!this.text) { this.text = body; this.note = kind === "note"; }
          }
        });
        const mine = this.outbox;
        mine.then(() => { if (this.outbox === mine) this.sending = false; });
      },
      async sendImage(e) {
        const file = e.target.files[0];
        if (!file || !this.current) return;
        const form = new FormData(); form.append("file", file);
        try { await WSChat.api("POST", cfg.api + "/conversations/" + this.current.id + "/images", form); this.sync.pull(); }
        catch (err) { this.error = err.message; } finally { e.target.value = ""; }
      },
      async act(path, body) {
        this.error = "";
        try {
          this.current = await WSChat.api("POST", cfg.api + "/conversations/" + this.current.id + "/" + path, body);
          this.sync.pull(); this.refreshQueue();
        } catch (e) { this.error = e.message; }
      },
      claim() { this.act("claim"); },
      resolve() { if (confirm(cfg.t.confirmResolve)) this.act("resolve"); },
      transfer() { if (this.transferTo) { this.act("transfer", { to_user_id: Number(this.transferTo) }); this.transferTo = ""; } },
      async makeTicket() {
        this.error = "";
        try {
          const t = await WSChat.api("POST", cfg.api + "/conversations/" + this.current.id + "/ticket", { title: this.ticketTitle, priority: this.ticketPriority });
          this.ticketOpen = false; this.ticketTitle = ""; this.notice = cfg.t.ticketMade + " · " + t.title; this.sync.pull();
        } catch (e) { this.error = e.message; }
      },
      async toggleOnline() {
        try { const p = await WSChat.api("POST", cfg.api + "/presence", { online: !this.online }); this.online = p.online; }
        catch (e) { this.error = e.message; }
      },
    };
  });
});
