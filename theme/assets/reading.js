/* Reading for everyone (issue 16): text size in the header, and lessons read aloud in Thai.
 *
 * Text size. The step (-1 … 2) is kept in this phone's localStorage ("osd-text-size") and set on
 * <html data-osd-text-step> before the first paint by theme/partials/osd-text-size.html;
 * assets/reading.css turns it into a scale for the page's text. This script draws the header
 * control ([data-text-size="down"|"up"]) once: Material's instant navigation keeps the header.
 *
 * Read-aloud. The Web Speech API (speechSynthesis) with a voice whose lang starts with "th",
 * spoken on the phone itself. The controls appear only when such a voice exists; voices load late
 * on Android, so "voiceschanged" is watched. A lesson is read from its title to its last
 * paragraph, one block at a time, the block being read highlighted and scrolled into view; a quiz
 * gets a button per question that reads the question and its choices. "Pause" stops after
 * remembering where it was (Android's speechSynthesis.pause() is unreliable), "continue" starts
 * again from that block, "stop" forgets it. Nothing is sent anywhere by this script.
 */
(function () {
  "use strict";

  var KEY = "osd-text-size";
  var STEPS = [-1, 0, 1, 2];
  var PERCENT = { "-1": 90, "0": 100, "1": 125, "2": 150 };

  /* --- text size ----------------------------------------------------------------------- */

  function currentStep() {
    var step = parseInt(document.documentElement.getAttribute("data-osd-text-step") || "0", 10);
    return STEPS.indexOf(step) >= 0 ? step : 0;
  }

  function setStep(step) {
    if (step === 0) document.documentElement.removeAttribute("data-osd-text-step");
    else document.documentElement.setAttribute("data-osd-text-step", String(step));
    try {
      if (step === 0) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, String(step));
    } catch (e) { /* private mode or full: the size lasts for this page only */ }
    updateControl();
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function updateControl() {
    var step = currentStep();
    var down = document.querySelector('[data-text-size="down"]');
    var up = document.querySelector('[data-text-size="up"]');
    var value = document.querySelector("[data-text-size-value]");
    if (down) down.disabled = step === STEPS[0];
    if (up) up.disabled = step === STEPS[STEPS.length - 1];
    if (value) value.textContent = PERCENT[step] + "%";
  }

  function drawTextSizeControl() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".osd-text-size")) return;
    var box = el("div", { "class": "osd-text-size" });
    var toggle = el("button", { type: "button", "class": "osd-text-size__toggle", "aria-expanded": "false",
                                "aria-controls": "osd-text-size-panel", title: "ขนาดตัวอักษร", "data-text-size-menu": "" });
    var icon = el("span", { "class": "osd-text-size__icon", "aria-hidden": "true" });
    icon.appendChild(el("span", { "class": "osd-text-size__small" }, "ก"));
    icon.appendChild(el("span", { "class": "osd-text-size__big" }, "ก"));
    toggle.appendChild(icon);
    toggle.appendChild(el("span", { "class": "osd-visually-hidden" }, "ขนาดตัวอักษร"));
    var panel = el("div", { id: "osd-text-size-panel", "class": "osd-text-size__panel", role: "group",
                            "aria-labelledby": "osd-text-size-label", hidden: "" });
    panel.appendChild(el("span", { id: "osd-text-size-label", "class": "osd-text-size__label" }, "ขนาดตัวอักษร"));
    var buttons = el("div", { "class": "osd-text-size__buttons" });
    /* The visible words are the whole name, so voice control users can say what they see. */
    var down = el("button", { type: "button", "data-text-size": "down" }, "ก− เล็กลง");
    var value = el("span", { "class": "osd-text-size__value", "data-text-size-value": "", role: "status",
                             "aria-live": "polite" });
    var up = el("button", { type: "button", "data-text-size": "up" }, "ก+ ใหญ่ขึ้น");
    buttons.appendChild(down);
    buttons.appendChild(value);
    buttons.appendChild(up);
    panel.appendChild(buttons);
    box.appendChild(toggle);
    box.appendChild(panel);

    function open(show) {
      panel.hidden = !show;
      toggle.setAttribute("aria-expanded", show ? "true" : "false");
    }
    toggle.addEventListener("click", function () { open(panel.hidden); });
    down.addEventListener("click", function () { setStep(Math.max(STEPS[0], currentStep() - 1)); });
    up.addEventListener("click", function () { setStep(Math.min(STEPS[STEPS.length - 1], currentStep() + 1)); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) { open(false); toggle.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (!panel.hidden && !box.contains(event.target)) open(false);
    });

    /* Before search, so the search button stays where it always is, at the right edge. */
    var search = header.querySelector('label[for="__search"]');
    header.insertBefore(box, search || null);
    updateControl();
  }

  /* Another tab changed the size: follow it. */
  window.addEventListener("storage", function (event) {
    if (event.key !== KEY) return;
    var step = parseInt(event.newValue || "0", 10);
    setStep(STEPS.indexOf(step) >= 0 ? step : 0);
  });

  /* --- read-aloud ---------------------------------------------------------------------- */

  var speech = window.speechSynthesis;
  var Utterance = window.SpeechSynthesisUtterance;
  /* What is read of a lesson, block by block; never navigation, buttons or our own controls. */
  var BLOCKS = "h1, h2, h3, h4, p, li, dt, dd, th, td, figcaption, .admonition-title, summary, img[alt]";
  var SKIP = ".osd-read-aloud, .osd-read-question, .osd-next, .osd-module-facts, .headerlink, script, style, " +
             "nav, button, [hidden], [aria-hidden='true'], .md-source-file, .osd-quiz";
  var MAX_CHARS = 280;  /* long utterances stop half-way on some engines: cut at a space */

  var reader = { blocks: [], index: 0, state: "idle", token: 0 };

  function thaiVoice() {
    if (!speech || !Utterance) return null;
    var voices = speech.getVoices() || [];
    var thai = voices.filter(function (v) { return /^th(\b|[-_])/i.test(v.lang || "") || (v.lang || "").toLowerCase() === "th"; });
    /* A voice on the phone itself first: a network voice sends the text to the voice's maker. */
    thai.sort(function (a, b) { return (b.localService ? 1 : 0) - (a.localService ? 1 : 0); });
    return thai[0] || null;
  }

  function blockText(node) {
    /* A picture is read by its description, as a screen reader would. */
    if (node.tagName === "IMG") return node.alt.trim() ? "ภาพ: " + node.alt.trim() : "";
    var copy = node.cloneNode(true);
    var inner = copy.querySelectorAll(BLOCKS + ", " + SKIP);
    for (var i = 0; i < inner.length; i++) if (inner[i].parentNode) inner[i].parentNode.removeChild(inner[i]);
    return (copy.textContent || "").replace(/\s+/g, " ").trim();
  }

  function lessonBlocks(root) {
    var found = [];
    var nodes = root.querySelectorAll(BLOCKS);
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].closest(SKIP)) continue;
      /* A closed block (??? in the lesson) is read by its title only, as it is shown. */
      var details = nodes[i].closest("details");
      if (details && !details.open && !nodes[i].closest("summary")) continue;
      var text = blockText(nodes[i]);
      if (text) found.push({ node: nodes[i], text: text });
    }
    return found;
  }

  function pieces(text) {
    var out = [];
    while (text.length > MAX_CHARS) {
      var cut = text.lastIndexOf(" ", MAX_CHARS);
      if (cut < MAX_CHARS / 2) cut = MAX_CHARS;
      out.push(text.slice(0, cut));
      text = text.slice(cut).trim();
    }
    if (text) out.push(text);
    return out;
  }

  function mark(node) {
    var old = document.querySelectorAll(".osd-reading");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("osd-reading");
    if (!node) return;
    node.classList.add("osd-reading");
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    node.scrollIntoView({ block: "center", behavior: reduce ? "auto" : "smooth" });
  }

  function speak(text, voice, done) {
    var parts = pieces(text);
    var token = reader.token;
    (function next(i) {
      if (token !== reader.token) return;
      if (i >= parts.length) return done();
      var u = new Utterance(parts[i]);
      u.voice = voice;
      u.lang = voice.lang;
      u.rate = 0.9;
      u.onend = function () { next(i + 1); };
      u.onerror = function () { if (token === reader.token) stop(); };
      speech.speak(u);
    })(0);
  }

  function readFrom(index) {
    var voice = thaiVoice();
    if (!voice || index >= reader.blocks.length) return stop();
    reader.index = index;
    reader.state = "reading";
    updateReader();
    var block = reader.blocks[index];
    mark(block.node);
    speak(block.text, voice, function () { readFrom(index + 1); });
  }

  function halt() {
    reader.token++;
    if (speech) speech.cancel();
  }

  function stop() {
    halt();
    reader.state = "idle";
    reader.index = 0;
    mark(null);
    updateReader();
  }

  function pause() {
    halt();
    reader.state = "paused";
    updateReader();
  }

  function updateReader() {
    var bar = document.querySelector(".osd-read-aloud");
    if (!bar) return;
    bar.setAttribute("data-state", reader.state);
    var start = bar.querySelector("[data-read-aloud]");
    start.textContent = reader.state === "paused" ? "▶ อ่านต่อ" : "🔊 ฟังบทเรียน";
    start.hidden = reader.state === "reading";
    bar.querySelector("[data-read-aloud-pause]").hidden = reader.state !== "reading";
    bar.querySelector("[data-read-aloud-stop]").hidden = reader.state === "idle";
    bar.querySelector("[data-read-aloud-status]").textContent =
      reader.state === "reading" ? "กำลังอ่าน ส่วนที่ " + (reader.index + 1) + " จาก " + reader.blocks.length :
      reader.state === "paused" ? "หยุดไว้ที่ส่วนที่ " + (reader.index + 1) : "";
  }

  function lessonRoot() {
    /* Lesson pages carry the facts line (duration, quiz) that the build writes under the title. */
    var facts = document.querySelector("article .osd-module-facts");
    return facts ? facts.closest("article") : null;
  }

  function drawLessonReader(root) {
    if (root.querySelector(".osd-read-aloud")) return;
    var bar = el("div", { "class": "osd-read-aloud", role: "group", "aria-label": "ฟังบทเรียน" });
    var start = el("button", { type: "button", "data-read-aloud": "" }, "🔊 ฟังบทเรียน");
    var pauseButton = el("button", { type: "button", "data-read-aloud-pause": "", hidden: "" }, "⏸ หยุดชั่วคราว");
    var stopButton = el("button", { type: "button", "data-read-aloud-stop": "", hidden: "" }, "⏹ หยุดอ่าน");
    var status = el("p", { "class": "osd-read-aloud__status", "data-read-aloud-status": "", role: "status" });
    bar.appendChild(start);
    bar.appendChild(pauseButton);
    bar.appendChild(stopButton);
    bar.appendChild(status);
    start.addEventListener("click", function () {
      if (reader.state !== "paused") reader.blocks = lessonBlocks(root);
      halt();
      readFrom(reader.state === "paused" ? reader.index : 0);
    });
    pauseButton.addEventListener("click", pause);
    stopButton.addEventListener("click", stop);
    var title = root.querySelector("h1");
    root.insertBefore(bar, title ? title.nextSibling : root.firstChild);
    updateReader();
  }

  function questionText(fieldset) {
    var legend = fieldset.querySelector("legend");
    var parts = [legend ? blockText(legend) : ""];
    var choices = fieldset.querySelectorAll(".osd-choice__text");
    var letters = "กขคงจฉชซฌญ";
    for (var i = 0; i < choices.length; i++) {
      parts.push("ตัวเลือก " + (letters[i] || i + 1) + ". " + blockText(choices[i]));
    }
    return parts.join(" … ");
  }

  function drawQuestionReaders() {
    var fieldsets = document.querySelectorAll("form[data-quiz-id] fieldset[data-question-id]");
    for (var i = 0; i < fieldsets.length; i++) {
      (function (fieldset) {
        if (fieldset.querySelector(".osd-read-question")) return;
        var number = fieldset.querySelector(".osd-question__number");
        var button = el("button", { type: "button", "class": "osd-read-question", "data-read-aloud": "question",
                                    "aria-label": "ฟังคำถาม" + (number ? " " + number.textContent.trim() : "") + " และตัวเลือก" },
                        "🔊 ฟังคำถาม");
        button.addEventListener("click", function () {
          var voice = thaiVoice();
          if (!voice) return;
          halt();
          reader.state = "question";
          mark(fieldset);
          speak(questionText(fieldset), voice, function () { reader.state = "idle"; mark(null); });
        });
        var legend = fieldset.querySelector("legend");
        fieldset.insertBefore(button, legend ? legend.nextSibling : fieldset.firstChild);
      })(fieldsets[i]);
    }
  }

  function removeReaders() {
    var nodes = document.querySelectorAll(".osd-read-aloud, .osd-read-question");
    for (var i = 0; i < nodes.length; i++) nodes[i].parentNode.removeChild(nodes[i]);
  }

  function drawReaders() {
    if (!thaiVoice()) { removeReaders(); return; }
    var root = lessonRoot();
    if (root) drawLessonReader(root);
    drawQuestionReaders();
  }

  /* --- every page view, including Material's instant navigation ---------------------------- */

  function onPage() {
    drawTextSizeControl();
    if (reader.state !== "idle") stop();  /* a new page: stop reading the old one */
    reader.blocks = [];
    drawReaders();
  }

  if (speech && typeof speech.addEventListener === "function") speech.addEventListener("voiceschanged", drawReaders);
  else if (speech) speech.onvoiceschanged = drawReaders;

  function start() {
    if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(onPage);
    else onPage();
  }

  /* Deferred like Material's bundle, after it in the page: document$ exists by DOMContentLoaded. */
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
