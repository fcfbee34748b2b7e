"""Live preview: `python build.py serve` (or `make serve`).

Builds the site into a private temporary folder (never site/ or dist/: a preview is built for
its localhost address and must not replace what is about to be published), serves it, and rebuilds when anything under course/, quizzes/, theme/
or mkdocs.yml changes (polling modification times: no extra dependency, and it works on every
file system an editor uses). Every HTML page gets a small script (theme/preview/livereload.js,
served from `/__livereload.js` so that the page's Content-Security-Policy lets it run) that asks
`/__livereload` for the build number and reloads when it changes. When the content has errors,
every page shows them (theme/preview/error.html: file:line:column, message and hint), and the
preview recovers by itself once they are fixed.
"""
from __future__ import annotations

import http.server
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from coursebuild.markup import PROJECT_ROOT, engine_root
from coursebuild.problems import ContentError, Problem
from coursebuild.report import sort_problems, summary
from coursebuild.templates import template_env

LIVERELOAD_PATH = "/__livereload"
LIVERELOAD_SCRIPT = LIVERELOAD_PATH + ".js"
WATCHED = ["course", "quizzes", "theme", "mkdocs.yml"]
POLL_SECONDS = 0.5

def livereload_script(build: int, root: Path = PROJECT_ROOT) -> Markup:
    return Markup(template_env(root, "preview").get_template("reload-tag.html").render(
        script=LIVERELOAD_SCRIPT, poll=LIVERELOAD_PATH, build=build).strip())


def inject(page: str, build: int, root: Path = PROJECT_ROOT) -> str:
    script = str(livereload_script(build, root))  # plain text: str + Markup would escape the page
    index = page.lower().rfind("</body>")
    return page[:index] + script + page[index:] if index >= 0 else page + script


def error_page(problems: list[Problem], build: int, root: Path = PROJECT_ROOT) -> str:
    """A readable page listing every problem, in Thai and English (theme/preview/error.html)."""
    rows = [{"where": f"{p.path}:{p.line}:{p.column}" if p.line else p.path, "severity": p.severity,
             "code": p.code, "message": p.message, "hint": p.hint} for p in sort_problems(problems)]
    return template_env(root, "preview").get_template("error.html").render(
        problems=rows, summary=summary(problems), reload_script=livereload_script(build, root))


def snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the watched paths."""
    out: dict[str, tuple[int, int]] = {}
    for base in paths:
        files = [base] if base.is_file() else (sorted(base.rglob("*")) if base.is_dir() else [])
        for path in files:
            try:
                stat = path.stat()
            except OSError:
                continue  # removed while we looked
            if path.is_file():
                out[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return out


class PreviewServer:
    """The preview: call start(), then stop(). `url` is where it serves."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000,
                 poll_seconds: float = POLL_SECONDS, log: Callable[[str], None] | None = None,
                 engine: str | None = None):
        self.root = root.resolve()
        self.engine = engine  # None: the default named in mkdocs.yml, read at each rebuild
        self.poll_seconds = poll_seconds
        self.log = log or (lambda message: None)
        self.build_number = 0
        self.problems: list[Problem] = []  # the last build's errors; empty when the site is good
        self.lock = threading.RLock()  # held while building, so no request sees a half-swapped site
        self._stopping = threading.Event()
        engine_dir = engine_root(self.root)
        self.watched = sorted({self.root / name for name in WATCHED} | {engine_dir / "theme", engine_dir / "mkdocs.yml"})
        self.httpd = http.server.ThreadingHTTPServer((host, port), self._handler_class())
        self.httpd.daemon_threads = True
        self._threads: list[threading.Thread] = []
        # Owner-only (mkdtemp: 0700), outside the project; removed by stop().
        self.workdir = Path(tempfile.mkdtemp(prefix="osd-preview-"))
        self.site = self.workdir / "empty"  # what is served; each good build replaces it
        self.site.mkdir()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> None:
        # The baseline is taken before the first build, so a file saved during or right after it
        # still counts as a change.
        baseline = snapshot(self.watched)
        self.rebuild()
        self._threads = [threading.Thread(target=self.httpd.serve_forever, name="preview-http", daemon=True),
                         threading.Thread(target=self._watch, args=(baseline,), name="preview-watch",
                                          daemon=True)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._threads:  # shutdown() would wait forever for a serve_forever() that never ran
            self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def rebuild(self) -> None:
        """Load and check everything; build the site only when there is no error."""
        from coursebuild.checks import load_checked_course
        from coursebuild.markup import load_site_config
        from coursebuild.render.site.build import (
            CARRIED_OVER,
            render_site,
            with_site_url,
        )
        from coursebuild.render.site.engines import choose_engine
        from coursebuild.write import carry_over

        started = time.monotonic()
        with self.lock:
            load_site_config.cache_clear()  # mkdocs.yml may have changed
            course, problems = load_checked_course(self.root)
            if course is not None:
                out = self.workdir / f"site-{self.build_number + 1}"
                try:
                    # Built for the preview's own address, so the engines' instant navigation works.
                    render_site(with_site_url(course, self.url), out, choose_engine(self.root, self.engine))
                    carry_over(self.root / "site", out, CARRIED_OVER)  # handouts: read, never written
                    previous, self.site = self.site, out
                    shutil.rmtree(previous, ignore_errors=True)
                except ContentError as exc:
                    problems = problems + exc.problems
                    shutil.rmtree(out, ignore_errors=True)
            self.problems = problems if any(p.is_error for p in problems) else []
            self.build_number += 1
        if self.problems:
            self.log(f"preview: {summary(self.problems)}; the browser shows them")
        else:
            self.log(f"preview: built in {time.monotonic() - started:.1f} s")

    def _watch(self, seen: dict[str, tuple[int, int]]) -> None:
        while not self._stopping.wait(self.poll_seconds):
            now = snapshot(self.watched)
            if now == seen:
                continue
            # Editors often save several files at once: wait until nothing changes for one interval.
            while not self._stopping.wait(self.poll_seconds):
                later = snapshot(self.watched)
                if later == now:
                    break
                now = later
            if self._stopping.is_set():
                return
            seen = now
            try:
                self.rebuild()
            except Exception as exc:  # noqa: BLE001 - keep previewing; show the failure
                with self.lock:
                    self.problems = [Problem("", 0, 0, "preview-failed", f"the preview build failed: {exc!r}",
                                             "fix the last change; if it persists, run python build.py site")]
                    self.build_number += 1
                self.log(f"preview: build failed: {exc!r}")

    def _handler_class(self) -> type:
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.site), **kwargs)

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib's name
                pass  # a request log would drown the rebuild messages

            def do_GET(self) -> None:  # noqa: N802 - stdlib's name
                path = unquote(urlsplit(self.path).path)
                if path == LIVERELOAD_PATH:
                    self._send(200, "text/plain; charset=utf-8", str(server.build_number).encode())
                    return
                if path == LIVERELOAD_SCRIPT:
                    script = engine_root(server.root) / "theme" / "preview" / "livereload.js"
                    self._send(200, "text/javascript; charset=utf-8", script.read_bytes())
                    return
                with server.lock:
                    self.directory = str(server.site)  # the build current now, not at connection time
                    build, problems = server.build_number, list(server.problems)
                    page = self._html_file(path)
                    if problems and (page is not None or _looks_like_page(path)):
                        self._send(500, "text/html; charset=utf-8",
                                   error_page(problems, build, server.root).encode("utf-8"))
                        return
                    if page is not None:
                        text = page.read_text(encoding="utf-8")
                        self._send(200, "text/html; charset=utf-8", inject(text, build, server.root).encode("utf-8"))
                        return
                super().do_GET()

            def _html_file(self, path: str) -> Path | None:
                target = Path(self.translate_path(path))
                if target.is_dir():
                    if not path.endswith("/"):
                        return None  # the stdlib redirects to the slash form
                    target = target / "index.html"
                return target if target.suffix == ".html" and target.is_file() else None

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        return Handler


def _looks_like_page(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name == "" or name.endswith(".html") or "." not in name


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000,
          log: Callable[[str], None] | None = None, engine: str | None = None) -> int:
    """Run the preview until Ctrl-C. Returns the exit code."""
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    try:
        preview = PreviewServer(root, host, port, log=log, engine=engine)
    except OSError as exc:
        log(f"preview: cannot listen on {host}:{port} ({exc.strerror}); try --port {port + 1}")
        return 1
    try:
        preview.start()
        log(f"preview: {preview.url}  (Ctrl-C stops it)")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
    return 0
