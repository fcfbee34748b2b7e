"""Offline use in real Chromium at 360×740: the service worker with the network really gone (the
server is shut down as well as the context set offline), a new deployment, the file:// zip, and
progress moved between two phones."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import PHONE, StaticServer, build, copy_course
from test_site_browser import answer

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
ZBARIMG = shutil.which("zbarimg")


def new_phone(chromium):
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale="th-TH", timezone_id="Asia/Bangkok")
    return context, context.new_page()


def serve_course(tmp_path: Path, engine: str) -> tuple[Path, StaticServer]:
    root = copy_course("minimal", tmp_path / "course")
    (root / "site").mkdir()
    server = StaticServer(root / "site")
    assert build(root, "site", "--site-url", server.url, engine=engine) == 0
    return root, server


def wait_until_cached(page, url: str) -> None:
    """The home page control says the course is on the phone, and the worker controls the page."""
    page.goto(url)
    page.wait_for_selector(".osd-offline[data-offline-state=cached]", timeout=20000)
    page.wait_for_function("!!navigator.serviceWorker.controller")


def screenshot(page, name: str, **kwargs) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), **kwargs)


def take_first_steps_quiz(page, quiz_url: str) -> None:
    page.goto(quiz_url)
    form = page.locator("form[data-quiz-id='first-steps']")
    answer(page, form, "role", ["ฟังและแนะนำช่องทางที่ถูกต้อง"])
    answer(page, form, "share", ["ผิด"])
    answer(page, form, "channels", ["สายด่วน 1441", "thaipoliceonline.go.th"])
    form.locator("[data-quiz-submit]").click()
    assert form.locator("[data-quiz-result]").inner_text() == "3/3"


def search_results(page) -> list[str]:
    page.wait_for_selector(".osd-search__item", timeout=10000)
    return page.locator(".osd-search__item").all_inner_texts()


def test_after_the_first_visit_lessons_quizzes_and_search_work_offline(chromium, tmp_path, site_engine):
    root, server = serve_course(tmp_path, site_engine)
    context, page = new_phone(chromium)
    try:
        wait_until_cached(page, server.url)
        control = page.locator(".osd-offline").inner_text()
        assert "ดาวน์โหลดไว้อ่านแบบออฟไลน์" in control and "MB" in control and "เนื้อหาฉบับวันที่" in control
        screenshot(page, "offline-control-cached.png")

        server.close()  # Chromium's offline switch may not cover the worker's own fetches
        context.set_offline(True)
        served: list[str] = []
        page.on("response", lambda r: served.append(r.url) if not r.from_service_worker else None)

        # Another lesson, through the engine's instant navigation.
        page.evaluate("window.__marker = 'same-document'")
        page.locator(".osd-modules a[href$='modules/fake-news/']").first.click()
        page.wait_for_selector("h1:has-text('รู้เท่าทันข่าวปลอม')")
        assert page.evaluate("window.__marker") == "same-document"

        # A quiz opened as a fresh page load, then taken and scored.
        take_first_steps_quiz(page, server.url + "quiz/first-steps/")
        assert "ผ่านเกณฑ์แล้ว" in page.locator("[data-quiz-score]").inner_text()

        # Thai search: the index and the search engine come from the cache.
        page.goto(server.url + "?q=ข่าวปลอม")
        results = search_results(page)
        assert any("ข่าวปลอม" in r.replace("\u200b", "") for r in results), results
        assert served == [], f"answered by the network, not the cache: {served}"
    finally:
        context.close()


def test_without_a_worker_yet_the_control_shows_the_size_before_downloading(chromium, minimal_site):
    _, url = minimal_site
    context, page = new_phone(chromium)
    # The phone's data saver is on: nothing is downloaded until the trainee asks.
    context.add_init_script("Object.defineProperty(navigator, 'connection', {value: {saveData: true}})")
    try:
        page.goto(url)
        button = page.locator("[data-offline-download]")
        button.wait_for()
        assert "MB" in button.inner_text()
        assert page.locator(".osd-offline").get_attribute("data-offline-state") == "idle"
        assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
        screenshot(page, "offline-control-before.png")
        button.click()
        page.wait_for_selector(".osd-offline[data-offline-state=cached]", timeout=20000)
    finally:
        context.close()


def test_a_new_deployment_is_announced_and_replaces_the_old_one_whole(chromium, tmp_path, site_engine):
    root, server = serve_course(tmp_path, site_engine)
    context, page = new_phone(chromium)
    try:
        wait_until_cached(page, server.url)
        lesson = root / "course" / "modules" / "fake-news.md"
        lesson.write_text(lesson.read_text(encoding="utf-8").replace(
            "## ตรวจสอบก่อนแชร์ {#check}", "## ตรวจสอบก่อนแชร์ {#check}\n\nย่อหน้าฉบับปรับปรุงใหม่\n"),
            encoding="utf-8")
        assert build(root, "site", "--site-url", server.url, engine=site_engine) == 0

        page.goto(server.url + "modules/fake-news/")
        notice = page.locator(".osd-update")
        notice.wait_for(timeout=20000)
        assert "มีเนื้อหาใหม่" in notice.inner_text()
        # Until the trainee says so, every page is still the old version: no mixing.
        assert "ฉบับปรับปรุงใหม่" not in page.locator("article").inner_text()
        page.goto(server.url)
        notice.wait_for(timeout=20000)
        page.locator(".osd-modules a[href$='modules/fake-news/']").first.click()
        page.wait_for_selector("h1:has-text('รู้เท่าทันข่าวปลอม')")
        assert "ฉบับปรับปรุงใหม่" not in page.locator("article").inner_text()
        box = notice.bounding_box()  # still on screen after the engine swapped the page
        assert notice.is_visible() and box["y"] + box["height"] <= PHONE["height"]
        screenshot(page, "offline-update-notice.png")

        with page.expect_navigation():
            page.locator("[data-update-refresh]").click()
        page.wait_for_selector("text=ย่อหน้าฉบับปรับปรุงใหม่")
        assert page.locator(".osd-update").count() == 0
        caches = page.evaluate("caches.keys()")
        assert len([c for c in caches if c.startswith("osd ")]) == 1, caches
    finally:
        context.close()
        server.close()


def test_a_half_uploaded_deployment_is_never_cached(chromium, tmp_path, site_engine):
    """A file that is not the one the worker was built with (an upload in progress, a proxy's
    stale copy) fails the install: nothing is cached rather than a mix of two versions."""
    root, server = serve_course(tmp_path, site_engine)
    css = root / "site" / "assets" / "osd.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* next version */\n", encoding="utf-8")
    context, page = new_phone(chromium)
    try:
        page.goto(server.url)
        page.wait_for_selector(".osd-offline[data-offline-state=failed]", timeout=20000)
        assert "ลองดาวน์โหลดอีกครั้ง" in page.locator("[data-offline-download]").inner_text()
        assert [c for c in page.evaluate("caches.keys()") if c.startswith("osd ")] == []
    finally:
        context.close()
        server.close()


@pytest.fixture(scope="module")
def offline_copy(tmp_path_factory, site_engine) -> Path:
    """dist/site-offline.zip of the minimal course, unpacked into a temporary folder."""
    root = copy_course("minimal", tmp_path_factory.mktemp(f"zip-course-{site_engine}"))
    assert build(root, "site", "--offline", engine=site_engine) == 0
    out = tmp_path_factory.mktemp(f"unzipped-{site_engine}")
    with zipfile.ZipFile(root / "dist" / "site-offline.zip") as zf:
        zf.extractall(out)
    return out / "minimal-offline"


def test_offline_zip_navigates_searches_and_scores_from_file_urls(chromium, offline_copy):
    context, page = new_phone(chromium)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((offline_copy / "index.html").as_uri())
        page.locator(".osd-modules a[href$='modules/fake-news/index.html']").first.click()
        page.wait_for_selector("h1:has-text('รู้เท่าทันข่าวปลอม')")
        assert page.url.endswith("/modules/fake-news/index.html")

        # Search from file://: the engine and the index load as scripts (fetch() is refused there).
        page.locator(".osd-search-button").click()
        query = page.locator("#osd-search-input")
        query.fill("ข่าวปลอม")
        results = search_results(page)
        assert any("ข่าวปลอม" in r.replace("\u200b", "") for r in results), results
        page.locator(".osd-search__link").first.click()
        page.wait_for_load_state()
        assert "/index.html" in page.url and page.url.startswith("file://")
        page.wait_for_selector("article mark[data-osd-highlight]")

        page.goto((offline_copy / "modules" / "first-steps" / "index.html").as_uri())
        page.locator(".osd-next a", has_text="ทำแบบทดสอบท้ายบท").click()
        page.wait_for_url("**/quiz/first-steps/index.html")
        take_first_steps_quiz(page, page.url)
        page.goto((offline_copy / "progress" / "index.html").as_uri())
        row = page.locator("tr[data-progress-row='first-steps']")
        assert "3/3" in row.inner_text() and "ผ่าน" in row.inner_text()
        assert [u for u in requests if not u.startswith("file://")] == []
        assert errors == []
    finally:
        context.close()


def progress_rows(page) -> dict[str, str]:
    rows = page.locator("tr[data-progress-row]:not([data-no-quiz])")
    return {rows.nth(i).get_attribute("data-progress-row"): " ".join(rows.nth(i).inner_text().split())
            for i in range(rows.count())}


def test_progress_moves_to_another_phone_by_code_and_keeps_the_better_score(chromium, minimal_site):
    _, url = minimal_site
    context_a, a = new_phone(chromium)
    context_b, b = new_phone(chromium)
    context_c, c = new_phone(chromium)
    try:
        take_first_steps_quiz(a, url + "quiz/first-steps/")
        a.goto(url + "quiz/fake-news/")
        form = a.locator("form[data-quiz-id='fake-news']")
        answer(a, form, "first-step", ["ส่งต่อให้ทุกกลุ่ม"])
        form.locator("[data-quiz-submit]").click()
        a.goto(url + "progress/")
        before = progress_rows(a)
        assert "3/3" in before["first-steps"] and "✓ ผ่าน" in before["first-steps"]
        assert "0/1" in before["fake-news"] and "ยังไม่ผ่าน" in before["fake-news"]
        a.locator("[data-progress-export]").click()
        code = a.locator("[data-progress-code]").input_value()
        assert len(code.replace("-", "")) < 40, code  # short enough to type

        b.goto(url + "progress/")
        b.locator("[data-progress-import-code]").fill(code.lower())  # typed in lower case
        b.locator("[data-progress-import]").click()
        assert b.locator("[data-progress-import-status]").get_attribute("data-state") == "ok"
        assert progress_rows(b) == before
        assert b.locator(".osd-progress-badge").inner_text() == "ผ่านแล้ว 1/2"

        # A phone with a better score of its own keeps it.
        c.goto(url + "quiz/fake-news/")
        form = c.locator("form[data-quiz-id='fake-news']")
        answer(c, form, "first-step", ["หยุดและตรวจสอบ"])
        form.locator("[data-quiz-submit]").click()
        c.goto(url + "progress/")
        c.locator("[data-progress-import-code]").fill(code)
        c.locator("[data-progress-import]").click()
        merged = progress_rows(c)
        assert merged["first-steps"] == before["first-steps"]
        assert "1/1" in merged["fake-news"] and "✓ ผ่าน" in merged["fake-news"]

        # A typing mistake is caught by the checksum, and nothing changes.
        wrong = code[:-3] + ("0" if code[-3] != "0" else "1") + code[-2:]
        c.locator("[data-progress-import-code]").fill(wrong)
        c.locator("[data-progress-import]").click()
        assert c.locator("[data-progress-import-status]").get_attribute("data-state") == "error"
        assert progress_rows(c) == merged
    finally:
        for context in (context_a, context_b, context_c):
            context.close()


def test_full_screen_summary_shows_scores_and_says_it_is_no_credential(chromium, minimal_site):
    _, url = minimal_site
    context, page = new_phone(chromium)
    try:
        take_first_steps_quiz(page, url + "quiz/first-steps/")
        page.goto(url + "progress/")
        page.locator("[data-progress-name]").fill("นางสาวสมใจ ใจดี")
        page.locator("[data-progress-summary-open]").click()
        view = page.locator("[data-progress-summary-view]")
        text = view.inner_text()
        assert "หลักสูตรทดสอบขั้นต่ำ" in text and "นางสาวสมใจ ใจดี" in text
        assert "ผ่านแล้ว 1 จาก 2 แบบทดสอบ" in text
        assert "3/3 ✓ ผ่าน" in view.locator("[data-summary-row='first-steps']").inner_text()
        assert "บันทึกเพื่อทบทวนตนเอง ไม่ใช่เอกสารรับรอง" in text
        box = view.bounding_box()
        assert box["width"] == PHONE["width"] and box["height"] >= PHONE["height"] - 1
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshot(page, "progress-summary.png")
        page.keyboard.press("Escape")
        assert view.count() == 0
        # The page itself says the same, without opening the summary.
        assert "ไม่ใช่เอกสารรับรอง" in page.locator(".osd-progress__note").inner_text()
    finally:
        context.close()


@pytest.mark.skipif(ZBARIMG is None, reason="zbarimg (zbar-tools) is not installed")
def test_progress_qr_code_scans_to_a_link_that_imports(chromium, minimal_site, tmp_path):
    _, url = minimal_site
    context_a, a = new_phone(chromium)
    context_b, b = new_phone(chromium)
    try:
        take_first_steps_quiz(a, url + "quiz/first-steps/")
        a.goto(url + "progress/")
        a.locator("[data-progress-export]").click()
        code = a.locator("[data-progress-code]").input_value()
        shot = tmp_path / "qr.png"
        a.locator("[data-progress-qr] svg").screenshot(path=str(shot))
        scanned = subprocess.run([ZBARIMG, "--raw", "-q", str(shot)], capture_output=True, text=True).stdout.strip()
        assert scanned == url + "progress/#import=" + code.replace("-", "")

        b.goto(scanned)
        assert b.locator("[data-progress-import-code]").input_value() == code
        b.locator("[data-progress-import]").click()
        assert progress_rows(b) == progress_rows(a)
    finally:
        context_a.close()
        context_b.close()


def qr_png(rows: list[str], path: Path) -> Path:
    from PIL import Image

    scale, border = 6, 4
    size = (len(rows) + 2 * border) * scale
    image = Image.new("L", (size, size), 255)
    for y, row in enumerate(rows):
        for x, module in enumerate(row):
            if module == "1":
                left, top = (x + border) * scale, (y + border) * scale
                image.paste(0, (left, top, left + scale, top + scale))
    image.save(path)
    return path


@pytest.mark.skipif(ZBARIMG is None, reason="zbarimg (zbar-tools) is not installed")
def test_qr_encoder_output_is_read_back_by_zbar_for_every_mask_and_size(minimal_site, phone, tmp_path):
    """Guards the hand-written QR encoder with an independent reader: every mask, both error
    levels, one block and several, and version 7+ with its version information. (segno cannot be
    the reference: it adds a zero codeword after the terminator, so its matrices differ.)"""
    _, url = minimal_site
    phone.goto(url + "progress/")
    texts = ["osd", "https://example.org/minimal/progress/#import=" + "0123456789ABCDEFGHJK" * 3,
             "x" * 150, "ภาษาไทย" * 12]
    for n, text in enumerate(texts):
        for level in ("L", "M"):
            for mask in range(8):
                rows = phone.evaluate("([t, l, m]) => osdProgress.qr(t, l, m)", [text, level, mask])
                png = qr_png(rows, tmp_path / f"qr-{n}-{level}-{mask}.png")
                read = subprocess.run([ZBARIMG, "--raw", "-q", str(png)], capture_output=True).stdout
                assert read.decode("utf-8").rstrip("\n") == text, (
                    f"{text[:20]}… level {level} mask {mask}, {len(rows)} modules")
