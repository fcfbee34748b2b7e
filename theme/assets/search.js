/* Site search, the part every page loads: the header button, the dialog, the keyboard, ?q= links
 * and highlighting on the page a result leads to. Kept small; what searching needs loads when the
 * search is first opened: search-engine.js (Thai query handling, ranking, results) and the index,
 * search/index.js (written by coursebuild/render/site/search_index.py). Its looks are in osd.css.
 *
 * The same on both site engines (MkDocs + Material, Zensical): their own search is switched off in
 * mkdocs.yml, since neither finds words inside unspaced Thai. Scripts, not fetch(), load the engine
 * and the index, so search also works from file:// (the trainers' zip), where fetch() is refused.
 *
 * Keyboard: "/" or the header button opens; arrow keys move between the box and the results;
 * Enter opens a result (in the box: the first one); Esc closes, and focus goes back where it was.
 */
(function () {
  "use strict";

  if (window.osdSearch) return;

  var ROOT = new URL("..", document.currentScript.src).href;  /* this file is assets/search.js */
  var FILE = location.protocol === "file:";
  var SVG = "http://www.w3.org/2000/svg";
  /* Material Design Icons "magnify", as the engines draw their own search button. */
  var MAGNIFY = "M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5";

  var dialog = null, input = null, status = null, list = null;
  var opener = null, loading = null, engine = null, pending = false;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function icon() {
    var svg = document.createElementNS(SVG, "svg"), path = document.createElementNS(SVG, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    path.setAttribute("d", MAGNIFY);
    svg.appendChild(path);
    return svg;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = el("script", { src: src });
      script.onload = function () { resolve(); };
      script.onerror = function () { script.remove(); reject(new Error("cannot load " + src)); };
      document.body.appendChild(script);
    });
  }

  /* The engine and the index, once per visit (both stay loaded through instant navigation). */
  function loadEngine() {
    if (!loading) {
      loading = Promise.all([loadScript(ROOT + "assets/search-engine.js"), loadScript(ROOT + "search/index.js")])
        .then(function () {
          engine = window.osdSearchEngine.create(window.osdSearchIndex, { root: ROOT, file: FILE });
          return engine;
        });
      loading.catch(function () { loading = null; });  /* offline for a moment: try again next time */
    }
    return loading;
  }

  function build() {
    input = el("input", {
      id: "osd-search-input", "class": "osd-search__input", type: "search", autocomplete: "off",
      spellcheck: "false", enterkeyhint: "search", placeholder: "พิมพ์คำที่ต้องการค้นหา",
      "aria-describedby": "osd-search-status"
    });
    var close = el("button", { type: "button", "class": "osd-search__close", text: "ปิด" });
    var form = el("form", { "class": "osd-search__bar", role: "search" }, [
      el("label", { "for": "osd-search-input", id: "osd-search-label", "class": "osd-search__label", text: "ค้นหาบทเรียน" }),
      input, close]);
    status = el("p", { id: "osd-search-status", "class": "osd-search__status", role: "status" });
    list = el("ol", { "class": "osd-search__results", "aria-label": "ผลการค้นหา" });
    /* In the body, which the engines' instant navigation keeps from page to page. */
    dialog = el("dialog", { "class": "osd-search", "aria-labelledby": "osd-search-label" }, [form, status, list]);
    document.body.appendChild(dialog);

    input.addEventListener("input", schedule);
    close.addEventListener("click", function () { dialog.close(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) first.click();
    });
    dialog.addEventListener("keydown", keys);
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();  /* a tap on the backdrop */
      else if (event.target.closest && event.target.closest(".osd-search__results a")) dialog.close();
    });
    dialog.addEventListener("close", function () {
      document.documentElement.classList.remove("osd-search-open");
      var back = opener && opener.isConnected ? opener : document.querySelector(".osd-search-button");
      opener = null;
      if (back && back.focus) back.focus();
    });
  }

  function keys(event) {
    if (event.key === "Escape") {
      /* Also when the box has text: Chrome's first Esc in a search box would only clear it. */
      event.preventDefault();
      dialog.close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    var next = event.key === "ArrowDown" ? (at < 0 ? 0 : Math.min(at + 1, links.length - 1)) : at - 1;
    event.preventDefault();
    if (next < 0) input.focus();
    else links[next].focus();
  }

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; run(); });
  }

  function run() {
    if (!engine) {
      status.textContent = "กำลังโหลดการค้นหา…";
      loadEngine().then(run, function () {
        status.textContent = "โหลดการค้นหาไม่สำเร็จ ลองอีกครั้งเมื่อต่ออินเทอร์เน็ตได้";
      });
      return;
    }
    engine.show(input.value, list, status);
  }

  function open(query) {
    if (!dialog) build();
    if (!dialog.open) {
      opener = document.activeElement;
      dialog.showModal();
      document.documentElement.classList.add("osd-search-open");
      input.focus();
    }
    if (typeof query === "string") input.value = query;
    run();
    return loadEngine();
  }

  function addButton() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".osd-search-button")) return;
    var button = el("button", {
      type: "button", "class": "md-header__button md-icon osd-search-button", "aria-label": "ค้นหา",
      "aria-haspopup": "dialog", "aria-keyshortcuts": "/", title: "ค้นหา (/)"
    }, [icon()]);
    button.addEventListener("click", function () { open(); });
    header.insertBefore(button, header.querySelector(".md-header__source"));
  }

  /* Opened from the keyboard with "/", unless the trainee is typing somewhere. Captured on window,
     before the engines' own shortcut handlers see the key. */
  window.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || (dialog && dialog.open)) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    open();
  }, true);

  /* The words a result was found by (?h=), marked on the page it leads to. */
  function highlight() {
    var words = (new URLSearchParams(location.search).get("h") || "").split(/\s+/).filter(Boolean);
    var article = document.querySelector("article.md-content__inner");
    if (!words.length || !article || article.querySelector("mark[data-osd-highlight]")) return;
    words.sort(function (a, b) { return b.length - a.length; });
    var pattern = new RegExp(words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|"), "gi");
    var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest("script, style, mark, .headerlink") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode() && nodes.length < 500) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var text = node.nodeValue, at = 0, parts = [], match;
      pattern.lastIndex = 0;
      while ((match = pattern.exec(text))) {
        if (match.index > at) parts.push(document.createTextNode(text.slice(at, match.index)));
        parts.push(el("mark", { "data-osd-highlight": "", text: match[0] }));
        at = match.index + match[0].length;
      }
      if (!parts.length) return;
      if (at < text.length) parts.push(document.createTextNode(text.slice(at)));
      node.replaceWith.apply(node, parts);
    });
  }

  function onPage() {
    addButton();
    highlight();
    var query = new URLSearchParams(location.search).get("q");
    if (query) open(query);
  }

  /* For tests and bench/search.py: open, and the engine itself. */
  window.osdSearch = { open: open, engine: loadEngine };

  /* Every page view, including the engines' instant navigation (document$ in both). */
  function whenReady() {
    if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(onPage);
    else onPage();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", whenReady);
  else whenReady();
})();
