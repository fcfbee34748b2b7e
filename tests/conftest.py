"""Shared test fixtures: sample courses copied to a temp folder, built sites served on
localhost, and Debian's Chromium driven by Playwright (never a downloaded browser).

Every site test runs on both site engines: a test that takes `site_engine` (or a fixture built
with it, such as `minimal_site`) runs once with MkDocs and once with Zensical, and each fixture
site is built once per engine."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = FIXTURES / "sample"  # the realistic course the tool's tests use (never the project's own)
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium calls Google's hosts at start-up, which both
# fails here and would pollute the "zero requests to other hosts" test.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 360, "height": 740}
ENGINES = ("mkdocs", "zensical")


def pytest_collection_modifyitems(items) -> None:
    """Every test that uses the browser is a `browser` test, so `make test-fast` can leave it out."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def copy_course(name: str, dest: Path) -> Path:
    """Copy a fixture course from tests/fixtures/ into `dest`.

    The tool's tests never read the project's own course/, quizzes/ or roster/: an agency that
    replaces them (`build.py init`) keeps a green `make test`. "sample" is a frozen copy of the
    อสด. course with its synthetic cohort, for tests that need a realistic course."""
    shutil.copytree(FIXTURES / name, dest, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("site", "dist", "published", ".secret*", ".lock"))
    return dest


def build(root: Path, *command: str, engine: str | None = None) -> int:
    """`python build.py --root ROOT COMMAND...`, with `--engine ENGINE` when given."""
    from coursebuild.cli import main

    return main(["--root", str(root), *command, *(["--engine", engine] if engine else [])])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output readable
        pass


class StaticServer:
    """Serves a folder on 127.0.0.1, like any static host would.

    Bind first, build after: the site must be built for its own address (`--site-url`), since
    Material's instant navigation follows only links under site_url.
    """

    def __init__(self, directory: Path, port: int = 0):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium):
    """A fresh 360×740 phone-sized page with its own storage."""
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale="th-TH")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session", params=ENGINES)
def site_engine(request) -> str:
    """Each site engine in turn: a test using this runs once for each."""
    return request.param


@pytest.fixture(scope="session")
def minimal_site(tmp_path_factory, site_engine):
    """The minimal fixture course, built once per engine, served on localhost."""
    root = copy_course("minimal", tmp_path_factory.mktemp(f"minimal-{site_engine}"))
    server = StaticServer(root / "site")
    assert build(root, "site", "--site-url", server.url, engine=site_engine) == 0
    yield root, server.url
    server.close()


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory, site_engine):
    """The sample course (every lesson, tables, the trainers' page), built once per engine, served."""
    root = copy_course("sample", tmp_path_factory.mktemp(f"sample-site-{site_engine}"))
    server = StaticServer(root / "site")
    assert build(root, "site", "--site-url", server.url, engine=site_engine) == 0
    yield root, server.url
    server.close()
