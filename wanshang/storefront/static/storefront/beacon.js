/* 万商 time-on-page beacon: how long this page was visible, sent when it is hidden or left.
 * Each hidden spell sends the visible time since the last send, so the parts add up to the whole visit
 * and nothing is counted twice (visibilitychange and pagehide both fire when a tab is closed). */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !navigator.sendBeacon) return;
  var url = me.getAttribute("data-stay-url");
  var token = me.getAttribute("data-stay-token");
  if (!url || !token) return;
  var visibleMs = 0;
  var since = document.visibilityState === "visible" ? performance.now() : null;

  function pause() {
    if (since !== null) {
      visibleMs += performance.now() - since;
      since = null;
    }
  }

  function send() {
    pause();
    var ms = Math.round(visibleMs);
    if (ms <= 0) return;
    var body = new URLSearchParams();
    body.append("t", token);
    body.append("ms", String(ms));
    if (navigator.sendBeacon(url, body)) visibleMs = 0;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send();
    else if (since === null) since = performance.now();
  });
  window.addEventListener("pagehide", send);
  window.addEventListener("pageshow", function (e) {  // back from the back/forward cache: a new visible spell
    if (e.persisted && document.visibilityState === "visible" && since === null) since = performance.now();
  });
})();
