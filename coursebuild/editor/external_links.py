"""External links, checked only on demand (`python build.py check --external`).

Never part of a default check or of the tests' network use: builds must work offline, and a
government site that is slow today must not fail a pull request. Each distinct URL is fetched once
(HEAD, then GET for servers that refuse HEAD) by a small thread pool; every place that uses it is
reported with its line and column.
"""
from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from coursebuild.problems import Problem, relpath

TIMEOUT = 15  # seconds per request
WORKERS = 8
USER_AGENT = "osd-course-linkcheck/1 (+python build.py check --external)"

# A URL ends at whitespace or at the characters that close Markdown, HTML or YAML around it.
_URL_RE = re.compile(r"""https?://[^\s<>"'`)\]]+""")
_TRAILING = ".,;:!?"

# Statuses that mean the page is gone: the editor must fix the link.
_GONE = {404, 410}


@dataclass(frozen=True)
class Outcome:
    ok: bool
    gone: bool  # definitely broken (not found, no such host), not just unreachable now
    detail: str


@dataclass(frozen=True)
class Use:
    url: str
    path: str
    line: int
    column: int


def find_external_links(root: Path, files: list[Path]) -> list[Use]:
    """Every http(s) URL written in the content files, with its position."""
    uses = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the loader reports unreadable files
        rel = relpath(path, root)
        for number, line in enumerate(text.split("\n"), 1):
            for m in _URL_RE.finditer(line):
                url = m.group().rstrip(_TRAILING)
                uses.append(Use(url, rel, number, m.start() + 1))
    return uses


def fetch(url: str, timeout: float = TIMEOUT) -> Outcome:
    """HEAD the URL; fall back to GET when the server refuses HEAD or the HEAD fails oddly."""
    last: Outcome | None = None
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(_iri_to_uri(url), method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
                if method == "GET":
                    response.read(1024)
                return Outcome(True, False, f"HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            last = Outcome(False, exc.code in _GONE, f"HTTP {exc.code} {exc.reason}")
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, socket.gaierror):
                return Outcome(False, True, "no such host")
            last = Outcome(False, False, f"could not connect ({reason})")
        except (TimeoutError, socket.timeout):
            last = Outcome(False, False, f"no answer within {timeout:g} s")
        except (OSError, ValueError) as exc:
            last = Outcome(False, False, f"could not fetch ({exc})")
    assert last is not None
    return last


def _iri_to_uri(url: str) -> str:
    # Thai in a path (https://th.wikipedia.org/wiki/ฤดูฝน) must be percent-encoded for urllib.
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        host_ascii = host.encode("idna").decode("ascii")
    except UnicodeError:
        host_ascii = host
    netloc = host_ascii + (f":{parts.port}" if parts.port else "")
    safe = "/%:@!$&'()*+,;=-._~"
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=safe), quote(parts.query, safe=safe + "?"),
                       ""))


def check_urls(uses: list[Use], fetcher: Callable[[str], Outcome] = fetch, workers: int = WORKERS) -> list[Problem]:
    urls = sorted({u.url for u in uses})
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(urls) or 1))) as pool:
        outcomes = dict(zip(urls, pool.map(fetcher, urls)))
    problems = []
    for use in uses:
        outcome = outcomes[use.url]
        if outcome.ok:
            continue
        if outcome.gone:
            problems.append(Problem(use.path, use.line, use.column, "external-link-broken",
                                    f"link to {use.url} is broken: {outcome.detail}",
                                    "find the page's new address on the same site, or link an official page "
                                    "that says the same"))
        else:
            problems.append(Problem(use.path, use.line, use.column, "external-link-unreachable",
                                    f"could not reach {use.url}: {outcome.detail}",
                                    "open it in a browser; if it works there, the site may block robots or "
                                    "be slow today", severity="warning"))
    return problems


def check_external_links(root: Path, fetcher: Callable[[str], Outcome] = fetch) -> list[Problem]:
    """Check every external link of a course that loads; course.yml's own site_url is skipped."""
    from coursebuild.source.load import load_course

    course, _ = load_course(root)
    if course is None:
        return []  # the normal check has already reported why the course does not load
    files = [p for p in course.content_files if p.name != "course.yml"]
    return check_urls(find_external_links(course.root, files), fetcher)
