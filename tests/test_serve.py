"""The live preview: it serves the built site, rebuilds when a file changes, shows content errors
as a page in the browser, and reloads the browser by itself."""
from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import copy_course

from coursebuild.editor.serve import (
    LIVERELOAD_PATH,
    PreviewServer,
    error_page,
    inject,
    serve,
)

TIMEOUT = 60  # seconds to wait for a rebuild; a rebuild takes about one


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def wait_for(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def preview(tmp_path: Path, site_engine):
    root = copy_course("minimal", tmp_path / "course")
    server = PreviewServer(root, port=0, poll_seconds=0.2, engine=site_engine)
    server.start()
    yield root, server
    server.stop()


def test_preview_serves_pages_with_the_reload_script(preview, site_engine):
    root, server = preview
    status, page = get(server.url + "modules/first-steps/")
    assert status == 200 and "อาสาสมัครดิจิทัลคือใคร" in page
    assert f'<meta name="generator" content="{site_engine}-' in page  # built by the engine asked for
    assert LIVERELOAD_PATH in page and page.index(LIVERELOAD_PATH) < page.rindex("</body>")
    assert get(server.url + LIVERELOAD_PATH) == (200, "1")


def _tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.rglob("*"))}


def test_preview_never_touches_site_or_dist(tmp_path):
    """Issue 11: the preview is built for http://127.0.0.1; written into site/ it would replace what
    is about to be published. It builds in a private temporary folder instead."""
    root = copy_course("minimal", tmp_path / "course")
    for folder in ("site", "dist"):
        (root / folder / "handouts").mkdir(parents=True)
        (root / folder / "handouts" / "keep.txt").write_text("published", encoding="utf-8")
    before = {name: _tree(root / name) for name in ("site", "dist")}
    server = PreviewServer(root, port=0, poll_seconds=0.2)
    server.start()
    try:
        workdir = server.workdir
        assert workdir.stat().st_mode & 0o777 == 0o700 and root not in workdir.parents
        lesson = root / "course" / "modules" / "first-steps.md"
        lesson.write_text(lesson.read_text(encoding="utf-8") + "\nแก้ไขระหว่างดูตัวอย่าง\n", encoding="utf-8")
        wait_for(lambda: "แก้ไขระหว่างดูตัวอย่าง" in get(server.url + "modules/first-steps/")[1], "the rebuild")
        assert get(server.url + "handouts/keep.txt") == (200, "published")  # handouts still reachable
        assert {name: _tree(root / name) for name in ("site", "dist")} == before
        assert sorted(p.name for p in root.iterdir()) == ["course", "dist", "quizzes", "site"]
    finally:
        server.stop()
    assert not workdir.exists()


def test_preview_picks_up_an_edit(preview):
    # Regression: the edit comes right after start(); the watcher used to take its baseline late
    # and miss it.
    root, server = preview
    lesson = root / "course" / "modules" / "first-steps.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nย่อหน้าที่เพิ่งแก้ไข ๒๕๖๘\n", encoding="utf-8")
    wait_for(lambda: "ย่อหน้าที่เพิ่งแก้ไข ๒๕๖๘" in get(server.url + "modules/first-steps/")[1], "the edit")
    assert int(get(server.url + LIVERELOAD_PATH)[1]) >= 2


def test_content_error_shows_as_a_page_and_the_preview_recovers(preview):
    root, server = preview
    quiz = root / "quizzes" / "fake-news.yml"
    good = quiz.read_text(encoding="utf-8")
    quiz.write_text(good.replace("    explanation: หยุดก่อนเสมอ\n", ""), encoding="utf-8")

    wait_for(lambda: get(server.url)[0] == 500, "the error page")
    for path in ("", "modules/first-steps/", "quiz/fake-news/", "no/such/page/"):
        status, page = get(server.url + path)
        assert status == 500
        assert "เนื้อหามีข้อผิดพลาด" in page and "The content has errors" in page
        assert "quizzes/fake-news.yml:5:5" in page and "missing-field" in page
        assert "add &#39;explanation:&#39;" in page  # the hint, HTML-escaped
        assert LIVERELOAD_PATH in page  # so the browser reloads once the file is fixed
    assert get(server.url + "assets/osd.css")[0] == 200  # assets of the last good build still load

    quiz.write_text(good, encoding="utf-8")
    wait_for(lambda: get(server.url + "quiz/fake-news/")[0] == 200, "the fixed page")
    assert "หยุดก่อนเสมอ" in get(server.url + "quiz/fake-news/")[1]


def test_browser_reloads_by_itself_after_an_edit(preview, chromium):
    root, server = preview
    page = chromium.new_page()
    try:
        page.goto(server.url + "modules/fake-news/")
        assert "ข้อความหลังแก้ไขในเบราว์เซอร์" not in page.content()
        lesson = root / "course" / "modules" / "fake-news.md"
        lesson.write_text(lesson.read_text(encoding="utf-8") + "\nข้อความหลังแก้ไขในเบราว์เซอร์\n", encoding="utf-8")
        page.get_by_text("ข้อความหลังแก้ไขในเบราว์เซอร์").wait_for(timeout=TIMEOUT * 1000)
        lesson.write_text(lesson.read_text(encoding="utf-8") + "\n[ลิงก์เสีย](nowhere.md)\n", encoding="utf-8")
        page.get_by_text("The content has errors").wait_for(timeout=TIMEOUT * 1000)
        assert "broken-link" in page.content()
    finally:
        page.close()


def test_error_page_escapes_content():
    from coursebuild.problems import Problem

    html = error_page([Problem("quizzes/<x>.yml", 3, 4, "bad-value", "<script>alert(1)</script>", "use & not")], 7)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "quizzes/&lt;x&gt;.yml:3:4" in html and "use &amp; not" in html


def test_reload_script_goes_before_the_end_of_body():
    assert inject("<html><body><p>x</p></body></html>", 3).endswith("</script></body></html>")
    assert 'data-build="3"' in inject("<p>no body</p>", 3)


def test_serve_reports_a_busy_port_instead_of_a_traceback(tmp_path):
    root = copy_course("minimal", tmp_path / "course")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        messages: list[str] = []
        assert serve(root, "127.0.0.1", busy.getsockname()[1], log=messages.append) == 1
    assert "cannot listen" in messages[0] and "--port" in messages[0]


def test_stop_before_start_returns_promptly_and_frees_the_port(tmp_path):
    # Regression: stop() after an interrupted start() used to wait forever in httpd.shutdown().
    import socket
    import threading

    server = PreviewServer(copy_course("minimal", tmp_path / "course"), port=0)
    host, port = server.httpd.server_address[:2]
    stopped = threading.Event()
    threading.Thread(target=lambda: (server.stop(), stopped.set()), daemon=True).start()
    assert stopped.wait(10), "stop() before start() hung"
    with socket.socket() as probe:  # the preview's port is free for the next `serve`
        probe.bind((host, port))
