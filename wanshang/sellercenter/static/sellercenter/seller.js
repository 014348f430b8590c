/* 卖家中心 Alpine components. Loaded (defer) before alpine.min.js so the alpine:init listener is in place. */

// --- the product picker (search as you type) -------------------------------------------------------------------
// The seller pickers API answers {items: [{id, title, status_label, price, thumb, skus: [{id, spec, price}]}]}.
const skuLabel = (p, s) => `${p.title} ${s.spec}（¥${s.price}）`;
const idsOf = (text) => [...new Set((text || "").split(/[,，\s]+/).filter((v) => /^\d+$/.test(v)))];

// The dropdown's rows: one per product, or (SKU mode) a product's SKUs under an "all specs" row.
function pickerOptions(items, skuMode) {
  const out = [];
  for (const p of items) {
    const base = { product: p, thumb: p.thumb, status: p.status_label, title: p.title, sub: false };
    if (!skuMode) {
      out.push({ ...base, key: "p" + p.id, kind: "product", id: p.id, meta: `¥${p.price} · 编号 ${p.id}` });
      continue;
    }
    const many = p.skus.length > 1;
    if (many) out.push({ ...base, key: "a" + p.id, kind: "all", meta: `全部 ${p.skus.length} 个规格 · ¥${p.price} 起` });
    for (const s of p.skus) {
      out.push({
        ...base, key: "s" + s.id, kind: "sku", sku: s, sub: many, title: many ? s.spec : p.title,
        meta: `¥${s.price} · SKU ${s.id}`, label: skuLabel(p, s),
      });
    }
  }
  return out;
}

// Search-as-you-type with keyboard navigation; the component mixing it in says what choosing a row does
// (`choose(option)`) and which rows are already chosen (`isChosen(option)`).
function pickerSearch(url, skuMode) {
  return {
    q: "", options: [], active: -1, open: false, loading: false, seq: 0, timer: null, failed: false,
    listId: "picker-" + Math.random().toString(36).slice(2, 9),
    onInput() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(), 180);
    },
    async search() {
      const q = this.q.trim().slice(0, 60);
      const seq = ++this.seq;
      if (!q) { this.options = []; this.open = false; this.loading = false; return; }
      this.loading = true; this.open = true; this.failed = false;
      let items = [];
      try {
        const res = await fetch(`${url}?page_size=10&q=${encodeURIComponent(q)}`, {
          headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        if (res.ok) items = (await res.json()).items; else this.failed = true;
      } catch (e) { this.failed = true; }
      if (seq !== this.seq) return; // a later keystroke's answer wins
      this.loading = false;
      this.options = pickerOptions(items, skuMode);
      this.active = this.options.length ? 0 : -1;
    },
    optionId(i) { return `${this.listId}-${i}`; },
    move(step) {
      if (!this.open) { if (this.q.trim()) this.open = true; return; }
      const n = this.options.length;
      if (!n) return;
      this.active = (this.active + step + n) % n;
      this.$nextTick(() => document.getElementById(this.optionId(this.active))?.scrollIntoView({ block: "nearest" }));
    },
    enter() { if (this.open && this.active >= 0) this.choose(this.options[this.active]); },
    pickAt(i) { this.active = i; this.choose(this.options[i]); },
    close() { this.open = false; },
  };
}

document.addEventListener("alpine:init", () => {
  // Chosen products as chips, written into the form's typed id field ("101, 102") which the server parses as
  // before; without JS that field is all there is. `cfg.when` ({name, modes: {radio value: mode}}): the mode
  // follows that radio (a promotion's scope: "products" searches products, "categories" picks categories from
  // `cfg.categories` through 一级 → 二级 → 三级 selects, any other value shows the typed field); each mode keeps
  // its own ids when the radio changes.
  Alpine.data("productPicker", (cfg) => ({
    ...pickerSearch(cfg.url, false),
    chosen: [], on: false, mode: "", input: null, stash: {},
    tree: cfg.categories || [], names: {}, l1: "", l2: "", l3: "",
    async init() {
      this.input = this.$refs.typed.querySelector("input, textarea");
      for (const a of this.tree) {
        this.names[a.id] = a.name;
        for (const b of a.children) {
          this.names[b.id] = `${a.name} / ${b.name}`;
          for (const c of b.children) this.names[c.id] = `${a.name} / ${b.name} / ${c.name}`;
        }
      }
      if (cfg.when) this.$root.closest("form").addEventListener("change", (e) => {
        if (e.target.name === cfg.when.name) this.toggle();
      });
      await this.toggle(true);
    },
    wanted() {
      if (!cfg.when) return "products";
      const radio = this.$root.closest("form").querySelector(`[name="${cfg.when.name}"]:checked`);
      const mode = (radio && cfg.when.modes[radio.value]) || "";
      return mode === "categories" && !this.tree.length ? "" : mode;
    },
    async toggle(first) {
      const mode = this.wanted();
      if (!first && mode === this.mode) return;
      if (!first) { this.stash[this.mode] = this.input.value; this.input.value = this.stash[mode] || ""; }
      this.mode = mode;
      this.on = mode !== "";
      this.q = ""; this.options = []; this.open = false;
      if (mode === "products") await this.load();
      if (mode === "categories") this.loadCategories();
    },
    async load() {
      const ids = idsOf(this.input.value);
      this.chosen = ids.map((id) => ({ id, title: `编号 ${id}`, thumb: "", missing: true }));
      if (!ids.length) return;
      const res = await fetch(`${cfg.url}?page_size=100&ids=${ids.join(",")}`, { headers: { Accept: "application/json" } });
      if (!res.ok) return;
      const found = new Map((await res.json()).items.map((p) => [String(p.id), p]));
      this.chosen = ids.map((id) => {
        const p = found.get(id);
        return p ? { id, title: p.title, thumb: p.thumb, missing: false } : { id, title: `编号 ${id}（本店没有该商品）`, thumb: "", missing: true };
      });
    },
    loadCategories() {
      this.chosen = idsOf(this.input.value).map((id) => (
        this.names[id] ? { id, title: this.names[id], thumb: "", missing: false }
          : { id, title: `类目编号 ${id}（不在可经营类目中）`, thumb: "", missing: true }));
    },
    get level2() { return (this.tree.find((a) => String(a.id) === this.l1) || { children: [] }).children; },
    get level3() { return (this.level2.find((b) => String(b.id) === this.l2) || { children: [] }).children; },
    // The deepest level chosen so far, and whether the shop may name it (`ok`: approved for it or above it).
    get pick() {
      const node = [[this.level3, this.l3], [this.level2, this.l2], [this.tree, this.l1]]
        .map(([level, id]) => id && level.find((n) => String(n.id) === id)).find(Boolean);
      return node ? { id: String(node.id), ok: node.ok !== false } : null;
    },
    addCategory() {
      const pick = this.pick;
      if (!pick || !pick.ok) return;
      const id = pick.id;
      if (this.chosen.some((c) => c.id === id)) return;
      this.chosen.push({ id, title: this.names[id], thumb: "", missing: false });
      this.write();
      this.l1 = ""; this.l2 = ""; this.l3 = "";
    },
    write() { this.input.value = this.chosen.map((c) => c.id).join(", "); },
    isChosen(o) { return this.chosen.some((c) => c.id === String(o.id)); },
    choose(o) {
      const i = this.chosen.findIndex((c) => c.id === String(o.id));
      if (i >= 0) this.chosen.splice(i, 1);
      else this.chosen.push({ id: String(o.id), title: o.title, thumb: o.thumb, missing: false });
      this.write();
    },
    remove(i) { this.chosen.splice(i, 1); this.write(); if (this.mode === "products") this.$refs.search.focus(); },
    backspace() { if (!this.q && this.chosen.length) this.remove(this.chosen.length - 1); },
  }));

  // 一级 → 二级 → 三级 selects over the shop's allowed categories, writing the form's own category <select>
  // (hidden, still posted; without JS it is the picker). `tree`: [{id, name, children: [...]}].
  Alpine.data("categoryCascade", (tree) => ({
    tree, l1: "", l2: "", l3: "", select: null,
    init() {
      this.select = this.$refs.plain.querySelector("select");
      const leaf = this.select.value;
      for (const a of tree) for (const b of a.children) for (const c of b.children) {
        if (String(c.id) === leaf) { this.l1 = String(a.id); this.l2 = String(b.id); this.l3 = leaf; }
      }
    },
    get level2() { return (tree.find((a) => String(a.id) === this.l1) || { children: [] }).children; },
    get level3() { return (this.level2.find((b) => String(b.id) === this.l2) || { children: [] }).children; },
    pick1() { this.l2 = this.level2.length === 1 ? String(this.level2[0].id) : ""; this.pick2(); },
    pick2() { this.l3 = this.level3.length === 1 ? String(this.level3[0].id) : ""; this.write(); },
    pick3() { this.write(); },
    write() {
      if (this.select.value === this.l3) return;
      this.select.value = this.l3;
      this.select.dispatchEvent(new Event("change", { bubbles: true })); // the attribute block follows (htmx)
    },
  }));

  const blankRow = (spec, values) => ({
    spec, values, price: "", original: "", cost: "", stock: "", barcode: "", weight: "", safety: "", error: "",
  });
  const splitValues = (text) => (text || "").replace(/，/g, ",").split(",").map((v) => v.trim()).filter(Boolean);

  // The SKU matrix: spec axes → cartesian rows. Typed values survive re-generation (kept by spec key).
  Alpine.data("skuMatrix", (initial) => ({
    axes: (initial.axes || []).map((a) => ({ name: a.name || "", values: a.values || "" })),
    store: {},
    rows: [],
    fill: { price: "", original: "", cost: "", stock: "", weight: "" },
    init() {
      while (this.axes.length < 3) this.axes.push({ name: "", values: "" });
      for (const row of initial.rows || []) this.store[row.spec] = Object.assign(blankRow(row.spec, row.values), row);
      if (this.$refs.staticRows) this.$refs.staticRows.remove();
      this.rebuild();
    },
    rebuild() {
      const used = this.axes.filter((a) => a.name.trim() || splitValues(a.values).length);
      let combos = [[]];
      for (const axis of used) {
        const values = [...new Set(splitValues(axis.values))];
        const next = [];
        for (const combo of combos) for (const v of values) next.push([...combo, v]);
        combos = next;
      }
      this.rows = combos.slice(0, 601).map((values) => {
        const spec = values.join("/");
        if (!this.store[spec]) this.store[spec] = blankRow(spec, values);
        return this.store[spec];
      });
    },
    clearAxis(i) {
      this.axes[i].name = "";
      this.axes[i].values = "";
      this.rebuild();
    },
    applyFill() {
      for (const row of this.rows) {
        for (const key of Object.keys(this.fill)) if (this.fill[key] !== "") row[key] = this.fill[key];
      }
    },
  }));

  // Province → city → district selects writing one hidden district code.
  Alpine.data("regionPicker", (initial, url) => ({
    provinces: [], cities: [], districts: [],
    province: initial.province || "", city: initial.city || "", district: initial.district || "",
    async load(parent) {
      const res = await fetch(url + (parent ? "?parent=" + encodeURIComponent(parent) : ""), {
        headers: { Accept: "application/json" },
      });
      return res.ok ? res.json() : [];
    },
    async init() {
      this.provinces = await this.load("");
      if (this.province) this.cities = await this.load(this.province);
      if (this.city) this.districts = await this.load(this.city);
    },
    async pickProvince() {
      this.city = ""; this.district = ""; this.districts = [];
      this.cities = this.province ? await this.load(this.province) : [];
    },
    async pickCity() {
      this.district = "";
      this.districts = this.city ? await this.load(this.city) : [];
    },
  }));

  // Freight template: per-region override rules, added and removed client-side.
  Alpine.data("freightRules", (rows) => ({
    rules: (rows || []).map((r, i) => Object.assign({ key: i }, r)),
    next: (rows || []).length,
    add() {
      this.rules.push({ key: this.next++, regions: [], first_units: "1", first_price: "", additional_units: "1", additional_price: "" });
    },
    remove(i) { this.rules.splice(i, 1); },
  }));

  // Promotion SKU rows: pick the shop's SKUs with the picker (a product expands into its SKUs), type each row's
  // price / stock / tiers.
  Alpine.data("promoItems", (initial, url) => ({
    ...pickerSearch(url, true),
    columns: initial.columns || [],
    rows: [],
    next: 0,
    init() {
      this.rows = (initial.rows || []).map((r) => Object.assign({ key: this.next++ }, r));
      if (this.$refs.staticRows) this.$refs.staticRows.remove();
    },
    has(id) { return this.rows.some((r) => String(r.sku_id) === String(id)); },
    add(sku) {
      if (this.has(sku.id)) return;
      const row = { key: this.next++, sku_id: String(sku.id), label: sku.label, error: "" };
      for (const c of this.columns) row[c.key] = "";
      this.rows.push(row);
    },
    addAll(product) { for (const s of product.skus) this.add({ id: s.id, label: skuLabel(product, s) }); },
    isChosen(o) { return o.kind === "all" ? o.product.skus.every((s) => this.has(s.id)) : this.has(o.sku.id); },
    choose(o) {
      if (o.kind === "all") this.addAll(o.product);
      else if (this.has(o.sku.id)) this.rows.splice(this.rows.findIndex((r) => String(r.sku_id) === String(o.sku.id)), 1);
      else this.add({ id: o.sku.id, label: o.label });
    },
    remove(i) { this.rows.splice(i, 1); },
  }));
  // 自提核销: scan the buyer's pickup QR with the phone's camera where the browser can read QR codes
  // (BarcodeDetector: Chrome on Android, Safari 17+); elsewhere the button stays hidden and the code is typed.
  Alpine.data("pickupScanner", () => ({
    canScan: "BarcodeDetector" in window && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia),
    scanning: false,
    stream: null,
    async start() {
      try {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        const video = this.$refs.video;
        video.srcObject = this.stream;
        await video.play();
        this.scanning = true;
        const tick = async () => {
          if (!this.scanning) return;
          const found = await detector.detect(video).catch(() => []);
          const digits = found.length ? String(found[0].rawValue).replace(/\D/g, "") : "";
          if (digits.length === 8) {
            this.$refs.code.value = digits;
            this.stop();
            this.$el.closest("form").requestSubmit();
            return;
          }
          requestAnimationFrame(tick);
        };
        tick();
      } catch (e) {
        this.stop();
        this.canScan = false;
      }
    },
    stop() {
      this.scanning = false;
      if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
      this.stream = null;
    },
  }));
});

// --- the sidebar's folding groups ----------------------------------------------------------------------------
// The server opens the group holding the current page; groups the user opened by hand stay open on the next
// pages (kept in localStorage by the group's title, since roles see different groups).
document.addEventListener("DOMContentLoaded", () => {
  const KEY = "sc-open-groups";
  let kept = [];
  try { kept = JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { kept = []; }
  const groups = document.querySelectorAll(".sc-side details.sc-group");
  groups.forEach((group) => {
    const title = group.querySelector("summary")?.textContent.trim();
    if (title && kept.includes(title)) group.open = true;
    group.addEventListener("toggle", () => {
      const open = new Set(kept);
      if (group.open) open.add(title); else open.delete(title);
      kept = [...open];
      try { localStorage.setItem(KEY, JSON.stringify(kept)); } catch (e) { /* private mode: folding still works */ }
    });
  });
});
