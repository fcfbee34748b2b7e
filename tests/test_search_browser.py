"""Thai search as a trainee uses it: our search dialog in real Chromium at 360×740, on both engines.

The minimal course is built twice from the same content: ours, and the same site with the index's
Thai left uncut (bench/search.py's baseline). Finding tests run the same check on the uncut site
too and expect it to fail there, so the checks are shown to be able to fail.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from conftest import SAMPLE, StaticServer, copy_course

from bench.search import build_ours, build_uncut, sample_words, search_pages
from coursebuild.render.site.search import load_search_words

# SEARCH_SCREENSHOTS=/some/dir keeps the results screenshot there, to look at it.
SCREENSHOT_DIR = Path(os.environ["SEARCH_SCREENSHOTS"]) if os.environ.get("SEARCH_SCREENSHOTS") else None
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def sites(tmp_path_factory, site_engine):
    """{"ours": url, "uncut": url, …-root: folder}: the minimal course with the repo's
    terms.yml (its search spellings), and the glossary also writing LINE (the lesson writes ไลน์)."""
    urls, servers = {}, []
    for name, builder in (("ours", build_ours), ("uncut", build_uncut)):
        root = copy_course("minimal", tmp_path_factory.mktemp(f"search-{name}-{site_engine}"))
        shutil.copy(SAMPLE / "course" / "terms.yml", root / "course" / "terms.yml")
        glossary = root / "course" / "glossary.md"
        glossary.write_text(glossary.read_text(encoding="utf-8") + "\nสอบถามทาง LINE ได้\n", encoding="utf-8")
        server = StaticServer(root / "site")
        builder(root, server.url, site_engine)
        urls[name], urls[name + "-root"] = server.url, root
        servers.append(server)
    yield urls
    for server in servers:
        server.close()


def result_pages(page, query: str) -> list[str]:
    """The pages listed in the results for `query`, best first, once they are on screen."""
    page.wait_for_function("q => document.querySelector('.osd-search__results')?.dataset.query === q",
                           arg=query, timeout=15000)
    pages = []
    for href in page.eval_on_selector_all("a.osd-search__link", "els => els.map(a => a.href)"):
        path = urlsplit(href).path.lstrip("/")
        if path not in pages:
            pages.append(path)
    return pages


def search_by_link(page, url: str, query: str) -> list[str]:
    """A ?q= link, as trainers share them."""
    page.goto(f"{url}modules/first-steps/?q={quote(query)}")
    return result_pages(page, query)


def search_by_typing(page, url: str, query: str) -> list[str]:
    """Open the search from the header and type. Thai letters arrive as text input, with no key
    events, as from many phone keyboards."""
    page.goto(url + "modules/first-steps/")
    page.locator(".osd-search-button").click()
    box = page.locator("#osd-search-input")
    box.wait_for()  # what a trainee waits for: press_sequentially types into whatever has focus
    box.press_sequentially(query)
    return result_pages(page, query)


# Words from inside unspaced phrases of the minimal course, and a page that holds each.
INSIDE_PHRASES = [
    ("ข่าวปลอม", "modules/fake-news/"),   # รู้เท่าทันข่าวปลอม, ศูนย์ต่อต้านข่าวปลอม
    ("ต่อต้าน", "modules/fake-news/"),     # ศูนย์ต่อต้านข่าวปลอม
    ("ดิจิทัล", "modules/first-steps/"),    # อาสาสมัครดิจิทัลประจำหมู่บ้าน
    ("สมัคร", "modules/first-steps/"),     # อาสาสมัคร: ICU's word
    ("หมู่บ้าน", "modules/first-steps/"),   # ดิจิทัลในหมู่บ้านได้
    ("ปลอดภัย", ""),                       # อินเทอร์เน็ตอย่างปลอดภัย
    ("ร้านค้า", "modules/fake-news/"),      # จากร้านค้าทางการเท่านั้น
]


@pytest.mark.parametrize("site, finds", [("ours", True), ("uncut", False)])
def test_words_inside_unspaced_phrases_are_found(sites, phone, site, finds):
    found = {word: page in search_by_link(phone, sites[site], word) for word, page in INSIDE_PHRASES}
    if finds:
        assert found == {word: True for word, _ in INSIDE_PHRASES}
    else:  # the same search over uncut text: most are not found
        assert sum(found.values()) <= 2, found


@pytest.mark.parametrize("site", ["ours", "uncut"])
def test_typed_words_are_found_and_the_box_keeps_what_was_typed(sites, phone, site):
    pages = search_by_typing(phone, sites[site], "ศูนย์ต่อต้าน")
    assert phone.locator("#osd-search-input").input_value() == "ศูนย์ต่อต้าน"
    assert ("modules/fake-news/" in pages) == (site == "ours")


def test_two_words_find_the_pages_with_both(sites, phone):
    # Only the lesson section has both; the glossary and the quiz have ข่าวปลอม alone.
    assert search_by_link(phone, sites["ours"], "ข่าวปลอม แอป") == ["modules/fake-news/"]


def test_two_thai_words_typed_without_a_space_find_the_pages_with_both(sites, phone):
    # เพื่อนบ้าน is on three pages, ปลอดภัย on the home page only.
    assert len(search_by_link(phone, sites["ours"], "เพื่อนบ้าน")) == 3
    assert search_by_link(phone, sites["ours"], "เพื่อนบ้านปลอดภัย") == [""]


@pytest.mark.parametrize("query, page", [("แอป ThaiD", "modules/fake-news/"), ("ThaiD", "modules/fake-news/"),
                                         ("1441", "modules/fake-news/"), ("1441", "quiz/first-steps/")])
def test_mixed_thai_latin_and_digits(sites, phone, query, page):
    assert page in search_by_link(phone, sites["ours"], query)


@pytest.mark.parametrize("site", ["ours", "uncut"])
def test_prefix_shows_results_while_typing(sites, phone, site):
    pages = search_by_typing(phone, sites[site], "ข่าวปล")
    assert ("modules/fake-news/" in pages) == (site == "ours")


def test_quiz_questions_and_explanations_lead_to_the_quiz_page(sites, phone):
    # "เด็ดขาด" is only in a choice's feedback, "ทำแทน" only in an explanation (quiz first-steps).
    assert search_by_link(phone, sites["ours"], "เด็ดขาด") == ["quiz/first-steps/"]
    assert search_by_link(phone, sites["ours"], "ทำแทน") == ["quiz/first-steps/"]
    phone.locator("a.osd-search__link").first.click()
    phone.wait_for_url("**/quiz/first-steps/**")
    # Instant navigation swaps the content after the URL changes: wait for it, don't race it.
    phone.wait_for_selector("form[data-quiz-id='first-steps']", state="visible")
    assert phone.locator("dialog.osd-search[open]").count() == 0


@pytest.mark.parametrize("typed, lesson_page", [
    ("ดิจิตอล", "modules/first-steps/"),       # lessons write ดิจิทัล
    ("อินเตอร์เน็ต", "modules/first-steps/"),   # อินเทอร์เน็ต
    ("แอพ", "modules/fake-news/"),             # แอป
    ("แอพพลิเคชั่น", "modules/fake-news/"),     # แอป
    ("LINE", "modules/fake-news/"),            # the lesson writes ไลน์
    ("ดิจิต", "modules/first-steps/"),          # half-typed ดิจิตอล
])
def test_everyday_spellings_find_the_lesson_spelling(sites, phone, typed, lesson_page):
    assert lesson_page in search_by_link(phone, sites["ours"], typed)
    assert lesson_page not in search_by_link(phone, sites["uncut"], typed)


def test_spellings_are_one_or_group_and_the_other_words_still_count(sites, phone):
    """ไลน์ (the lesson) and LINE (the glossary) are both on the site. A query with either spelling
    and another word finds the pages with some spelling AND that word, no more: lunr could only
    make the spellings optional, so ตรวจสอบ alone found pages."""
    # ตรวจสอบ is on three pages; two of them write ไลน์ too (the lesson and its quiz).
    assert len(search_by_link(phone, sites["ours"], "ตรวจสอบ")) == 3
    for typed in ("LINE", "ไลน์"):
        assert sorted(search_by_link(phone, sites["ours"], f"{typed} ตรวจสอบ")) == [
            "modules/fake-news/", "quiz/fake-news/"], typed
        assert search_by_link(phone, sites["ours"], f"{typed} ข้อมูล") == ["glossary/"], typed


def test_query_is_cut_into_the_index_words(sites, phone):
    """What the search looks for, for what was typed (search-engine.js's describe())."""
    phone.goto(sites["ours"])
    phone.evaluate("() => window.osdSearch.engine()")
    describe = {q: phone.evaluate("q => window.osdSearch.engine().then(e => e.describe(q))", q) for q in [
        "ข่าวปลอม", "ข่าวปล", "แอป ThaiD", "เเอป", "อาสาสมัคร", "แอพ", "LINE", "ไม่มีในบทเรียนเลย"]}
    assert describe["ข่าวปลอม"] == "+ข่าว +ปลอม*"
    assert describe["ข่าวปล"] == "+ข่าว +ปล*"
    assert describe["แอป ThaiD"] == "+แอป* +thaid*"  # ThaiD has a spelling group: its spelling
    assert describe["เเอป"] == "+แอป*"  # เ typed twice for แ, as phones let you
    assert describe["อาสาสมัคร"] == "+อาสา +สมัคร*"
    assert describe["แอพ"] == "+แอป*"
    assert describe["LINE"] == "+(line* | ไลน์*)"  # both spellings are on this site
    assert describe["ไม่มีในบทเรียนเลย"].startswith("+ไม่")


def test_every_word_of_the_course_is_found(sites, phone):
    """ICU's words (Chromium's own Intl.Segmenter) and newmm's, from every unspaced phrase."""
    phone.goto(sites["ours"])
    course_words = load_search_words(sites["ours-root"])[0].words
    samples, _ = sample_words(phone, sites["ours-root"] / "site", course_words, 10_000, seed=1)
    assert len(samples) > 100
    pages, _ = search_pages(phone, sites["ours"], sorted({s.word for s in samples}))
    missed = [(s.word, s.segmenter, s.page) for s in samples if s.page not in pages[s.word]]
    assert missed == []
    uncut, _ = search_pages(phone, sites["uncut"], sorted({s.word for s in samples}))
    assert sum(s.page in uncut[s.word] for s in samples) < len(samples) / 2


def test_no_dictionary_and_no_engine_search_is_downloaded(sites, chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    page.goto(sites["ours"] + "modules/fake-news/?q=ข่าวปลอม", wait_until="networkidle")
    result_pages(page, "ข่าวปลอม")
    context.close()
    assert any(u.endswith("/search/index.js") for u in urls)
    assert not [u for u in urls if "wordcut" in u or "lunr" in u or "/workers/" in u or "search_index" in u]


def test_results_show_thai_text_with_highlights_and_lead_to_marked_words(sites, phone, tmp_path):
    search_by_typing(phone, sites["ours"], "ข่าวปลอม")
    marks = phone.eval_on_selector_all(".osd-search__results mark", "els => els.map(m => m.textContent)")
    assert {"ข่าว", "ปลอม"} <= set(marks)
    first = phone.locator(".osd-search__item").first
    assert "ข่าว" in first.inner_text() and "\ufffd" not in first.inner_text()
    box = phone.locator(".osd-search__results mark").first.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    dialog = phone.locator("dialog.osd-search").bounding_box()
    assert dialog["width"] == 360 and phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot = (SCREENSHOT_DIR or tmp_path) / "search-results-360.png"
    phone.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    # Following a result marks the words on the lesson page.
    phone.locator("a.osd-search__link[href*='modules/fake-news/']").first.click()
    phone.wait_for_url("**/modules/fake-news/**", wait_until="commit")
    phone.wait_for_selector("article mark[data-osd-highlight]")
    assert {"ข่าว", "ปลอม"} <= set(phone.eval_on_selector_all("article mark[data-osd-highlight]",
                                                             "els => els.map(m => m.textContent)"))


def test_keyboard_opens_moves_through_results_and_closes_back_to_where_it_was(sites, chromium):
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        page.goto(sites["ours"] + "modules/first-steps/")
        page.keyboard.press("/")
        box = page.locator("#osd-search-input")
        box.wait_for()
        assert page.evaluate("document.activeElement.id") == "osd-search-input"
        box.press_sequentially("ข่าวปลอม")
        result_pages(page, "ข่าวปลอม")
        page.keyboard.press("ArrowDown")
        first = page.evaluate("document.activeElement.href")
        page.keyboard.press("ArrowDown")
        second = page.evaluate("document.activeElement.href")
        assert first != second and "osd-search__link" in page.evaluate("document.activeElement.className")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        assert page.evaluate("document.activeElement.id") == "osd-search-input"
        page.keyboard.press("Escape")  # with text in the box: closes all the same
        assert page.locator("dialog.osd-search[open]").count() == 0

        button = page.locator(".osd-search-button")
        button.focus()
        page.keyboard.press("Enter")
        box.wait_for()
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.classList.contains('osd-search-button')")
        # Enter in the box opens the first result.
        page.keyboard.press("Enter")
        box.fill("เด็ดขาด")
        box.press("End")
        result_pages(page, "เด็ดขาด")
        box.press("Enter")
        page.wait_for_url("**/quiz/first-steps/**")
    finally:
        context.close()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `make test` (npm ci in tests/)")
def test_open_search_with_results_is_accessible(sites, phone):
    search_by_link(phone, sites["ours"], "ข่าวปลอม")
    dialog = phone.locator("dialog.osd-search")
    assert dialog.get_attribute("aria-labelledby") == "osd-search-label"
    assert phone.evaluate("document.getElementById('osd-search-label').textContent") == "ค้นหาบทเรียน"
    phone.evaluate(AXE.read_text(encoding="utf-8"))  # a <script> tag would be refused by the CSP
    violations = phone.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")
    assert violations == []
