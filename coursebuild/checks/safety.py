"""What the build will not publish: HTML outside the allow-list, unsafe addresses, paths that leave
the content folders, symbolic links, a site_url that is not a web address.

The rules live in coursebuild/trust.py and the build applies them whatever `check` said; this
module reports them at file:line:col, so that a reviewer sees them in the pull request.
"""
from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from coursebuild import trust
from coursebuild.checks.links import all_pages
from coursebuild.markup import render_markdown
from coursebuild.problems import Problem
from coursebuild.source.load import Course

ROSTER_DIR = "roster"


class _Locator:
    """Positions of needles in a file's lines, each found after the previous find of the same
    needle, so that two identical mistakes get two positions."""

    def __init__(self, lines: list[str], first_line: int):
        self.lines = lines
        self.first_line = first_line
        self.after: dict[str, tuple[int, int]] = {}

    def find(self, needle: str, start: int = 0) -> tuple[int, int]:
        index, column = max(self.after.get(needle, (start, -1)), (start, -1))
        lowered = needle.lower()
        for i in range(index, len(self.lines)):
            found = self.lines[i].lower().find(lowered, column + 1 if i == index else 0)
            if found >= 0:
                self.after[needle] = (i, found)
                return self.first_line + i, found + 1
        return self.first_line + start, 1


def _markup(root: Path, text: str) -> str:
    """The HTML `text` renders to, uncleaned. Without '<', ']' or '{' Markdown can only make tags
    and attributes of its own (paragraphs, emphasis, lists), so most quiz fields skip rendering."""
    if not any(c in text for c in "<]{"):
        return ""
    return render_markdown(root, text, sanitise=False)


def _report(fragment: str, source: str, locator: _Locator, start: int = 0) -> list[Problem]:
    problems = []
    for item in trust.dropped(fragment, source):
        line, column = locator.find(item.needle, start)
        problems.append(Problem(source, line, column, item.code, item.message, item.hint))
    return problems


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []  # the loader has reported it


def check_content_html(course: Course) -> list[Problem]:
    """Every piece of content that becomes HTML: page bodies, module front matter, quiz fields."""
    root = course.root
    problems: list[Problem] = []
    for page in all_pages(course):
        locator = _Locator(page.body.split("\n"), page.body_line)
        problems += _report(render_markdown(root, page.body, sanitise=False), page.path, locator)
    for module in course.modules:
        locator = _Locator(_read_lines(module.page.source), 1)
        for text in [*module.meta.objectives, *module.meta.key_points]:
            problems += _report(_markup(root, text), module.page.path, locator)
    for quiz in course.quizzes.values():
        locator = _Locator(_read_lines(quiz.source), 1)
        for q in quiz.data.questions:
            texts = [q.prompt, q.explanation, *(c.text for c in q.choices), *(c.feedback for c in q.choices)]
            for text in texts:
                if text:
                    problems += _report(_markup(root, text), quiz.path, locator, max(q.line - 1, 0))
    return problems


def check_addresses(course: Course) -> list[Problem]:
    """site_url and reference addresses: real http(s) addresses, nothing that could become markup."""
    problems: list[Problem] = []
    config_path = "course/course.yml"
    config_lines = _Locator(_read_lines(course.course_dir / "course.yml"), 1)
    if not is_web_address(course.config.site_url):
        line, column = config_lines.find("site_url:")
        problems.append(Problem(config_path, line, column, "unsafe-url",
                                f"site_url '{course.config.site_url}' is not a plain http(s) address",
                                "write the site's address, e.g. https://example.org/course/"))
    for module in course.modules:
        locator = _Locator(_read_lines(module.page.source), 1)
        for reference in module.meta.references:
            if not is_web_address(reference.url):
                line, column = locator.find(reference.url)
                problems.append(Problem(module.page.path, line, column, "unsafe-url",
                                        f"reference address '{reference.url}' is not a plain http(s) address",
                                        "copy the address from the browser's address bar, e.g. https://example.org/page"))
    for organiser in course.config.organisers:
        if organiser.logo and trust.url_problem(organiser.logo, "src", config_path):
            line, column = config_lines.find(organiser.logo)
            problems.append(Problem(config_path, line, column, "path-outside",
                                    f"the logo '{organiser.logo}' of {organiser.name} is outside course/",
                                    "put the logo in course/images/ and write images/name.svg"))
    return problems


def is_web_address(url: str) -> bool:
    """An http(s) address with a host and nothing a browser or a template could misread."""
    if any(c.isspace() or c in "\"'<>\\`" or ord(c) < 0x20 for c in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and "@" not in parts.netloc


def check_symlinks(course: Course) -> list[Problem]:
    """Content folders and cohort folders hold real files only."""
    folders = [course.root / name for name in trust.CONTENT_ROOTS]
    roster = course.root / ROSTER_DIR
    if roster.is_dir():
        folders += sorted(p for p in roster.iterdir() if p.is_dir() or p.is_symlink())
    return trust.symlink_problems(course.root, folders)


# Folders the build writes and reads back: build/ holds caches whose entries are reused as they
# are (a cached handout PDF is copied into site/ without being rendered), site/ and dist/ are
# outputs. A commit must never supply them: a pull request that adds build/print-cache/<key>
# with the key of the current content would publish its own PDF as a handout.
BUILD_OWNED = ("build", "site", "dist")


def check_tracked_outputs(root: Path) -> list[Problem]:
    """Files git tracks under build/, site/ or dist/: refused before any cache is read."""
    if not (root / ".git").exists():
        return []
    try:
        done = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--", *BUILD_OWNED],
                              capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return []  # no git at hand: nothing can have come from a commit through it
    if done.returncode != 0:
        return []
    names = sorted(name for name in done.stdout.decode("utf-8", "replace").split("\0") if name)
    problems = []
    for folder in BUILD_OWNED:  # one problem per folder: a committed site/ is hundreds of files
        tracked = [name for name in names if name.startswith(f"{folder}/")]
        if tracked:
            problems.append(Problem(
                tracked[0], 0, 0, "tracked-output",
                f"{len(tracked)} file(s) under {folder}/, a folder the build writes, are tracked by git: a "
                "commit could plant a cached PDF or page that the build would publish unchecked",
                f"remove them from git (git rm -r --cached {folder}/) and from the pull request; the build "
                "makes this folder itself"))
    return problems
