"""Live preview: `python build.py serve` (or `make serve`).

Builds the site into a private temporary folder (never site/ or dist/: a preview is built for
its localhost address and must not replace what is about to be published), serves it, and
rebuilds when anything under course/, quizzes/, theme/ or mkdocs.yml changes (polling modification
times every 0.1 s: no extra dependency, and it works on every file system an editor uses). A
rebuild does again only what the save changed (render/site/build.py SiteBuilder): a lesson or
quiz edit shows in well under a second (bench/build.py measures it).

Every HTML page gets a small script (theme/preview/livereload.js, served from `/__livereload.js`
so that the page's Content-Security-Policy lets it run) that asks `/__livereload?since=N` for the
build number; the server answers as soon as it differs from N (or after 25 s), and the page
reloads. When the content has errors, every page shows them (theme/preview/error.html:
file:line:column, message and hint), and the preview recovers by itself once they are fixed.
"""
from __future__ import annotations

import http.server
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from markupsafe import Markup

from coursebuild import cache
from coursebuild.markup import PROJECT_ROOT, engine_root
from coursebuild.problems import ContentError, Problem
from coursebuild.report import sort_problems, summary
from coursebuild.templates import template_env

LIVERELOAD_PATH = "/__livereload"
LIVERELOAD_SCRIPT = LIVERELOAD_PATH + ".js"
WATCHED = ["course", "quizzes", "theme", "mkdocs.yml"]
POLL_SECONDS = 0.1  # a look at every watched file's date and size takes about 2 ms
LONG_POLL_SECONDS = 25  # under the usual 30 s idle limits of proxies and browsers

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
        self.lock = threading.RLock()  # held while building, so no request sees a half-built site
        self.built = threading.Condition()  # notified when build_number changes
        self._stopping = threading.Event()
        engine_dir = engine_root(self.root)
        self.watched = sorted({self.root / name for name in WATCHED} | {engine_dir / "theme", engine_dir / "mkdocs.yml"})
        self.httpd = _Server((host, port), self._handler_class())
        self.httpd.daemon_threads = True
        self._threads: list[threading.Thread] = []
        # Owner-only (mkdtemp: 0700), outside the project; removed by stop().
        self.workdir = Path(tempfile.mkdtemp(prefix="osd-preview-"))
        self.site = self.workdir / "site"  # what is served, rebuilt in place under the lock
        self.site.mkdir()
        self._builder = None  # render/site/build.py SiteBuilder, made at the first build
        self._config_digest = None

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
        with self.built:
            self.built.notify_all()  # let waiting reload requests answer now
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
            SiteBuilder,
            with_site_url,
        )
        from coursebuild.render.site.engines import choose_engine
        from coursebuild.render.site.pages import read_handout_manifest
        from coursebuild.write import sync_tree

        started = time.monotonic()
        with self.lock:
            digest = cache.file_digest(engine_root(self.root) / "mkdocs.yml")
            if digest != self._config_digest:  # read mkdocs.yml again only when it changed
                load_site_config.cache_clear()
                self._config_digest = digest
            course, problems = load_checked_course(self.root)
            full = None
            if course is not None:
                if self._builder is None:
                    # One token for the session: placeholders stay the same from build to build.
                    self._builder = SiteBuilder(self.site, self.workdir / "docs", keep=True,
                                                token=secrets.token_hex(12))
                try:
                    # Built for the preview's own address, so the engines' instant navigation works.
                    handouts = read_handout_manifest(self.root / "site")  # read, never written
                    self._builder.build(with_site_url(course, self.url), choose_engine(self.root, self.engine),
                                        handouts, incremental=True)
                    full = self._builder.last_full
                    for name in CARRIED_OVER:
                        if (self.root / "site" / name).is_dir():
                            sync_tree(self.root / "site" / name, self.site / name)
                except ContentError as exc:
                    problems = problems + exc.problems
            self.problems = problems if any(p.is_error for p in problems) else []
            self._next_build()
        if self.problems:
            self.log(f"preview: {summary(self.problems)}; the browser shows them")
        else:
            kind = "" if full is None else " (every page)" if full else " (changed pages)"
            self.log(f"preview: built in {time.monotonic() - started:.2f} s{kind}")

    def _next_build(self) -> None:
        with self.built:
            self.build_number += 1
            self.built.notify_all()

    def wait_for_build(self, seen: int, timeout: float) -> int:
        """The build number, once it differs from `seen` (or after `timeout` seconds)."""
        with self.built:
            self.built.wait_for(lambda: self.build_number != seen or self._stopping.is_set(), timeout)
            return self.build_number

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
                    self._next_build()
                self.log(f"preview: build failed: {exc!r}")

    def _handler_class(self) -> type:
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.site), **kwargs)

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib's name
                pass  # a request log would drown the rebuild messages

            def do_GET(self) -> None:  # noqa: N802 - stdlib's name
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                if path == LIVERELOAD_PATH:
                    since = parse_qs(parts.query).get("since", [""])[0]
                    number = (server.wait_for_build(int(since), LONG_POLL_SECONDS) if since.isdigit()
                              else server.build_number)
                    self._send(200, "text/plain; charset=utf-8", str(number).encode())
                    return
                if path == LIVERELOAD_SCRIPT:
                    script = engine_root(server.root) / "theme" / "preview" / "livereload.js"
                    self._send(200, "text/javascript; charset=utf-8", script.read_bytes())
                    return
                # Every file under the lock: the site is rebuilt in place, never seen half-written.
                with server.lock:
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


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that went away (a reload, a closed tab) while its request waited for the next
        build is normal for a preview; anything else is reported as the standard library does."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


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
