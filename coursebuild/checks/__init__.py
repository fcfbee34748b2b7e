"""Stage 2: checks over the loaded course. Each returns a list of Problems; none prints."""
from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from coursebuild.markup import render_markdown, strip_admonitions
from coursebuild.problems import Problem, relpath
from coursebuild.source.load import COURSE_DIR, Course, Page, locate

# Characters that are invisible on screen but break search, sorting and line breaking.
INVISIBLE = {
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u2060": "word joiner",
    "\ufeff": "byte-order mark / zero-width no-break space",
    "\u00ad": "soft hyphen",
    "\u180e": "Mongolian vowel separator",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    **{chr(c): "bidirectional control" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
_INVISIBLE_RE = re.compile("[" + "".join(INVISIBLE) + "]")
# ำ (SARA AM) typed as NIKHAHIT + SARA AA, possibly with a tone mark between: looks the same,
# but search and line breaking treat it as different text.
_SPLIT_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
# แ typed as two เ: looks almost the same, never matches in search.
_DOUBLE_SARA_E = re.compile("\u0e40\u0e40")
# The same above/below mark typed twice renders as one on most phones but breaks search.
_DOUBLE_MARK = re.compile("([\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])\\1")


def _joins_emoji(line: str, index: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👨‍👩‍👧, 🧑🏾‍💻, 🏳️‍🌈) is part of the emoji."""
    if index == 0 or index + 1 >= len(line):
        return False
    before, after = line[index - 1], line[index + 1]
    emoji_end = (unicodedata.category(before) == "So" or before == "\ufe0f"
                 or "\U0001f3fb" <= before <= "\U0001f3ff")  # skin-tone modifiers
    return emoji_end and unicodedata.category(after) == "So"


def check_text(path: Path, root: Path, text: str) -> list[Problem]:
    """Invisible characters and mistyped Thai, with exact line and column."""
    rel = relpath(path, root)
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), 1):
        for m in _INVISIBLE_RE.finditer(line):
            if m.group() == "\u200d" and _joins_emoji(line, m.start()):
                continue
            name = INVISIBLE[m.group()]
            problems.append(Problem(rel, number, m.start() + 1, "invisible-char",
                                    f"invisible character U+{ord(m.group()):04X} ({name})",
                                    "delete it: it is usually pasted in from a web page or a chat app"))
        for m in _SPLIT_SARA_AM.finditer(line):
            problems.append(Problem(rel, number, m.start() + 1, "thai-sara-am",
                                    "ำ is typed as ํ + า (two characters)",
                                    f"retype it as one character: '{m.group(1)}ำ'"))
        for m in _DOUBLE_SARA_E.finditer(line):
            problems.append(Problem(rel, number, m.start() + 1, "thai-double-sara-e",
                                    "แ is typed as เ + เ (two characters)", "retype it as one character: แ"))
        for m in _DOUBLE_MARK.finditer(line):
            problems.append(Problem(rel, number, m.start() + 1, "thai-double-mark",
                                    f"the mark '\u25cc{m.group(1)}' is typed twice", "delete one of them"))
    return problems


def check_texts(course: Course) -> list[Problem]:
    problems: list[Problem] = []
    for path in course.content_files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # already reported by the loader
        problems += check_text(path, course.root, text)
    return problems


# --- links, anchors and images ------------------------------------------------------------------

_ID_RE = re.compile(r'\bid="([^"]+)"')
_HREF_RE = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"')
_SRC_RE = re.compile(r'<img\b[^>]*?\bsrc="([^"]*)"[^>]*>')
_ALT_RE = re.compile(r'\balt="([^"]*)"')


def page_anchors(course: Course) -> dict[str, tuple[set[str], list[str], list[str]]]:
    """For every page (by name relative to course/): its anchors, link targets and image tags."""
    out = {}
    for page in all_pages(course):
        rendered = render_markdown(course.root, page.body)
        anchors = {html.unescape(a) for a in _ID_RE.findall(rendered)}
        links = [html.unescape(h) for h in _HREF_RE.findall(rendered)]
        images = _SRC_RE.findall(rendered) and [m.group(0) for m in _SRC_RE.finditer(rendered)]
        out[page.name] = (anchors, links, images or [])
    return out


def all_pages(course: Course) -> list[Page]:
    return [course.home, *(m.page for m in course.modules), *course.pages]


def check_links(course: Course) -> list[Problem]:
    problems: list[Problem] = []
    pages = {p.name: p for p in all_pages(course)}
    info = page_anchors(course)
    for name, page in pages.items():
        _, links, images = info[name]
        for target in links:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith("mailto:"):
                continue  # external: checked only on demand
            line, col = locate(page, target.split("#")[0] or target)
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
        for tag in images:
            src = html.unescape(_SRC_RE.match(tag).group(1))
            alt = _ALT_RE.search(tag)
            line, col = locate(page, src)
            if not urlsplit(src).scheme:
                if not _is_file(course.course_dir / posixpath.dirname(name) / unquote(src)):
                    problems.append(Problem(page.path, line, col, "missing-image",
                                            f"image '{src}' does not exist",
                                            "put the image in course/images/ and link it as ../images/name.svg"))
            else:
                problems.append(Problem(page.path, line, col, "external-image",
                                        f"image '{src}' is loaded from another site",
                                        "save the image in course/images/: the site must work offline"))
            if not alt or not alt.group(1).strip():
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


def check_quiz_images(course: Course) -> list[Problem]:
    problems: list[Problem] = []
    for quiz in course.quizzes.values():
        for q in quiz.data.questions:
            if q.image and not _is_file(quiz.source.parent / q.image.src):
                problems.append(Problem(quiz.path, q.line, q.column, "missing-image",
                                        f"question {q.id}: image '{q.image.src}' does not exist",
                                        "paths are relative to the quiz file, e.g. ../course/images/x.svg"))
    return problems


def check_trainer_notes_closed(course: Course) -> list[Problem]:
    """A trainer note written without its 4-space indent would leak onto the trainee site."""
    problems: list[Problem] = []
    for page in all_pages(course):
        lines = page.body.split("\n")
        for index, line in enumerate(lines):
            if re.match(r"^\s*(!!!|\?\?\?\+?)\s+trainer\b", line):
                rest = [x for x in lines[index + 1:] if x.strip()]
                if not rest or not rest[0].startswith(("    ", "\t")):
                    problems.append(Problem(page.path, page.body_line + index, 1, "trainer-note-empty",
                                            "the trainer note has no indented text, so its text would show to trainees",
                                            "indent the note's lines by 4 spaces under '!!! trainer'"))
    return problems


def check_search_words(course: Course) -> list[Problem]:
    """course/search-variants.yml is content too: report its mistakes in `check`, not only at build."""
    from coursebuild.render.site.search import load_search_words

    return load_search_words(course.root)[1]


def check_course(course: Course) -> list[Problem]:
    """Every check that needs the whole course loaded."""
    return [*check_texts(course), *check_links(course), *check_quiz_images(course),
            *check_trainer_notes_closed(course), *check_search_words(course)]


def trainee_body(page: Page) -> str:
    return strip_admonitions(page.body, "trainer")


__all__ = ["check_course", "check_text", "trainee_body", "COURSE_DIR"]


def load_checked_course(root: Path) -> tuple[Course | None, list[Problem]]:
    """Load and check everything. The course is returned only when no error was found."""
    from coursebuild.source.load import load_course

    course, problems = load_course(root)
    if course is not None:
        problems += check_course(course)
    if any(p.is_error for p in problems):
        return None, problems
    return course, problems
