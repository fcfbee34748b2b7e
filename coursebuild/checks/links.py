"""Links, anchors and images: every target must be a page, heading or file of the course.
"""
from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from coursebuild import trust
from coursebuild.markup import render_markdown
from coursebuild.page_links import Reference, page_references
from coursebuild.problems import Problem
from coursebuild.source.load import Course, Page

_ID_RE = re.compile(r'\bid="([^"]+)"')


def page_anchors(course: Course) -> dict[str, tuple[set[str], list[Reference]]]:
    """For every page (by name relative to course/): its anchors, and its links and images, each
    with the position the parse gives it (coursebuild/page_links.py)."""
    out = {}
    for page in all_pages(course):
        rendered = render_markdown(course.root, page.body, sanitise=False)
        anchors = {html.unescape(a) for a in _ID_RE.findall(rendered)}
        out[page.name] = (anchors, list(page_references(course.root, page.body, page.body_line)))
    return out


def _position(page: Page, reference: Reference) -> tuple[int, int]:
    """Where the reference is written; the body's first line for one the parse made itself."""
    return (reference.line, reference.column) if reference.line else (page.body_line, 1)


def all_pages(course: Course) -> list[Page]:
    return [course.home, *(m.page for m in course.modules), *course.pages]


def check_links(course: Course) -> list[Problem]:
    problems: list[Problem] = []
    pages = {p.name: p for p in all_pages(course)}
    info = page_anchors(course)
    for name, page in pages.items():
        _, references = info[name]
        for reference in (r for r in references if r.kind == "link"):
            target = reference.url
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith("mailto:"):
                continue  # external: checked only on demand
            if trust.url_problem(target, "href", page.path):
                continue  # outside the content: checks/safety.py reports it
            line, col = _position(page, reference)
            if not parts.path:
                anchor = unquote(parts.fragment)
                if anchor and anchor not in info[name][0]:
                    problems.append(_bad_anchor(page, line, col, anchor, name, info[name][0]))
                continue
            dest = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
            if dest not in pages:
                exists = (course.course_dir / dest).exists()
                hint = ("link to the .md file of a page listed in course.yml"
                        if exists else "check the file name; links are relative to this file, e.g. ../glossary.md")
                problems.append(Problem(page.path, line, col, "broken-link",
                                        f"link to '{target}', which is not a page of the course", hint))
                continue
            anchor = unquote(parts.fragment)
            if anchor and anchor not in info[dest][0]:
                problems.append(_bad_anchor(page, line, col, anchor, dest, info[dest][0]))
        for reference in (r for r in references if r.kind == "image"):
            src = reference.url
            line, col = _position(page, reference)
            if trust.url_problem(src, "src", page.path):
                pass  # outside the content or an unsafe address: checks/safety.py reports it
            elif not urlsplit(src).scheme:
                if not _is_file(course.course_dir / posixpath.dirname(name) / unquote(src)):
                    problems.append(Problem(page.path, line, col, "missing-image",
                                            f"image '{src}' does not exist",
                                            "put the image in course/images/ and link it as ../images/name.svg"))
            else:
                problems.append(Problem(page.path, line, col, "external-image",
                                        f"image '{src}' is loaded from another site",
                                        "save the image in course/images/: the site must work offline"))
            if not (reference.alt or "").strip():
                problems.append(Problem(page.path, line, col, "image-no-alt", f"image '{src}' has no alt text",
                                        "describe the picture between the brackets: ![คำอธิบาย](../images/x.svg)"))
    return problems


def _bad_anchor(page: Page, line: int, col: int, anchor: str, dest: str, anchors: set[str]) -> Problem:
    import difflib

    close = difflib.get_close_matches(anchor, sorted(anchors), n=1)
    hint = f"did you mean '#{close[0]}'?" if close else "link to a heading; give it a fixed id with {#my-id}"
    return Problem(page.path, line, col, "broken-anchor", f"'{dest}' has no heading '#{anchor}'", hint)


def _is_file(path: Path) -> bool:
    """False, not an exception, for names no file can have (a NUL byte, a name too long)."""
    try:
        return path.resolve().is_file()
    except (OSError, ValueError):
        return False


def is_outside(src: str, source: str) -> bool:
    """An image address that is not a file of the content: another host, a scheme, or a path out."""
    return bool(urlsplit(src).scheme) or src.startswith("//") or trust.content_path(source, src) is None


def check_quiz_images(course: Course) -> list[Problem]:
    problems: list[Problem] = []
    for quiz in course.quizzes.values():
        for q in quiz.data.questions:
            if q.image and is_outside(q.image.src, quiz.path):
                problems.append(Problem(quiz.path, q.line, q.column, "path-outside",
                                        f"question {q.id}: image '{q.image.src}' is not a file of the course",
                                        "save the image in course/images/ and write ../course/images/name.svg"))
            elif q.image and not _is_file(quiz.source.parent / q.image.src):
                problems.append(Problem(quiz.path, q.line, q.column, "missing-image",
                                        f"question {q.id}: image '{q.image.src}' does not exist",
                                        "paths are relative to the quiz file, e.g. ../course/images/x.svg"))
    return problems
