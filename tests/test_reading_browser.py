"""Reading for everyone (issue 16), in real Chromium at 360×740: text size and Thai read-aloud.

Chromium here has no Thai voice, so speechSynthesis is replaced before any page script runs by a
stub that records what would be spoken; each utterance ends only when the test says so.
"""
from __future__ import annotations

import json

from test_site_browser import site_pages

THAI_VOICE = {"name": "Thai (Thailand)", "lang": "th-TH", "localService": True, "default": False, "voiceURI": "th-TH"}
ENGLISH_VOICE = {"name": "English (US)", "lang": "en-US", "localService": True, "default": True, "voiceURI": "en-US"}

_STUB = """
(() => {
  const listeners = {};
  const state = {voices: %s, spoken: [], current: null, queue: []};
  window.__speech = state;
  const synth = {
    get speaking() { return !!state.current; }, paused: false, pending: false,
    getVoices() { return state.voices.slice(); },
    speak(u) { state.queue.push(u); if (!state.current) synth._next(); },
    _next() {
      state.current = state.queue.shift() || null;
      if (state.current) state.spoken.push({text: state.current.text, lang: state.current.lang,
                                            voice: state.current.voice && state.current.voice.lang});
    },
    cancel() {
      const u = state.current; state.current = null; state.queue = [];
      if (u && u.onerror) u.onerror({error: 'interrupted'});  /* as Chrome reports a cancelled utterance */
    },
    pause() {}, resume() {},
    addEventListener(type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
    removeEventListener() {},
  };
  /* The test's hands: end the utterance being spoken; let voices arrive late. */
  window.__endUtterance = () => { const u = state.current; synth._next(); if (u && u.onend) u.onend({}); };
  window.__setVoices = (voices) => {
    state.voices = voices; (listeners.voiceschanged || []).forEach(fn => fn(new Event('voiceschanged')));
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; this.voice = null; };
})();
"""


def stub_speech(page, voices: list[dict]) -> None:
    page.add_init_script(_STUB % json.dumps(voices))


def spoken(page) -> list[str]:
    return [u["text"] for u in page.evaluate("window.__speech.spoken")]


def body_font_size(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# --- text size -------------------------------------------------------------------------------

def test_text_two_steps_larger_reflows_and_survives_reload_and_instant_navigation(sample_site, phone):
    _, url = sample_site
    phone.goto(url + "modules/fake-news/")
    default = body_font_size(phone)
    menu = phone.locator(".md-header [data-text-size-menu]")
    assert menu.is_visible() and menu.bounding_box()["x"] + menu.bounding_box()["width"] <= 360
    menu.click()
    up = phone.locator('.md-header [data-text-size="up"]')
    assert up.is_visible() and "ใหญ่ขึ้น" in up.inner_text()
    up.click()
    up.click()
    assert phone.locator("[data-text-size-value]").inner_text() == "150%"
    assert up.is_disabled(), "150% is the largest step"
    assert body_font_size(phone) >= 1.5 * default - 0.01
    assert sideways(phone) <= 0
    assert phone.evaluate("localStorage.getItem('osd-text-size')") == "2"

    phone.reload()
    assert body_font_size(phone) >= 1.5 * default - 0.01
    phone.locator("[data-text-size-menu]").click()
    assert phone.locator("[data-text-size-value]").inner_text() == "150%"

    # Material's instant navigation swaps the page without loading it: the size stays.
    phone.evaluate("window.__marker = 'same-document'")
    phone.locator("a.md-button[href$='quiz/fake-news/']").click()
    phone.wait_for_selector("form[data-quiz-id='fake-news']")
    assert phone.evaluate("window.__marker") == "same-document", "expected an instant navigation"
    assert phone.evaluate("document.documentElement.getAttribute('data-osd-text-step')") == "2"
    assert body_font_size(phone) >= 1.5 * default - 0.01
    assert phone.locator(".md-header [data-text-size-menu]").count() == 1
    assert sideways(phone) <= 0

    phone.locator("[data-text-size-menu]").click()
    down = phone.locator('[data-text-size="down"]')
    for _ in range(3):
        down.click()
    assert phone.locator("[data-text-size-value]").inner_text() == "90%"
    assert down.is_disabled() and body_font_size(phone) < default


def test_text_size_is_applied_before_the_page_scripts_run(sample_site, phone):
    """The head sets the size itself, so the page is never drawn at the old size first."""
    _, url = sample_site
    phone.goto(url)
    phone.evaluate("localStorage.setItem('osd-text-size', '1')")
    phone.route("**/assets/reading.js", lambda route: route.abort())
    phone.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())
    phone.goto(url + "modules/fake-news/")
    assert phone.evaluate("document.documentElement.getAttribute('data-osd-text-step')") == "1"
    assert phone.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--osd-text-scale').trim()") == "1.25"


def test_nothing_scrolls_sideways_at_the_largest_step_on_any_page(sample_site, minimal_site, phone):
    failures = []
    for root, url in (sample_site, minimal_site):
        phone.goto(url)
        phone.evaluate("localStorage.setItem('osd-text-size', '2')")
        for path in site_pages(root):
            phone.goto(url + path)
            if sideways(phone) > 0:
                failures.append(f"{url}{path}: {sideways(phone)}px wider than the phone")
            # Scrolling regions inside the page count too (a table wider than its box).
            wide = phone.evaluate("""[...document.querySelectorAll('article *')]
                .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'
                             && e.clientWidth > 20)  /* not visually hidden parts */
                .map(e => e.className || e.tagName)""")
            failures += [f"{url}{path}: {w} scrolls sideways" for w in wide]
    assert not failures, "\n".join(failures)


def test_tables_are_labelled_regions_the_keyboard_reaches_and_become_cards_when_large(sample_site, phone):
    _, url = sample_site
    phone.goto(url + "modules/fake-news/")
    region = phone.locator(".osd-table").first
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label").startswith("ตาราง 1: รูปแบบ")
    assert phone.locator("table").first.evaluate("t => getComputedStyle(t).display") == "table"
    phone.evaluate("localStorage.setItem('osd-text-size', '2')")
    phone.reload()
    cell = phone.locator(".osd-table td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert cell.evaluate("td => getComputedStyle(td, '::before').content").startswith('"รูปแบบ"')


# --- read-aloud ------------------------------------------------------------------------------

def test_read_aloud_speaks_the_lesson_in_thai_and_highlights_each_part(sample_site, phone):
    _, url = sample_site
    stub_speech(phone, [ENGLISH_VOICE, THAI_VOICE])
    phone.goto(url + "modules/fake-news/")
    start = phone.locator("[data-read-aloud]")
    assert start.is_visible() and "ฟังบทเรียน" in start.inner_text()
    start.click()
    said = phone.evaluate("window.__speech.spoken")
    assert said[0]["text"] == "3. รู้เท่าทันสื่อและข่าวปลอม" and said[0]["voice"] == "th-TH"
    assert phone.locator("h1.osd-reading").count() == 1
    for _ in range(8):
        phone.evaluate("window.__endUtterance()")
    texts = spoken(phone)
    assert any("หยุด–ตรวจสอบ–แชร์" in t for t in texts), texts  # an objective
    assert any(t.startswith("การช่วยต่อต้านข่าวปลอม") for t in texts), texts  # the lesson's first paragraph
    reading = phone.locator(".osd-reading")
    assert reading.count() == 1 and reading.inner_text().replace("¶", "").strip() == texts[-1]
    assert not any("ผ่านแล้ว" in t or "ค้นหา" in t or "ฟังบทเรียน" in t for t in texts), "read navigation or controls"

    # Pause keeps the place; continue starts that part again; stop forgets it.
    phone.locator("[data-read-aloud-pause]").click()
    assert "หยุดไว้" in phone.locator("[data-read-aloud-status]").inner_text()
    count = len(spoken(phone))
    phone.locator("[data-read-aloud]").click()
    assert spoken(phone)[count] == texts[-1]
    phone.locator("[data-read-aloud-stop]").click()
    assert phone.locator(".osd-reading").count() == 0
    assert phone.locator("[data-read-aloud]").inner_text().strip() == "🔊 ฟังบทเรียน"


def test_read_aloud_reads_every_lesson_block_and_nothing_from_trainer_notes(minimal_site, phone):
    root, url = minimal_site
    stub_speech(phone, [THAI_VOICE])
    phone.goto(url + "modules/first-steps/")
    phone.locator("[data-read-aloud]").click()
    for _ in range(200):
        if phone.locator("[data-read-aloud-stop]").is_hidden():
            break
        phone.evaluate("window.__endUtterance()")
    text = " ".join(spoken(phone))
    assert "ความลับของวิทยากร" not in text  # the fixture's trainer note
    assert "ภาพ: แผนภาพสามขั้น หยุด ตรวจสอบ แชร์" in spoken(phone)  # the picture, by its description
    article = phone.evaluate("""(() => {
        const a = document.querySelector('article').cloneNode(true);
        a.querySelectorAll('.osd-read-aloud, .osd-next, .osd-module-facts, .headerlink, nav').forEach(e => e.remove());
        return a.innerText; })()""")
    words = [w for w in article.split() if len(w) > 3]
    missing = [w for w in words if w not in text]
    assert len(missing) <= 0.02 * len(words), missing


def test_quiz_question_and_its_choices_are_read(sample_site, phone):
    _, url = sample_site
    stub_speech(phone, [THAI_VOICE])
    phone.goto(url + "quiz/fake-news/")
    buttons = phone.locator("fieldset[data-question-id] .osd-read-question")
    assert buttons.count() == phone.locator("fieldset[data-question-id]").count()
    buttons.nth(1).click()
    fieldset = phone.locator("fieldset[data-question-id]").nth(1)
    assert "osd-reading" in fieldset.get_attribute("class")
    for _ in range(5):  # long text is spoken in pieces of at most 280 characters
        phone.evaluate("window.__endUtterance()")
    said = " ".join(spoken(phone))
    assert fieldset.locator("legend").inner_text().split("\n")[-1].strip()[:20] in said
    for choice in fieldset.locator(".osd-choice__text").all_inner_texts():
        assert choice.strip() in said
    assert said.count("ตัวเลือก") == fieldset.locator(".osd-choice__text").count()


def test_no_read_aloud_control_without_a_thai_voice(sample_site, phone):
    _, url = sample_site
    stub_speech(phone, [ENGLISH_VOICE])
    for path in ("modules/fake-news/", "quiz/fake-news/"):
        phone.goto(url + path)
        phone.wait_for_timeout(200)
        assert phone.locator("[data-read-aloud]").count() == 0, path


def test_read_aloud_appears_when_the_thai_voice_loads_late(sample_site, phone):
    """Android lists its voices a moment after the page loads and says so with voiceschanged."""
    _, url = sample_site
    stub_speech(phone, [])
    phone.goto(url + "modules/fake-news/")
    assert phone.locator("[data-read-aloud]").count() == 0
    phone.evaluate(f"window.__setVoices([{json.dumps(ENGLISH_VOICE)}, {json.dumps(THAI_VOICE)}])")
    assert phone.locator("[data-read-aloud]").is_visible()
