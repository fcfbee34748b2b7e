"""Thai search as a trainee uses it: Material's search box in real Chromium at 360×740.

The minimal course is built twice from the same content: ours, and Material's stock Thai setup
(`search: {lang: th}`, no build-time cutting, no thai-search.js; see bench/search.py). Every
finding test runs the same check on the stock site too and expects it to fail there, so the checks
are shown to be able to fail.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from conftest import ROOT, StaticServer, copy_course

from bench.search import build_ours, build_stock, sample_words, search_pages
from coursebuild.render.site.search import load_search_words

# SEARCH_SCREENSHOTS=/some/dir keeps the results screenshot there, to look at it.
SCREENSHOT_DIR = Path(os.environ["SEARCH_SCREENSHOTS"]) if os.environ.get("SEARCH_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """{"ours": url, "stock": url}: the minimal course with the repo's terms.yml (its search spellings)."""
    urls, servers = {}, []
    for name, builder in (("ours", build_ours), ("stock", build_stock)):
        root = copy_course("minimal", tmp_path_factory.mktemp(f"search-{name}"))
        shutil.copy(ROOT / "course" / "terms.yml", root / "course" / "terms.yml")
        server = StaticServer(root / "site")
        builder(root, server.url)
        urls[name], urls[name + "-root"] = server.url, root
        servers.append(server)
    yield urls
    for server in servers:
        server.close()


_READY = """() => {
  const t = JSON.parse(document.getElementById('__config').textContent).translations;
  const meta = document.querySelector('.md-search-result__meta');
  return meta && meta.textContent === t['search.result.placeholder'];
}"""

_SETTLED = """() => {
  const t = JSON.parse(document.getElementById('__config').textContent).translations;
  const meta = document.querySelector('.md-search-result__meta');
  return meta && ![t['search.result.initializer'], t['search.result.placeholder']].includes(meta.textContent);
}"""


def result_pages(page) -> list[str]:
    """The pages listed in the search results, best first, once the worker has answered."""
    page.wait_for_function(_SETTLED, timeout=15000)
    page.wait_for_timeout(150)  # a query typed with key presses is sent once per key: let the last land
    pages = []
    for href in page.eval_on_selector_all("a.md-search-result__link", "els => els.map(a => a.href)"):
        path = urlsplit(href).path.lstrip("/")
        if path not in pages:
            pages.append(path)
    return pages


def search_by_link(page, url: str, query: str) -> list[str]:
    """A ?q= deep link, as trainers share them."""
    page.goto(f"{url}modules/first-steps/?q={quote(query)}")
    return result_pages(page)


def search_by_typing(page, url: str, query: str) -> list[str]:
    """Open the search from the header and type. Thai letters arrive as text input, with no key
    events, as from many phone keyboards; Material reads the box on key-up, so end with a key."""
    page.goto(url + "modules/first-steps/")
    page.locator("label[for=__search]").first.click()
    # Opening search starts loading the index (search on demand). Wait until it is ready, so the
    # results read below belong to the whole typed word and not to a keystroke sent earlier.
    page.wait_for_function(_READY, timeout=15000)
    box = page.locator("input[data-md-component=search-query]")
    box.press_sequentially(query)
    box.press("End")
    return result_pages(page)


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


@pytest.mark.parametrize("site, finds", [("ours", True), ("stock", False)])
def test_words_inside_unspaced_phrases_are_found(sites, phone, site, finds):
    found = {word: page in search_by_link(phone, sites[site], word) for word, page in INSIDE_PHRASES}
    if finds:
        assert found == {word: True for word, _ in INSIDE_PHRASES}
    else:  # Material's stock Thai search: most of them are not found
        assert sum(found.values()) <= 2, found


@pytest.mark.parametrize("site", ["ours", "stock"])
def test_typed_words_are_found_and_the_box_keeps_what_was_typed(sites, phone, site):
    pages = search_by_typing(phone, sites[site], "ศูนย์ต่อต้าน")
    assert phone.locator("input[data-md-component=search-query]").input_value() == "ศูนย์ต่อต้าน"
    assert ("modules/fake-news/" in pages) == (site == "ours")


@pytest.mark.parametrize("site", ["ours", "stock"])
def test_two_words_find_the_pages_with_both(sites, phone, site):
    pages = search_by_link(phone, sites[site], "ข่าวปลอม แอป")
    if site == "ours":
        # Only the lesson section has both; the glossary and the quiz have ข่าวปลอม alone.
        assert pages == ["modules/fake-news/"]
    else:
        assert pages != ["modules/fake-news/"]


def test_two_thai_words_typed_without_a_space_find_the_pages_with_both(sites, phone):
    # เพื่อนบ้าน is on three pages, ปลอดภัย on the home page only.
    assert len(search_by_link(phone, sites["ours"], "เพื่อนบ้าน")) == 3
    assert search_by_link(phone, sites["ours"], "เพื่อนบ้านปลอดภัย") == [""]


@pytest.mark.parametrize("query, page", [("แอป ThaiD", "modules/fake-news/"), ("ThaiD", "modules/fake-news/"),
                                         ("1441", "modules/fake-news/"), ("1441", "quiz/first-steps/")])
def test_mixed_thai_latin_and_digits(sites, phone, query, page):
    assert page in search_by_link(phone, sites["ours"], query)


@pytest.mark.parametrize("site", ["ours", "stock"])
def test_prefix_shows_results_while_typing(sites, phone, site):
    pages = search_by_typing(phone, sites[site], "ข่าวปล")
    assert ("modules/fake-news/" in pages) == (site == "ours")


def test_quiz_questions_and_explanations_lead_to_the_quiz_page(sites, phone):
    # "เด็ดขาด" is only in a choice's feedback, "ทำแทน" only in an explanation (quiz first-steps).
    assert search_by_link(phone, sites["ours"], "เด็ดขาด") == ["quiz/first-steps/"]
    assert search_by_link(phone, sites["ours"], "ทำแทน") == ["quiz/first-steps/"]
    phone.locator("a.md-search-result__link").first.click()
    phone.wait_for_url("**/quiz/first-steps/**")
    # Instant navigation swaps the content after the URL changes: wait for it, don't race it.
    phone.wait_for_selector("form[data-quiz-id='first-steps']", state="visible")


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
    assert lesson_page not in search_by_link(phone, sites["stock"], typed)


def test_query_rewrite(sites, phone):
    """What thai-search.js sends to the worker for what was typed."""
    phone.goto(sites["ours"])
    phone.evaluate("window.osdSearchOnDemand.start()")  # the index loads when search is opened
    phone.wait_for_function("() => window.osdThaiSearch && window.osdThaiSearch.ready()")
    rewrite = {q: phone.evaluate("q => window.osdThaiSearch.rewrite(q)", q) for q in [
        "ข่าวปลอม", "ข่าวปล", "แอป ThaiD", "เเอป", "อาสาสมัคร", "แอพ", "+ข่าว -ปลอม", "ไม่มีในบทเรียนเลย"]}
    assert rewrite["ข่าวปลอม"] == "+ข่าว +ปลอม*"
    assert rewrite["ข่าวปล"] == "+ข่าว +ปล*"
    assert rewrite["แอป ThaiD"] == "+แอป* +thaid*"  # ThaiD has a spelling group: its spelling
    assert rewrite["เเอป"] == "+แอป*"  # เ typed twice for แ, as phones let you
    assert rewrite["อาสาสมัคร"] == "+อาสา +สมัคร*"
    assert rewrite["แอพ"] == "+แอป*"
    assert rewrite["+ข่าว -ปลอม"] == "+ข่าว -ปลอม"  # lunr syntax typed on purpose is left alone
    assert rewrite["ไม่มีในบทเรียนเลย"].startswith("+ไม่")


def test_every_word_of_the_course_is_found(sites, phone):
    """ICU's words (Chromium's own Intl.Segmenter) and newmm's, from every unspaced phrase."""
    phone.goto(sites["ours"])
    course_words = load_search_words(sites["ours-root"])[0].words
    samples, _ = sample_words(phone, sites["stock-root"] / "site", course_words, 10_000, seed=1)
    assert len(samples) > 100
    pages, _ = search_pages(phone, sites["ours"], sorted({s.word for s in samples}))
    missed = [(s.word, s.segmenter, s.page) for s in samples if s.page not in pages[s.word]]
    assert missed == []
    stock, _ = search_pages(phone, sites["stock"], sorted({s.word for s in samples}))
    assert sum(s.page in stock[s.word] for s in samples) < len(samples) / 2


def test_no_dictionary_is_downloaded(sites, chromium):
    for site, dictionary in (("ours", False), ("stock", True)):
        context = chromium.new_context(viewport={"width": 360, "height": 740})
        page = context.new_page()
        urls = []
        context.on("request", lambda request: urls.append(request.url))
        page.goto(sites[site] + "modules/fake-news/", wait_until="networkidle")
        page.wait_for_timeout(1000)  # the worker imports its language scripts after the index arrives
        context.close()
        assert any("search_index.json" in u for u in urls)
        assert any(("wordcut" in u or "lunr.th" in u) for u in urls) == dictionary, urls


def test_results_show_thai_text_with_highlights(sites, phone, tmp_path):
    search_by_typing(phone, sites["ours"], "ข่าวปลอม")
    marks = phone.eval_on_selector_all(".md-search-result mark", "els => els.map(m => m.textContent)")
    assert {"ข่าว", "ปลอม"} <= set(marks)
    first = phone.locator(".md-search-result__item").first
    assert "ข่าว" in first.inner_text() and "\ufffd" not in first.inner_text()
    box = phone.locator(".md-search-result mark").first.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    shot = (SCREENSHOT_DIR or tmp_path) / "search-results-360.png"
    phone.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    # Following a result highlights the words on the lesson page (Material's search.highlight).
    phone.locator("a.md-search-result__link[href*='modules/fake-news/']").first.click()
    phone.wait_for_url("**/modules/fake-news/**", wait_until="commit")
    phone.wait_for_selector("article mark[data-md-highlight]")
    assert "ข่าว" in phone.locator("article mark[data-md-highlight]").first.inner_text()
