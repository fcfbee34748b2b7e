"""The preview's speed (issue 13): a save rebuilds only the pages it changed, and the page's reload
request is answered as soon as the new build is there (a long poll), not on the next poll.

Timings here are loose bounds against hangs, not benchmarks: bench/build.py measures.
"""
from __future__ import annotations

import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import copy_course

from coursebuild.editor.serve import LIVERELOAD_PATH, PreviewServer


def get(url: str, timeout: float = 60) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


@pytest.fixture
def preview(tmp_path: Path):
    root = copy_course("minimal", tmp_path / "course")
    server = PreviewServer(root, port=0, poll_seconds=0.1)
    server.start()
    yield root, server
    server.stop()


def test_a_reload_request_waits_for_the_next_build_and_answers_at_once(preview):
    root, server = preview
    seen = int(get(server.url + LIVERELOAD_PATH))
    answer: list[tuple[str, float]] = []
    waiting = threading.Thread(
        target=lambda: answer.append((get(f"{server.url}{LIVERELOAD_PATH}?since={seen}"), time.monotonic())))
    waiting.start()
    time.sleep(1.0)
    assert answer == [], "answered before anything changed"
    built = time.monotonic()
    server.rebuild()
    waiting.join(30)
    assert answer and int(answer[0][0]) == seen + 1
    assert answer[0][1] - built < 5, "the waiting request was not answered when the build finished"


def test_a_lesson_edit_rebuilds_only_changed_pages(preview):
    root, server = preview
    lesson = root / "course" / "modules" / "first-steps.md"
    other = server.site / "modules" / "fake-news" / "index.html"
    before = other.stat().st_mtime_ns
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nย่อหน้าที่เพิ่มตอนดูตัวอย่าง\n", encoding="utf-8")
    server.rebuild()
    assert "ย่อหน้าที่เพิ่มตอนดูตัวอย่าง" in get(server.url + "modules/first-steps/")
    assert not server._builder.last_full
    assert other.stat().st_mtime_ns == before, "a page the edit did not touch was written again"


def test_a_browser_leaving_while_its_reload_request_waits_prints_no_traceback(preview, capfd):
    root, server = preview
    seen = int(get(server.url + LIVERELOAD_PATH))
    host, port = server.httpd.server_address[:2]
    with socket.create_connection((host, port)) as leaving:  # a tab closed while waiting
        leaving.sendall(f"GET {LIVERELOAD_PATH}?since={seen} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        time.sleep(0.5)
    server.rebuild()
    time.sleep(0.5)
    assert "Traceback" not in capfd.readouterr().err
