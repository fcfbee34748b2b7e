/* Offline use of the course site: the service worker, its control on the home page, and the
 * "มีเนื้อหาใหม่" notice.
 *
 * Loaded in the head (theme/main.html), deferred like every script, so it never holds back the
 * first paint; the service worker registers once the page is parsed.
 *
 * - sw.js (written by coursebuild/offline.py) caches the whole course when first installed. The
 *   home page control shows the size before, progress during, and the cached state and content
 *   date after. With the phone's data saver on, nothing is downloaded until the trainee asks.
 * - A new version installs beside the old one and waits. The notice's button lets it take over,
 *   then every open page reloads, so no session shows old and new pages side by side.
 * - The engines' instant navigation swaps pages without loading them: we hook their document$ to
 *   redraw the control and to look for updates now and then.
 */
(function () {
  "use strict";

  var BASE = new URL("..", document.currentScript.src).href;  /* this file is assets/offline.js */
  var FILE = location.protocol === "file:";
  var CHECK_EVERY = 15 * 60 * 1000;
  var OPT_IN = "osd-offline-wanted";

  /* A folder address as it opens here: file:// shows folders as listings, not index.html. */
  function pageUrl(path) { return BASE + path + (FILE ? "index.html" : ""); }

  /* --- looks ------------------------------------------------------------------------------ */

  function addStyle() {
    if (document.getElementById("osd-offline-style")) return;
    var style = document.createElement("style");
    style.id = "osd-offline-style";
    style.textContent = [
      ".osd-offline{margin:1.2rem 0;padding:.7rem .9rem;border:1px solid #17365d40;border-radius:.3rem;background:#17365d0a}",
      ".osd-offline__title{margin:0;font-weight:700;color:var(--md-primary-fg-color,#17365d)}",
      ".osd-offline__state{margin:.3rem 0 0}",
      ".osd-offline .md-button{margin:.5rem 0 0}",
      ".osd-offline progress{display:block;width:100%;height:.6rem;margin:.5rem 0 0;accent-color:#17365d}",
      ".osd-offline__state[data-ok]{color:#1e6b3a;font-weight:600}",
      ".osd-offline__more{margin:.4rem 0 0;font-size:.9em}",
      ".osd-update{position:fixed;z-index:5;left:.5rem;right:.5rem;bottom:.5rem;margin:0 auto;max-width:30rem;",
      "display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .8rem;padding:.6rem .8rem;border-radius:.4rem;",
      "background:#17365d;color:#fff;box-shadow:0 .2rem .8rem #0000004d;font-size:.8rem;line-height:1.5}",
      ".osd-update__text{flex:1 1 10rem;margin:0}",
      "body.osd-has-update{padding-bottom:8rem}",  /* so the bar never hides the end of a page */
      ".osd-update__text strong{display:block;font-size:1.1em}",
      ".osd-update button{flex:none;min-height:2.4rem;padding:.3rem .9rem;border:0;border-radius:.2rem;",
      "background:#f2b632;color:#0f2542;font:inherit;font-weight:700;cursor:pointer}",
      ".osd-update button:focus-visible{outline:3px solid #fff;outline-offset:2px}"
    ].join("\n");
    /* In the body: Material's instant navigation drops head elements the next page lacks. */
    (document.body || document.documentElement).appendChild(style);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (attrs[name] !== null && attrs[name] !== false) node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function megabytes(bytes) {
    return Math.max(0.1, bytes / 1048576).toFixed(1) + "\u00a0MB";
  }

  function thaiDate(iso) {
    try {
      return new Date(iso + "T12:00:00").toLocaleDateString("th-TH", { year: "numeric", month: "short", day: "numeric" });
    } catch (e) { return iso; }
  }

  /* --- state, and the control on the home page ------------------------------------------- */

  var SUPPORTED = !FILE && "serviceWorker" in navigator && window.isSecureContext;
  var state = { phase: FILE ? "file" : SUPPORTED ? "checking" : window.isSecureContext ? "unsupported" : "insecure",
                info: null, progress: null, cached: null };
  var registration = null;
  var hadController = SUPPORTED && !!navigator.serviceWorker.controller;
  var reloading = false;
  var lastCheck = Date.now();

  function panel() {
    var list = document.querySelector("ol.osd-modules");
    if (!list) return null;
    var box = document.querySelector(".osd-offline");
    if (!box) {
      box = el("section", { "class": "osd-offline", "aria-labelledby": "osd-offline-title" });
      var anchor = document.getElementById("modules") || list;
      anchor.parentNode.insertBefore(box, anchor);
    }
    return box;
  }

  function render() {
    var box = panel();
    if (!box) return;
    addStyle();
    var size = state.cached ? state.cached.bytes : state.info ? state.info.bytes : state.progress ? state.progress.totalBytes : 0;
    var sizeText = size && state.phase !== "cached" ? " (" + megabytes(size) + ")" : "";
    var parts = [el("p", { "class": "osd-offline__title", id: "osd-offline-title", text: "ดาวน์โหลดไว้อ่านแบบออฟไลน์" + sizeText })];
    var what = "บทเรียน แบบทดสอบ และการค้นหา ใช้ได้แม้ไม่มีอินเทอร์เน็ต (ไม่รวมไฟล์ PDF)";
    if (state.phase === "cached") {
      parts.push(el("p", { "class": "osd-offline__state", "data-ok": true, text: "✓ เก็บไว้ในเครื่องแล้ว อ่านได้แม้ไม่มีอินเทอร์เน็ต" }));
      parts.push(el("p", { "class": "osd-offline__more", text: "เนื้อหาฉบับวันที่ " + thaiDate(state.cached.date) + " · ใช้พื้นที่ " + megabytes(state.cached.bytes) }));
    } else if (state.phase === "downloading") {
      var p = state.progress;
      var percent = p && p.total ? Math.floor(100 * p.done / p.total) : 0;
      parts.push(el("progress", { max: "100", value: String(percent), "aria-label": "ดาวน์โหลดแล้ว" }));
      parts.push(el("p", { "class": "osd-offline__state", role: "status", text: "กำลังดาวน์โหลด " + percent + "% อย่าเพิ่งปิดหน้านี้" }));
    } else if (state.phase === "idle" || state.phase === "failed") {
      parts.push(el("p", { "class": "osd-offline__state", text: state.phase === "failed"
        ? "ดาวน์โหลดไม่สำเร็จ (อินเทอร์เน็ตหลุดหรือเว็บไซต์กำลังอัปเดต) ลองอีกครั้งได้" : what }));
      var button = el("button", { type: "button", "class": "md-button md-button--primary", "data-offline-download": true,
        text: (state.phase === "failed" ? "ลองดาวน์โหลดอีกครั้ง" : "ดาวน์โหลด") + sizeText });
      button.addEventListener("click", download);
      parts.push(button);
    } else if (state.phase === "unsupported") {
      parts.push(el("p", { "class": "osd-offline__state", text: "เบราว์เซอร์นี้เก็บไว้อ่านแบบออฟไลน์ไม่ได้ ลองเปิดด้วย Chrome" }));
    } else if (state.phase === "insecure") {
      /* Browsers allow offline storage only on https (or this computer): e.g. not http://192.168.x.x */
      parts.push(el("p", { "class": "osd-offline__state", text: "เก็บไว้อ่านแบบออฟไลน์ได้เฉพาะเมื่อเปิดเว็บไซต์ผ่าน https" }));
    } else if (state.phase === "file") {
      parts.push(el("p", { "class": "osd-offline__state", "data-ok": true, text: "✓ ฉบับในเครื่อง เปิดจากไฟล์ ไม่ต้องใช้อินเทอร์เน็ต" }));
    } else {
      parts.push(el("p", { "class": "osd-offline__state", text: "กำลังตรวจสอบ…" }));
    }
    parts.push(el("p", { "class": "osd-offline__more" }, [
      el("a", { href: pageUrl("progress/"), text: "ความก้าวหน้าของฉัน และสรุปสำหรับวิทยากร →" })]));
    box.setAttribute("data-offline-state", state.phase);
    box.replaceChildren.apply(box, parts);
  }

  /* --- talking to the service worker ------------------------------------------------------ */

  function ask(worker, message) {
    return new Promise(function (resolve) {
      if (!worker) return resolve(null);
      var channel = new MessageChannel();
      var timer = setTimeout(function () { resolve(null); }, 5000);
      channel.port1.onmessage = function (event) { clearTimeout(timer); resolve(event.data); };
      worker.postMessage(message, [channel.port2]);
    });
  }

  function fetchInfo() {
    if (state.info) return Promise.resolve(state.info);
    return fetch(BASE + "offline.json", { cache: "no-cache" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .catch(function () { return null; })
      .then(function (info) { state.info = info; return info; });
  }

  function refresh() {
    return ask(registration && registration.active, { type: "STATUS" }).then(function (status) {
      if (status && status.complete) {
        state.phase = "cached";
        state.cached = status;
        state.progress = null;
      } else if (state.phase !== "downloading" && state.phase !== "failed") {
        state.phase = registration && (registration.installing || registration.active) ? "downloading" : "idle";
      }
      return state.phase === "cached" ? null : fetchInfo();
    }).then(render);
  }

  function watch(worker) {
    if (!worker || worker.osdWatched) return;
    worker.osdWatched = true;
    if (!registration.active) {
      state.phase = "downloading";
      render();
    }
    worker.addEventListener("statechange", function () {
      if (worker.state === "installed" && registration.waiting === worker) offerUpdate(worker);
      else if (worker.state === "activated") refresh();
      else if (worker.state === "redundant" && !registration.active) {
        state.phase = "failed";
        render();
      }
    });
  }

  function offerUpdate(worker) {
    if (!registration.active) return;
    /* A worker whose content is the same as ours takes over by itself: nothing to announce. */
    Promise.all([ask(worker, { type: "STATUS" }), ask(registration.active, { type: "STATUS" })]).then(function (s) {
      if (registration.waiting !== worker || (s[0] && s[1] && s[0].version === s[1].version)) return;
      showNotice(worker);
    });
  }

  function showNotice(worker) {
    addStyle();
    var old = document.querySelector(".osd-update");
    if (old) old.remove();
    var button = el("button", { type: "button", "data-update-refresh": true, text: "โหลดเนื้อหาใหม่" });
    var bar = el("div", { "class": "osd-update", role: "status", "aria-live": "polite" }, [
      el("p", { "class": "osd-update__text" }, [el("strong", { text: "มีเนื้อหาใหม่" }),
        document.createTextNode("กดปุ่มเพื่อเปลี่ยนเป็นบทเรียนฉบับล่าสุด")]),
      button]);
    button.addEventListener("click", function () {
      button.disabled = true;
      button.textContent = "กำลังโหลด…";
      reloading = true;
      worker.postMessage({ type: "SKIP_WAITING" });
      setTimeout(function () { location.reload(); }, 5000);  /* should the switch never come */
    });
    document.body.appendChild(bar);
    document.body.classList.add("osd-has-update");
  }

  function register() {
    return navigator.serviceWorker.register(BASE + "sw.js", { scope: BASE }).then(function (reg) {
      registration = reg;
      reg.addEventListener("updatefound", function () { watch(reg.installing); });
      watch(reg.installing);
      if (reg.waiting) offerUpdate(reg.waiting);
      return refresh();
    }, function () {
      state.phase = "failed";
      render();
    });
  }

  function download() {
    try { localStorage.setItem(OPT_IN, "1"); } catch (e) { /* private mode: ask again next time */ }
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    state.phase = "downloading";
    render();
    if (!registration) return register();
    return registration.update().then(refresh, function () {
      state.phase = "failed";
      render();
    });
  }

  function wantsData() {
    var saver = navigator.connection && navigator.connection.saveData;
    var asked = false;
    try { asked = localStorage.getItem(OPT_IN) === "1"; } catch (e) { /* treat as not asked */ }
    return !saver || asked || !!navigator.serviceWorker.controller;
  }

  function start() {
    if (wantsData()) {
      register();
    } else {
      state.phase = "idle";
      fetchInfo().then(render);
    }
  }

  if (SUPPORTED) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "osd-offline-progress" && state.phase !== "cached" && state.phase !== "failed") {
        state.phase = "downloading";
        state.progress = data;
        render();
      } else if (data.type === "osd-offline-ready") {
        refresh();
      } else if (data.type === "osd-offline-failed" && !(registration && registration.active)) {
        state.phase = "failed";
        render();
      }
    });
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (reloading) return location.reload();
      if (!hadController) {  /* the first install took this page over: same content, no reload */
        hadController = true;
        return refresh();
      }
      /* Another tab switched to a new version: reload, or this page would mix old and new. */
      var before = state.cached && state.cached.version;
      ask(navigator.serviceWorker.controller, { type: "STATUS" }).then(function (status) {
        if (!status || status.version !== before) location.reload();
        else refresh();
      });
    });
    navigator.serviceWorker.startMessages();
    if (document.readyState === "complete") start();
    else window.addEventListener("load", start);
  }

  /* --- every page view, including Material's instant navigation --------------------------- */

  function onPage() {
    render();
    if (registration && Date.now() - lastCheck > CHECK_EVERY) {
      lastCheck = Date.now();
      registration.update().catch(function () { /* offline: try again later */ });
    }
  }

  function whenReady() {
    if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(onPage);
    else onPage();
  }

  /* Deferred and first in the page, this runs before Material's bundle has made document$:
     DOMContentLoaded comes after every deferred script. */
  if (document.readyState === "complete") whenReady();
  else document.addEventListener("DOMContentLoaded", whenReady);
})();
