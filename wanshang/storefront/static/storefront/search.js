/* 万商 storefront search box (every page with the store header): suggestions and result click-through.
   Loaded by the header, before Alpine (deferred), so x-data="searchBox(...)" finds it. */
(function () {
  "use strict";

  /* Search box: suggestions as the buyer types (prefix, pinyin or initials), hot words when it is empty. */
  window.searchBox = function (url) {
    var timer = null;
    return {
      open: false,
      items: [],
      active: -1,
      load: function (q) {
        var self = this;
        clearTimeout(timer);
        timer = setTimeout(function () {
          fetch(url + "?q=" + encodeURIComponent(q || ""), { headers: { Accept: "application/json" } })
            .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
            .then(function (data) { self.items = data.suggestions || []; self.active = -1; self.open = self.items.length > 0; })
            .catch(function () { self.open = false; });
        }, 120);
      },
      move: function (step) {
        if (!this.open || !this.items.length) { return; }
        this.active = (this.active + step + this.items.length) % this.items.length;
        this.$refs.q.value = this.items[this.active];
      },
      pick: function (word) { this.$refs.q.value = word; this.open = false; this.$root.submit(); }
    };
  };

  /* A click on a search result tells the server which result was opened (click-through of the query). */
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("[data-search-results] a[href*='/p/']");
    var box = link && link.closest("[data-search-query]");
    if (!box || !box.dataset.searchQuery || !navigator.sendBeacon) { return; }
    var m = link.getAttribute("href").match(/\/p\/(\d+)\//);
    if (!m) { return; }
    var body = new FormData();
    body.append("qid", box.dataset.searchQuery);
    body.append("pid", m[1]);
    navigator.sendBeacon(box.dataset.clickUrl, body);
  });
})();
