/* The customer-service chat's client, shared by the buyer's chat page and the seller 客服工作台.
 *
 * Messages are fetched over HTTP after the last seen seq (`?after=`); the WebSocket only says "conversation X
 * has seq N" and triggers that fetch. When the socket is down the page polls every few seconds and keeps
 * trying to reconnect, so a dropped connection or a restarted server never loses a message.
 */
(function () {
  "use strict";

  function csrf() {
    const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function api(method, url, body) {
    const opts = { method, headers: { "X-CSRFToken": csrf(), Accept: "application/json" }, credentials: "same-origin" };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(url, opts);
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const err = new Error((data && data.detail) || res.statusText || "error");
      err.status = res.status; err.data = data;
      throw err;
    }
    return data;
  }

  /* A socket that reconnects with a growing delay and tells `onHint(event)` / `onState(live)`. */
  function liveSocket(path, onHint, onState) {
    let ws = null, delay = 1000, closed = false, ping = null;
    function open() {
      if (closed) return;
      const proto = location.protocol === "https:" ? "wss://" : "ws://";
      try { ws = new WebSocket(proto + location.host + path); } catch (e) { return retry(); }
      ws.onopen = function () {
        delay = 1000; onState(true);
        ping = setInterval(function () { if (ws.readyState === 1) ws.send('{"type":"ping"}'); }, 25000);
      };
      ws.onmessage = function (e) {
        let data = {}; try { data = JSON.parse(e.data); } catch (err) { return; }
        if (data.type !== "pong") onHint(data);
      };
      ws.onclose = function (e) {
        clearInterval(ping); onState(false);
        if (e.code === 4401 || e.code === 4403) closed = true; // not allowed: polling (which also 404s) only
        retry();
      };
    }
    function retry() { if (!closed) { setTimeout(open, delay); delay = Math.min(delay * 2, 30000); } }
    open();
    return { close: function () { closed = true; if (ws) ws.close(); } };
  }

  /* Keeps `messages` of one conversation in step: fetch(after lastSeq) on each hint, on (re)connect and on
   * a poll while the socket is down. */
  function threadSync(base, onChange) {
    const state = { lastSeq: 0, messages: [], status: "", busy: false, again: false };
    async function pull() {
      if (state.busy) { state.again = true; return; }
      state.busy = true;
      try {
        for (;;) {
          const data = await api("GET", base + "/messages?after=" + state.lastSeq + "&limit=100");
          const known = new Set(state.messages.map(function (m) { return m.seq; }));
          data.items.forEach(function (m) { if (!known.has(m.seq)) state.messages.push(m); });
          state.messages.sort(function (a, b) { return a.seq - b.seq; });
          const last = data.items.length ? data.items[data.items.length - 1].seq : state.lastSeq;
          state.lastSeq = Math.max(state.lastSeq, last, data.items.length < 100 ? data.last_seq : 0);
          state.status = data.status;
          if (data.items.length < 100) break;
        }
        onChange(state);
      } catch (e) {
        onChange(state, e);
      } finally {
        state.busy = false;
        if (state.again) { state.again = false; pull(); }
      }
    }
    return { state, pull };
  }

  function poller(fn, isLive, ms) {
    return setInterval(function () { if (!isLive() && document.visibilityState !== "hidden") fn(); }, ms || 4000);
  }

  function fmtTime(iso) {
    const d = new Date(iso);
    const pad = function (n) { return String(n).padStart(2, "0"); };
    const today = new Date();
    const hm = pad(d.getHours()) + ":" + pad(d.getMinutes());
    return d.toDateString() === today.toDateString() ? hm : (d.getMonth() + 1) + "-" + d.getDate() + " " + hm;
  }

  function yuan(fen) { return "¥" + (Number(fen || 0) / 100).toFixed(2); }

  window.WSChat = { api, liveSocket, threadSync, poller, fmtTime, yuan, csrf };
})();
