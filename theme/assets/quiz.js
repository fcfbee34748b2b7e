/* Interactive quizzes and progress, kept on the phone (localStorage).
 *
 * Runs on every page view, including Material's instant navigation (document$), so quizzes,
 * the home page list and the "ผ่านแล้ว 3/9" badge stay current without a full reload.
 * Progress is a self-check record on this device, not a credential.
 */
(function () {
  "use strict";

  var KEY_PREFIX = "osd-progress:";

  function courseConfig() {
    var el = document.getElementById("osd-config");
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function loadProgress(cfg) {
    try {
      var data = JSON.parse(localStorage.getItem(KEY_PREFIX + cfg.course) || "null");
      if (data && typeof data === "object" && data.quizzes) return data;
    } catch (e) { /* unreadable storage: start fresh */ }
    return { version: 1, quizzes: {} };
  }

  function saveProgress(cfg, data) {
    try { localStorage.setItem(KEY_PREFIX + cfg.course, JSON.stringify(data)); } catch (e) { /* private mode or full */ }
  }

  /* Shared with progress.js (the progress page), so there is one reader and writer of the format. */
  window.osdProgressStore = { config: courseConfig, load: loadProgress, save: saveProgress };

  function thaiDate(iso) {
    try {
      return new Date(iso).toLocaleDateString("th-TH", { year: "numeric", month: "short", day: "numeric" });
    } catch (e) { return iso.slice(0, 10); }
  }

  /* --- one quiz form ------------------------------------------------------------------- */

  function questionResult(fieldset) {
    var inputs = fieldset.querySelectorAll("input");
    var chosen = [], right = true;
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i], correct = input.hasAttribute("data-correct");
      if (input.checked) chosen.push(Number(input.value));
      if (input.checked !== correct) right = false;
    }
    return { chosen: chosen, correct: right && chosen.length > 0 };
  }

  function showQuestion(fieldset, chosen) {
    var inputs = fieldset.querySelectorAll("input");
    var right = true;
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i], correct = input.hasAttribute("data-correct");
      var selected = chosen.indexOf(Number(input.value)) >= 0;
      input.checked = selected;
      input.disabled = true;
      if (selected !== correct) right = false;
      var label = input.closest("label");
      var mark = label.querySelector("[data-choice-mark]");
      var state = "";
      if (selected && correct) state = "chosen-correct";
      else if (selected) state = "chosen-wrong";
      else if (correct) state = "missed";
      label.setAttribute("data-choice-state", state);
      /* Words, not only colour: the result must read in greyscale and to a screen reader. */
      mark.textContent = state === "chosen-correct" ? " ✓ คำตอบของคุณถูก"
        : state === "chosen-wrong" ? " ✗ คำตอบของคุณ"
        : state === "missed" ? " ← คำตอบที่ถูก" : "";
      var feedback = fieldset.querySelector('[data-feedback-for="' + input.value + '"]');
      if (feedback) feedback.hidden = !selected;
    }
    right = right && chosen.length > 0;
    fieldset.setAttribute("data-state", right ? "correct" : "incorrect");
    var verdict = fieldset.querySelector("[data-verdict]");
    verdict.textContent = right ? "✓ ถูกต้อง" : "✗ ยังไม่ถูกต้อง";
    verdict.hidden = false;
    var answer = fieldset.querySelector("[data-answer]");
    answer.hidden = false;
    answer.open = true;
    return right;
  }

  function resetQuestion(fieldset) {
    fieldset.removeAttribute("data-state");
    var inputs = fieldset.querySelectorAll("input");
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].checked = false;
      inputs[i].disabled = false;
      var label = inputs[i].closest("label");
      label.removeAttribute("data-choice-state");
      label.querySelector("[data-choice-mark]").textContent = "";
    }
    var feedback = fieldset.querySelectorAll("[data-feedback-for]");
    for (var j = 0; j < feedback.length; j++) feedback[j].hidden = true;
    fieldset.querySelector("[data-verdict]").hidden = true;
    var answer = fieldset.querySelector("[data-answer]");
    answer.open = false;
    answer.hidden = true;
  }

  function showScore(form, score, total, passMark) {
    var need = Math.ceil(total * passMark / 100);
    var passed = score >= need;
    form.querySelector("[data-quiz-result]").textContent = score + "/" + total;
    form.querySelector("[data-quiz-verdict]").textContent = passed
      ? "— ผ่านเกณฑ์แล้ว (ต้องได้อย่างน้อย " + need + " ข้อ)"
      : "— ยังไม่ผ่าน ต้องได้อย่างน้อย " + need + " ข้อ ลองทบทวนบทเรียนแล้วทำใหม่";
    form.querySelector("[data-quiz-score]").hidden = false;
    form.setAttribute("data-quiz-state", passed ? "passed" : "failed");
    form.querySelector("[data-quiz-submit]").hidden = true;
    form.querySelector("[data-quiz-retry]").hidden = false;
    return passed;
  }

  function setupQuiz(form, cfg) {
    if (form.getAttribute("data-quiz-ready")) return;
    form.setAttribute("data-quiz-ready", "true");
    form.classList.add("osd-quiz--js");
    var quizId = form.getAttribute("data-quiz-id");
    var passMark = Number(form.getAttribute("data-pass-mark"));
    var fieldsets = form.querySelectorAll("fieldset[data-question-id]");
    for (var i = 0; i < fieldsets.length; i++) fieldsets[i].querySelector("[data-answer]").hidden = true;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {}, score = 0, unanswered = 0;
      for (var i = 0; i < fieldsets.length; i++) {
        var result = questionResult(fieldsets[i]);
        if (!result.chosen.length) unanswered++;
      }
      if (unanswered && !window.confirm("ยังไม่ได้ตอบ " + unanswered + " ข้อ ส่งคำตอบเลยหรือไม่")) return;
      for (var k = 0; k < fieldsets.length; k++) {
        var chosen = questionResult(fieldsets[k]).chosen;
        answers[fieldsets[k].getAttribute("data-question-id")] = chosen;
        if (showQuestion(fieldsets[k], chosen)) score++;
      }
      var total = fieldsets.length;
      var passed = showScore(form, score, total, passMark);
      var data = loadProgress(cfg);
      var previous = data.quizzes[quizId] || {};
      var better = !previous.best || score / total >= previous.best.score / previous.best.total;
      var now = new Date().toISOString();
      data.quizzes[quizId] = {
        last: { score: score, total: total, passed: passed, date: now, answers: answers },
        best: better ? { score: score, total: total, passed: passed, date: now } : previous.best
      };
      saveProgress(cfg, data);
      renderProgress(cfg);
      form.querySelector("[data-quiz-result]").focus && form.querySelector("[data-quiz-score]").scrollIntoView({ block: "center" });
    });

    form.querySelector("[data-quiz-retry]").addEventListener("click", function () {
      for (var i = 0; i < fieldsets.length; i++) resetQuestion(fieldsets[i]);
      form.querySelector("[data-quiz-score]").hidden = true;
      form.removeAttribute("data-quiz-state");
      form.querySelector("[data-quiz-submit]").hidden = false;
      this.hidden = true;
      fieldsets[0].scrollIntoView({ block: "start" });
      var first = fieldsets[0].querySelector("input");
      if (first) first.focus({ preventScroll: true });
    });

    /* Coming back (reload or another visit): show the last attempt as it was submitted. */
    var saved = loadProgress(cfg).quizzes[quizId];
    if (saved && saved.last && saved.last.answers) {
      var score = 0;
      for (var j = 0; j < fieldsets.length; j++) {
        var id = fieldsets[j].getAttribute("data-question-id");
        if (showQuestion(fieldsets[j], saved.last.answers[id] || [])) score++;
      }
      showScore(form, score, fieldsets.length, passMark);
    }
  }

  /* --- progress shown around the site --------------------------------------------------- */

  function renderProgress(cfg) {
    var data = loadProgress(cfg);
    var quizIds = Object.keys(cfg.quizzes || {});
    var passed = quizIds.filter(function (id) {
      var q = data.quizzes[id];
      return q && q.best && q.best.passed;
    }).length;
    var summary = "ผ่านแล้ว " + passed + "/" + quizIds.length;

    var slots = document.querySelectorAll("[data-progress-summary]");
    for (var i = 0; i < slots.length; i++) slots[i].textContent = summary;

    var title = document.querySelector(".md-header__title");
    if (title && !document.querySelector(".md-header .osd-progress-badge")) {
      /* A link to the progress page; __md_scope is Material's site root, stable across instant navigation. */
      var badge = document.createElement("a");
      badge.className = "osd-progress-badge";
      badge.href = new URL("progress/", window.__md_scope || location.href).href;
      badge.title = "ความก้าวหน้าของฉัน";
      title.parentNode.insertBefore(badge, title.nextSibling);
    }
    var badges = document.querySelectorAll(".osd-progress-badge");
    for (var b = 0; b < badges.length; b++) badges[b].textContent = summary;

    var statuses = document.querySelectorAll("[data-module-progress]");
    for (var s = 0; s < statuses.length; s++) {
      var id = statuses[s].getAttribute("data-module-progress");
      var q = data.quizzes[id];
      var text = "";
      if (q && q.best) {
        text = (q.best.passed ? "✓ ผ่านแล้ว " : "ยังไม่ผ่าน ") + q.best.score + "/" + q.best.total +
          " (" + thaiDate(q.best.date) + ")";
      } else if (cfg.quizzes && cfg.quizzes[id]) {
        text = "ยังไม่ได้ทำแบบทดสอบ";
      }
      statuses[s].textContent = text;
      statuses[s].setAttribute("data-state", q && q.best ? (q.best.passed ? "passed" : "failed") : "todo");
    }

    /* A tick in the navigation beside each passed module and quiz. */
    var links = document.querySelectorAll(".md-nav__link[href]");
    for (var l = 0; l < links.length; l++) {
      var match = /(?:modules|quiz)\/([a-z0-9-]+)\/?(?:index\.html)?$/.exec(links[l].getAttribute("href"));
      if (!match) continue;
      var entry = data.quizzes[match[1]];
      links[l].classList.toggle("osd-nav--passed", !!(entry && entry.best && entry.best.passed));
    }
  }

  /* The progress page's script (export codes, QR, summary) is a third of our JavaScript: fetch
     it only on that page instead of on every lesson. */
  function loadProgressPage() {
    if (!document.querySelector("[data-osd-progress]") || document.getElementById("osd-progress-script")) return;
    var script = document.createElement("script");
    script.id = "osd-progress-script";
    script.src = new URL("assets/progress.js", window.__md_scope || location.href).href;
    document.body.appendChild(script);
  }

  function init() {
    var cfg = courseConfig();
    if (!cfg) return;
    loadProgressPage();
    var forms = document.querySelectorAll("form[data-quiz-id]");
    for (var i = 0; i < forms.length; i++) setupQuiz(forms[i], cfg);
    renderProgress(cfg);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
