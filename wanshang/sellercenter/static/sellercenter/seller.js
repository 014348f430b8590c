/* 卖家中心 Alpine components. Loaded (defer) before alpine.min.js so the alpine:init listener is in place. */
document.addEventListener("alpine:init", () => {
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

  // Promotion SKU rows: search the shop's products, add SKUs as rows, type each row's price / stock / tiers.
  Alpine.data("promoItems", (initial, url) => ({
    columns: initial.columns || [],
    rows: [],
    next: 0,
    q: "", results: [], searching: false, searched: false,
    init() {
      this.rows = (initial.rows || []).map((r) => Object.assign({ key: this.next++ }, r));
      if (this.$refs.staticRows) this.$refs.staticRows.remove();
    },
    async search() {
      this.searching = true;
      const res = await fetch(url + "?q=" + encodeURIComponent(this.q.trim()), { headers: { Accept: "application/json" } });
      this.results = res.ok ? (await res.json()).products : [];
      this.searching = false;
      this.searched = true;
    },
    has(id) { return this.rows.some((r) => String(r.sku_id) === String(id)); },
    add(sku) {
      if (this.has(sku.id)) return;
      const row = { key: this.next++, sku_id: String(sku.id), label: sku.label, error: "" };
      for (const c of this.columns) row[c.key] = "";
      this.rows.push(row);
    },
    addAll(product) { for (const s of product.skus) this.add(s); },
    remove(i) { this.rows.splice(i, 1); },
  }));
});
