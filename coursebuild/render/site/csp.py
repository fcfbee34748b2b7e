"""The last word on every finished page: a Content-Security-Policy, and nothing live that the
site's own templates did not put there.

theme/main.html writes the policy into every page's <head> with a placeholder where the hashes of
inline scripts go. This step runs on the finished HTML, after the site engine (so swapping
MkDocs for another engine changes nothing here):

- it finds every inline script of every page and checks that each one comes from a template of
  the engine or of theme/ (a template's `{{ … }}` may vary: a relative path, say). Anything else,
  and any event-handler attribute, `javascript:` URL, iframe, object, embed or base element, or a
  script from another host, fails the build. Content is cleaned long before (coursebuild/trust.py);
  this is the second lock on the same door.
- it replaces the placeholder with the SHA-256 hashes of those scripts, the same list on every
  page (Material's instant navigation runs a new page's scripts under the first page's policy).

A script added to a page later, by hand or by a compromised server, matches no hash: the browser
refuses to run it. To allow a new inline script, put it in a template under theme/ (reviewed
code); to change the policy itself, edit theme/main.html (see SECURITY.md).
"""
from __future__ import annotations

import base64
import hashlib
import html.parser
import re
from pathlib import Path

from coursebuild.problems import ContentError, Problem

# In theme/main.html's policy; replaced by the hashes. Left in place, browsers ignore it as an
# unknown source, so a page built without this step still runs no inline script at all.
HASHES_PLACEHOLDER = "'osd-script-hashes'"
CSP_META = "content-security-policy"
_POLICY = re.compile(r'(<meta http-equiv="Content-Security-Policy" content="[^"<>]*?)' + re.escape(HASHES_PLACEHOLDER))

_NOT_JAVASCRIPT = {"application/json", "application/ld+json", "text/template", "text/plain"}
_FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}
_LIVE_URL = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)", re.I)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TEMPLATE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
# What a template expression may put inside one of its inline scripts: a path or an address.
# Narrow on purpose: no quote, bracket or semicolon, so it cannot end a string and add code.
_EXPRESSION = r"[^\s\"'`<>\\;,(){}\[\]]*"


class _Page(html.parser.HTMLParser):
    """Inline scripts, live attributes and forbidden elements of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.findings: list[str] = []
        self.policies = 0
        self._script: list[str] | None = None
        self._seen_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _FORBIDDEN_TAGS:
            self.findings.append(f"a <{tag}> element")
        for name, value in values.items():
            if name.startswith("on"):
                self.findings.append(f"an event handler {name}= on <{tag}>")
            elif name in _URL_ATTRIBUTES and _LIVE_URL.match(value):
                self.findings.append(f"a script address {name}=\"{value[:40]}\" on <{tag}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == CSP_META:
            self.policies += 1
            if self._seen_script:
                self.findings.append("the Content-Security-Policy comes after a script")
        if tag == "script":
            self._seen_script = True
            src = values.get("src")
            if src is not None:
                if re.match(r"^\s*(?:[a-z][\w+.-]*:|//)", src, re.I):
                    self.findings.append(f"a script from another address ({src[:60]})")
            elif values.get("type", "").strip().lower() not in _NOT_JAVASCRIPT:
                self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


def read_page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


_TEMPLATE_PATTERNS: dict[tuple, list[re.Pattern]] = {}


def template_scripts(template_dirs: list[Path]) -> list[re.Pattern]:
    """Every inline script written in the engine's and theme/'s templates, as a pattern.

    Remembered per set of template files (path, size, modification time): a preview rebuilds on
    every save and the engine's templates do not change meanwhile."""
    files = [path for folder in template_dirs for path in (sorted(folder.rglob("*.html")) if folder.is_dir() else [])]
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    patterns = _TEMPLATE_PATTERNS.get(key)
    if patterns is None:
        patterns = []
        for path in files:
            for body in _TEMPLATE_SCRIPT.findall(path.read_text(encoding="utf-8")):
                parts = _JINJA.split(body)
                patterns.append(re.compile(_EXPRESSION.join(re.escape(p) for p in parts), re.S))
        _TEMPLATE_PATTERNS.clear()  # one set of templates at a time
        _TEMPLATE_PATTERNS[key] = patterns
    return patterns


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inspect_page(text: str, known: list[re.Pattern]) -> tuple[list[str], list[str]]:
    """(findings, inline scripts) of one finished page. Each finding is something the page must
    not have, worded to follow "the built page has"; `known` are template_scripts()."""
    page = read_page(text)
    findings = list(page.findings)
    if page.policies != 1 or not _POLICY.search(text):
        findings.append(f"{page.policies} Content-Security-Policy tags (theme/main.html must write one)")
    for script in page.scripts:
        if not any(pattern.fullmatch(script) for pattern in known):
            findings.append(f"an inline script that no template wrote: {script.strip()[:60]!r}")
    return findings, page.scripts


def page_problems(name: str, findings: list[str]) -> list[Problem]:
    return [Problem(name, 0, 0, "site-unsafe-html", f"the built page has {finding}",
                    "content cannot add this (coursebuild/trust.py); look at the theme and the engine")
            for finding in findings]


def policy_hashes(scripts) -> str:
    """The policy's script sources for every inline script of the site, in a fixed order."""
    return " ".join(sorted({script_hash(s) for s in scripts}))


def fill_policy(text: str, hashes: str) -> str:
    # Only inside the policy: the same words in a lesson's text stay as they are.
    return _POLICY.sub(lambda m: m.group(1) + hashes, text, count=1)


def secure_pages(site: Path, template_dirs: list[Path]) -> str:
    """Check every page of `site` and fill in its policy. Returns the hash list it used."""
    known = template_scripts(template_dirs)
    texts: dict[Path, str] = {}
    scripts: set[str] = set()
    problems: list[Problem] = []
    for path in sorted(site.rglob("*.html")):
        text = texts[path] = path.read_text(encoding="utf-8")
        findings, found = inspect_page(text, known)
        problems += page_problems(path.relative_to(site).as_posix(), findings)
        scripts.update(found)
    if problems:
        raise ContentError(problems)
    hashes = policy_hashes(scripts)
    for path, text in texts.items():
        path.write_text(fill_policy(text, hashes), encoding="utf-8")
    return hashes
