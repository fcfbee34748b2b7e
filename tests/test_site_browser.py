"""What a trainee touches, in real Chromium at 360×740: quizzes, progress, layout, requests."""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


def site_pages(root: Path) -> list[str]:
    """Every HTML page of the built site as a URL path."""
    site = root / "site"
    pages = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return pages


def answer(page, quiz_root, question_id: str, choice_texts: list[str]) -> None:
    fieldset = quiz_root.locator(f'fieldset[data-question-id="{question_id}"]')
    for text in choice_texts:
        fieldset.locator("label", has_text=text).click()


def test_quiz_flow_scores_and_survives_reload(minimal_site, phone):
    root, url = minimal_site
    phone.goto(url + "quiz/first-steps/")
    form = phone.locator("form[data-quiz-id='first-steps']")
    # Without an answer, the explanations stay hidden so the trainee cannot peek.
    assert not form.locator("[data-answer]").first.is_visible()
    answer(phone, form, "role", ["ฟังและแนะนำช่องทางที่ถูกต้อง"])
    answer(phone, form, "share", ["ถูก"])  # wrong on purpose
    answer(phone, form, "channels", ["สายด่วน 1441", "thaipoliceonline.go.th"])
    form.locator("[data-quiz-submit]").click()

    assert form.locator("[data-quiz-result]").inner_text() == "2/3"
    assert form.locator('fieldset[data-question-id="role"]').get_attribute("data-state") == "correct"
    assert form.locator('fieldset[data-question-id="share"]').get_attribute("data-state") == "incorrect"
    assert form.locator('fieldset[data-question-id="channels"]').get_attribute("data-state") == "correct"
    # The explanation shows after submitting, and the result is announced politely.
    assert form.locator('fieldset[data-question-id="share"] [data-answer]').is_visible()
    assert "ตรวจสอบก่อนแชร์ทุกครั้ง" in form.locator('fieldset[data-question-id="share"]').inner_text()
    assert form.locator("[aria-live=polite]").count() == 1
    # 2/3 is below a 70% pass mark (needs 3 of 3).
    assert "ยังไม่ผ่าน" in form.locator("[data-quiz-score]").inner_text()

    phone.reload()
    form = phone.locator("form[data-quiz-id='first-steps']")
    assert form.locator("[data-quiz-result]").inner_text() == "2/3"
    assert form.locator('fieldset[data-question-id="share"]').get_attribute("data-state") == "incorrect"

    # Try again: everything clears, and a perfect score passes.
    form.locator("[data-quiz-retry]").click()
    assert form.locator('fieldset[data-question-id="share"]').get_attribute("data-state") is None
    answer(phone, form, "role", ["ฟังและแนะนำช่องทางที่ถูกต้อง"])
    answer(phone, form, "share", ["ผิด"])
    answer(phone, form, "channels", ["สายด่วน 1441", "thaipoliceonline.go.th"])
    form.locator("[data-quiz-submit]").click()
    assert form.locator("[data-quiz-result]").inner_text() == "3/3"
    assert "ผ่านเกณฑ์แล้ว" in form.locator("[data-quiz-score]").inner_text()


def test_wrong_choice_feedback_is_shown(minimal_site, phone):
    _, url = minimal_site
    phone.goto(url + "quiz/first-steps/")
    form = phone.locator("form[data-quiz-id='first-steps']")
    answer(phone, form, "role", ["ขอรหัสผ่านของเพื่อนบ้าน"])
    phone.once("dialog", lambda dialog: dialog.accept())  # "not all answered, submit anyway?"
    form.locator("[data-quiz-submit]").click()
    role = form.locator('fieldset[data-question-id="role"]')
    assert "ห้ามขอรหัสผ่านของผู้อื่นเด็ดขาด" in role.inner_text()
    assert "คำตอบที่ถูก" in role.inner_text()  # said in words, not only by colour


def test_quiz_works_after_instant_navigation_and_progress_shows(minimal_site, phone):
    _, url = minimal_site
    phone.goto(url)
    assert phone.locator(".osd-progress-badge").inner_text() == "ผ่านแล้ว 0/2"
    # Follow links inside the page: Material's instant navigation swaps content without reload.
    phone.evaluate("window.__marker = 'same-document'")
    phone.locator(".osd-modules a[href$='quiz/fake-news/']").click()
    phone.wait_for_selector("form[data-quiz-id='fake-news']")
    assert phone.evaluate("window.__marker") == "same-document", "expected an instant (in-page) navigation"
    form = phone.locator("form[data-quiz-id='fake-news']")
    answer(phone, form, "first-step", ["หยุดและตรวจสอบ"])
    form.locator("[data-quiz-submit]").click()
    assert form.locator("[data-quiz-result]").inner_text() == "1/1"
    assert phone.locator(".osd-progress-badge").inner_text() == "ผ่านแล้ว 1/2"

    phone.goto(url)
    status = phone.locator('[data-module-progress="fake-news"]').first
    assert "ผ่านแล้ว 1/1" in status.inner_text()
    assert phone.locator('[data-module-progress="first-steps"]').first.inner_text() == "ยังไม่ได้ทำแบบทดสอบ"


def test_quiz_without_javascript_shows_questions_and_answers(minimal_site, chromium):
    _, url = minimal_site
    context = chromium.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "quiz/first-steps/")
    assert page.locator("fieldset[data-question-id]").count() == 3
    details = page.locator('fieldset[data-question-id="share"] details')
    details.locator("summary").click()
    assert "ตรวจสอบก่อนแชร์ทุกครั้ง" in details.inner_text()
    context.close()


def test_no_page_scrolls_sideways_at_360px(minimal_site, phone):
    root, url = minimal_site
    for path in site_pages(root):
        phone.goto(url + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/{path} is {overflow}px wider than the phone"


def test_no_request_leaves_the_site(minimal_site, phone):
    root, url = minimal_site
    own = urlsplit(url).netloc
    foreign: list[str] = []
    phone.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != own
             and foreign.append(r.url))
    for path in site_pages(root):
        phone.goto(url + path, wait_until="networkidle")
    # Search loads its index and worker on first use; exercise it too.
    phone.goto(url + "?q=ข่าวปลอม", wait_until="networkidle")
    assert foreign == []


def test_search_loads_only_when_it_is_opened(minimal_site, phone):
    """The index and the search engine are half a lesson's weight: a visit that never searches
    skips them."""
    _, url = minimal_site
    fetched: list[str] = []
    phone.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    phone.goto(url + "modules/first-steps/", wait_until="networkidle")
    on_demand = ("/search/index.js", "/assets/search-engine.js")
    assert not [p for p in fetched if p.endswith(on_demand)]

    phone.locator(".osd-search-button").click()
    phone.keyboard.type("ข่าวปลอม")
    # Results update per keystroke; wait for those of the whole word.
    phone.wait_for_function("""() => [...document.querySelectorAll('.osd-search__link')]
                                      .some(a => a.href.includes('fake-news'))""")
    assert all(any(p.endswith(name) for p in fetched) for name in on_demand)


def test_a_lesson_first_visit_stays_under_120_kb_gzipped(minimal_site, chromium):
    """The budget, on each engine: everything a first visit to a lesson downloads, gzipped as a
    web server sends it, except the offline copy the service worker fetches in the background
    (bench/site.py prints the breakdown for the real course)."""
    _, url = minimal_site
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sizes: dict[str, int] = {}

    def record(response) -> None:
        if response.request.service_worker is None:
            try:
                sizes[response.url] = len(gzip.compress(response.body(), 6))
            except Exception:  # redirects have no body
                pass

    context.on("response", record)
    page.goto(url + "modules/first-steps/", wait_until="networkidle")
    context.close()
    assert 40 * 1024 < sum(sizes.values()) <= 120 * 1024, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]


def test_trainer_notes_never_reach_the_site(minimal_site):
    root, _ = minimal_site
    for file in (root / "site").rglob("*"):
        if file.is_file() and file.suffix in {".html", ".json", ".js", ".xml"}:
            assert "ความลับของวิทยากร" not in file.read_text(encoding="utf-8", errors="ignore"), file


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical findings on the page as it is now (WCAG 2.x A/AA and best practice)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # a <script> tag would be refused by the CSP
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return found


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `make test` (npm ci in tests/)")
@pytest.mark.parametrize("course", ["minimal_site", "sample_site"])
@pytest.mark.parametrize("step", [0, 2], ids=["default-size", "largest-size"])
def test_no_serious_accessibility_violations(course, step, request, phone, site_engine):
    """Every page, at the default text size and the largest step (issue 16), with the text size
    panel open and a Thai voice present, so our own controls are checked too."""
    from test_reading_browser import THAI_VOICE, stub_speech

    root, url = request.getfixturevalue(course)
    stub_speech(phone, [THAI_VOICE])
    phone.goto(url)
    phone.evaluate(f"localStorage.setItem('osd-text-size', '{step}')")
    failures = []
    for path in site_pages(root):
        phone.goto(url + path)
        phone.locator("[data-text-size-menu]").click()
        failures += [f"/{path}: {json.dumps(v, ensure_ascii=False)}" for v in serious_violations(phone)]
    assert not failures, "\n".join(failures)
