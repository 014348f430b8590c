/* 万商 storefront: small Alpine components. Loaded before Alpine (which is deferred), so x-data can call them. */
(function () {
  "use strict";

  /* SKU picker on the product page. cfg = {axes: [{name, values}], skus: [{id, specs, price, original, stock}], minQty} */
  window.skuPicker = function (cfg) {
    var axes = cfg.axes || [];
    var skus = cfg.skus || [];
    var minQty = cfg.minQty || 1;
    var first = skus.find(function (s) { return s.stock > 0; }) || null;
    return {
      chosen: axes.map(function (_, i) { return first && axes.length ? first.specs[i] : null; }),
      qty: minQty,
      hint: "",
      get sku() {
        if (!axes.length) { return skus[0] || null; }
        var chosen = this.chosen;
        if (chosen.some(function (v) { return v === null; })) { return null; }
        return skus.find(function (s) { return s.specs.every(function (v, i) { return v === chosen[i]; }); }) || null;
      },
      get price() {
        if (this.sku) { return this.sku.price; }
        var prices = skus.map(function (s) { return Number(s.price); });
        if (!prices.length) { return ""; }
        var lo = Math.min.apply(null, prices), hi = Math.max.apply(null, prices);
        var fmt = function (n) { return n.toFixed(2); };
        return lo === hi ? fmt(lo) : fmt(lo) + "-" + fmt(hi);
      },
      get colourImage() {  /* the picture of the chosen colour, when the shop uploaded one */
        var i = cfg.colourAxis;
        if (i === undefined || i < 0) { return ""; }
        return (cfg.colourImages || {})[this.chosen[i]] || "";
      },
      get original() { return this.sku ? this.sku.original : ""; },
      get msrp() { return this.sku ? this.sku.msrp || "" : ""; },
      get label() {  /* the promotion price's name (限时折扣 / 会员价 / 秒杀价 …) of the chosen SKU, or the one all share */
        if (this.sku) { return this.sku.label || ""; }
        var labels = skus.map(function (s) { return s.label || ""; });
        return labels.length && labels.every(function (l) { return l === labels[0]; }) ? labels[0] : "";
      },
      get stockText() {
        if (this.sku) { return this.sku.stock > 0 ? "库存 " + this.sku.stock + " 件" : "该规格已售罄"; }
        return "请选择规格";
      },
      isOn: function (i, v) { return this.chosen[i] === v; },
      possible: function (i, v) {
        var chosen = this.chosen;
        return skus.some(function (s) {
          return s.stock > 0 && s.specs[i] === v && s.specs.every(function (x, j) {
            return j === i || chosen[j] === null || chosen[j] === x;
          });
        });
      },
      pick: function (i, v) {
        this.chosen[i] = this.chosen[i] === v ? null : v;
        this.hint = "";
        this.clamp();
      },
      clamp: function () {
        var q = parseInt(this.qty, 10);
        if (isNaN(q) || q < minQty) { q = minQty; }
        if (this.sku && this.sku.stock > 0 && q > this.sku.stock) { q = Math.max(this.sku.stock, minQty); }
        if (q > 9999) { q = 9999; }
        this.qty = q;
      },
      inc: function () { this.qty = (parseInt(this.qty, 10) || minQty) + 1; this.clamp(); },
      dec: function () { this.qty = (parseInt(this.qty, 10) || minQty) - 1; this.clamp(); },
      guard: function (event) {
        if (!this.sku) { this.hint = "请先选择" + axes.map(function (a) { return a.name; }).join("、"); event.preventDefault(); return; }
        if (this.sku.stock <= 0) { this.hint = "该规格已售罄，请选择其他规格"; event.preventDefault(); return; }
        if (this.qty > this.sku.stock) { this.hint = "库存不足，最多可购买 " + this.sku.stock + " 件"; event.preventDefault(); return; }
        this.hint = "";
      }
    };
  };

  /* Cascading province → city → district selects. The server renders the options it knows; this fills the rest. */
  window.regionPicker = function (url) {
    function reset(select, label) {
      while (select.options.length) { select.remove(0); }
      select.add(new Option(label, ""));
    }
    return {
      loading: false,
      load: function (level) {
        var self = this;
        var src = level === "city" ? this.$refs.province : this.$refs.city;
        var dst = level === "city" ? this.$refs.city : this.$refs.district;
        if (level === "city") { reset(this.$refs.city, "城市"); }
        reset(this.$refs.district, "区/县");
        if (!src.value) { return; }
        self.loading = true;
        fetch(url + "?parent=" + encodeURIComponent(src.value), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            data.regions.forEach(function (r) { dst.add(new Option(r.name, r.code)); });
            if (level === "city" && data.regions.length === 1) {  /* 直辖市: one 市辖区 */
              dst.value = data.regions[0].code;
              self.load("district");
            }
          })
          .finally(function () { self.loading = false; });
      }
    };
  };

  /* Promotion countdown: x-data="promoCountdown(startIso, endIso)"; before the start it counts to it (即将开始),
     then to the end (抢购中), then says 已结束. An empty startIso means it has started. */
  window.promoCountdown = function (startIso, endIso) {
    var start = startIso ? new Date(startIso).getTime() : 0;
    var end = new Date(endIso).getTime();
    var fmt = function (s) {
      var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
      var two = function (n) { return (n < 10 ? "0" : "") + n; };
      return (d ? d + " 天 " : "") + two(h) + ":" + two(m) + ":" + two(sec);
    };
    return {
      left: "",
      phase: "",
      get phaseText() { return { upcoming: "即将开始", running: "抢购中", ended: "已结束" }[this.phase] || ""; },
      start: function () {
        var self = this;
        var tick = function () {
          var now = Date.now();
          if (now < start) {
            self.phase = "upcoming";
            self.left = "距开始 " + fmt(Math.floor((start - now) / 1000));
          } else if (now < end) {
            self.phase = "running";
            self.left = "距结束 " + fmt(Math.floor((end - now) / 1000));
          } else {
            self.phase = "ended";
            self.left = "已结束";
          }
        };
        tick();
        setInterval(tick, 1000);
      }
    };
  };

  /* Pay-deadline countdown: x-data="countdown('2026-01-01T10:00:00+08:00')" */
  window.countdown = function (iso) {
    var end = new Date(iso).getTime();
    return {
      left: "",
      start: function () {
        var self = this;
        var tick = function () {
          var s = Math.max(0, Math.floor((end - Date.now()) / 1000));
          var m = Math.floor(s / 60), sec = s % 60;
          self.left = s > 0 ? m + " 分 " + (sec < 10 ? "0" : "") + sec + " 秒" : "已超时";
        };
        tick();
        setInterval(tick, 1000);
      }
    };
  };

  /* 极速退款 preview on the 申请售后 form: asks /api/store/orders/{id}/instant-refund for the units chosen whenever
     the type, a quantity or the reason changes. `state` is "yes", "no" or "" (not a 仅退款, or nothing chosen). */
  window.instantPreview = function (url, initial) {
    return {
      state: initial,
      check: function (form) {
        var self = this;
        var type = (form.querySelector("input[name=type]:checked") || {}).value || "refund_only";
        var lines = [];
        form.querySelectorAll("input[name^=qty_]").forEach(function (el) {
          var n = parseInt(el.value, 10);
          if (n > 0) { lines.push(el.name.slice(4) + ":" + n); }
        });
        if (type !== "refund_only" || !lines.length) { self.state = ""; return; }
        var q = "?type=" + type + "&lines=" + encodeURIComponent(lines.join(","));
        var reason = form.querySelector("select[name=reason]").value;
        if (reason) { q += "&reason_id=" + encodeURIComponent(reason); }
        fetch(url + q, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) { self.state = data ? (data.eligible ? "yes" : "no") : ""; })
          .catch(function () { self.state = ""; });
      }
    };
  };

  /* After-sales deadline: x-data="dueCountdown('2026-01-01T10:00:00+08:00')" → "2 天 3 小时 5 分" */
  window.dueCountdown = function (iso) {
    var end = new Date(iso).getTime();
    return {
      left: "",
      start: function () {
        var self = this;
        var tick = function () {
          var s = Math.max(0, Math.floor((end - Date.now()) / 1000));
          var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
          self.left = s > 0 ? (d ? d + " 天 " : "") + h + " 小时 " + m + " 分" : "已到期";
        };
        tick();
        setInterval(tick, 30000);
      }
    };
  };

})();
