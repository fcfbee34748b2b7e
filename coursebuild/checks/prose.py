"""The course's prose as the terms, claims and quiz checks read it.

Every piece of text a trainee or trainer reads, as a `Prose` item with its file position: each
line of a Markdown body, each front matter field (title, objectives, key points, references) and
each quiz text (title, prompt, choices, feedback, explanation). Each item also comes blanked where
no check should look (code, HTML comments, heading ids, link targets), as one copy for the terms
linter and one for the claims check, with the same length, so an offset found in a copy is an
offset in the text.

Positions come from the parser: a body line is a line; a YAML string starts where the YAML node
starts, and an offset inside it is placed in the file by `Prose.position`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from coursebuild.source.load import Course, Page
from coursebuild.source.yamlsource import Located

# Where each check reads: the terms linter leaves references alone (an agency's page title is
# quoted as the agency wrote it); the claims check reads everything, URLs included.
TERMS_FIELDS = frozenset({"body", "title", "objective", "key point", "quiz title", "prompt", "choice", "feedback",
                          "explanation"})

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
ALLOW = re.compile(r"<!--\s*terms:\s*allow\s*-->")
ALLOW_END = re.compile(r"<!--\s*terms:\s*end\s*-->")
_ALLOWED = re.compile(r"<!--\s*terms:\s*allow\s*-->.*?(?:<!--\s*terms:\s*end\s*-->|\Z)", re.S)
_CODE = re.compile(r"(`+)[^`\n]*?\1")
_HEADING_ID = re.compile(r"\{[ \t]*[#:.][^}\n]*\}")
_LINK_TARGET = re.compile(r"\]\(([^()\s]*(?:\([^()\s]*\))?[^()\s]*)(?:[ \t]+\"[^\"\n]*\")?\)")
_REFERENCE_DEF = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*(\S+)", re.M)
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']+")
# An ordered-list marker ("1. ", "  2) ") is numbering, not a claim.
_LIST_MARKER = re.compile(r"^([ \t]*(?:>[ \t]*)?)([0-9๐-๙]+)(?=[.)][ \t])", re.M)
# The numbered items of a trainer note's common-misconceptions line: "(1) … (2) …".
_MISCONCEPTIONS = re.compile(r"^[ \t]*\*\*ความเข้าใจผิดที่พบบ่อย:\*\*.*$", re.M)
_ITEM_NUMBER = re.compile(r"\(([0-9๐-๙]+)\)(?=[ \t])")


_LATIN = re.compile("[A-Za-z]")
_ASCII_WORD = re.compile("[A-Za-z0-9]")


def literal_pattern(words: Iterable[str]) -> re.Pattern:
    """One alternation of literal words, longest first, so the longest wins at any position.

    A Latin word must end at a word end here and start at one (`starts_word`); Thai words match
    anywhere, since Thai has no spaces between words. Every branch starts with its literal, which
    lets `re` skip ahead to a possible first letter: a lookbehind at the start of a branch would
    defeat that and make the scan several times slower.
    """
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        parts.append(re.escape(word) + ("(?![A-Za-z0-9])" if _LATIN.search(word) else ""))
    return re.compile("|".join(parts) or "(?!)")


def starts_word(text: str, match: re.Match) -> bool:
    """False for a Latin word matched in the middle of a longer one (ThaiD inside xThaiD)."""
    start = match.start()
    return not (start and _LATIN.search(match.group()) and _ASCII_WORD.match(text[start - 1]))


def _blank(text: str, start: int, end: int) -> str:
    """Spaces over text[start:end], keeping line breaks so lines stay where they were."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _blank_all(text: str, pattern: re.Pattern, group: int = 0, keep=None) -> str:
    for m in reversed(list(pattern.finditer(text))):
        if keep is None or not keep(m.group(group)):
            text = _blank(text, m.start(group), m.end(group))
    return text


def _is_web_address(target: str) -> bool:
    return target.startswith(("http://", "https://", "www."))


def masked(text: str, *, fenced: bool = False) -> tuple[str, str]:
    """(for the terms linter, for the claims check): `text` with what they skip blanked.

    Both skip code, HTML comments, heading ids and link targets. The terms linter also skips web
    addresses and text between <!-- terms: allow --> and <!-- terms: end -->; the claims check
    reads web addresses (their domains are claims) and skips list numbering.
    """
    if fenced:
        lines = text.split("\n")
        inside = ""
        for index, line in enumerate(lines):
            m = _FENCE.match(line)
            if inside or m:
                if m and not inside:
                    inside = m.group(1)[0] * 3
                elif m and m.group(1).startswith(inside):
                    inside = ""
                lines[index] = " " * len(line)
        text = "\n".join(lines)
    terms = _blank_all(text, _ALLOWED)
    out = []
    for version in (terms, text):
        version = _blank_all(version, _COMMENT)
        version = _blank_all(version, _CODE)
        version = _blank_all(version, _HEADING_ID)
        out.append(version)
    terms, claims = out
    terms = _blank_all(terms, _LINK_TARGET, 1)
    terms = _blank_all(terms, _REFERENCE_DEF, 1)
    terms = _blank_all(terms, _AUTOLINK, 1)
    terms = _blank_all(terms, _URL)
    claims = _blank_all(claims, _LINK_TARGET, 1, keep=_is_web_address)
    claims = _blank_all(claims, _REFERENCE_DEF, 1, keep=_is_web_address)
    return terms, claims


def mask_numbering(text: str) -> str:
    """Blank list numbering and misconception item numbers (Markdown bodies only)."""
    text = _blank_all(text, _LIST_MARKER, 2)
    for m in reversed(list(_MISCONCEPTIONS.finditer(text))):
        line = _blank_all(m.group(), _ITEM_NUMBER, 1)
        text = text[:m.start()] + line + text[m.end():]
    return text


@dataclass(frozen=True)
class Prose:
    """One piece of text as written, with its position and its blanked copies."""

    path: str
    field: str  # "body", "title", "objective", "key point", "reference title", "reference url",
    #             "quiz title", "prompt", "choice", "feedback", "explanation"
    text: str
    for_terms: str
    for_claims: str
    line: int  # of text[0]
    column: int
    source: tuple[str, ...] = ()  # for a YAML string: the file's lines, to place an offset inside it

    def position(self, offset: int, length: int = 1) -> tuple[int, int]:
        """The file line and column of text[offset]."""
        if not self.source:
            return self.line, self.column + offset
        return _place_in_scalar(self.source, self.line, self.column, self.text, offset, length)


def _place_in_scalar(lines: tuple[str, ...], line: int, column: int, value: str, offset: int,
                     length: int) -> tuple[int, int]:
    first = lines[line - 1] if 0 < line <= len(lines) else ""
    start = column - 1
    if first[start:start + 1] in ("'", '"'):
        start += 1
    end = offset + max(length, 1)
    if first[start:start + end] == value[:end]:
        return line, start + offset + 1  # written as it reads, on one line: the common case
    # Folded, literal, escaped or continued on later lines: find the same occurrence of the
    # text at `offset` in the file, counting from where the YAML string starts.
    needle = value[offset:offset + max(length, 1)]
    nth = _count(value[:offset], needle)
    rest = "\n".join([first[column - 1:], *lines[line:]])
    at = -1
    for _ in range(nth + 1):
        at = rest.find(needle, at + 1)
        if at < 0:
            return line, column
    before = rest[:at]
    newlines = before.count("\n")
    if not newlines:
        return line, column + at
    return line + newlines, at - before.rfind("\n")


def _count(text: str, needle: str) -> int:
    count, at = 0, text.find(needle)
    while at >= 0:
        count += 1
        at = text.find(needle, at + 1)
    return count


def course_prose(course: Course) -> list[Prose]:
    """Every piece of prose of the course, pages first, then quizzes."""
    out: list[Prose] = []
    for page in [course.home, *(m.page for m in course.modules), *course.pages]:
        out += page_prose(page)
    for quiz in course.quizzes.values():
        out += _yaml_prose(quiz.path, quiz.source.read_text(encoding="utf-8"), quiz.tree, _quiz_fields(quiz.tree))
    return out


def page_prose(page: Page) -> list[Prose]:
    out: list[Prose] = []
    if page.front_matter is not None:
        out += _yaml_prose(page.path, page.source.read_text(encoding="utf-8"), page.front_matter,
                           _front_matter_fields(page.front_matter))
    terms, claims = masked(page.body, fenced=True)
    claims = mask_numbering(claims)
    for index, (text, for_terms, for_claims) in enumerate(zip(page.body.split("\n"), terms.split("\n"),
                                                              claims.split("\n"))):
        if text.strip():
            out.append(Prose(page.path, "body", text, for_terms, for_claims, page.body_line + index, 1))
    return out


def _yaml_prose(path: str, text: str, tree: Located | None, fields: Iterator[tuple[str, Located]]) -> list[Prose]:
    if tree is None:
        return []
    lines = tuple(text.replace("\r\n", "\n").split("\n"))
    out = []
    for name, item in fields:
        if isinstance(item.value, (str, int, float)) and not isinstance(item.value, bool):
            value = str(item.value)
            for_terms, for_claims = masked(value)
            if name == "reference url":
                for_terms = " " * len(value)
            out.append(Prose(path, name, value, for_terms, for_claims, item.line, item.column, lines))
    return out


def _get(item: Located | None, key: str) -> Located | None:
    return item.value.get(key) if item is not None and isinstance(item.value, dict) else None


def _items(item: Located | None) -> list[Located]:
    return item.value if item is not None and isinstance(item.value, list) else []


def _front_matter_fields(tree: Located) -> Iterator[tuple[str, Located]]:
    if (title := _get(tree, "title")) is not None:
        yield "title", title
    for name, field in (("objectives", "objective"), ("key_points", "key point")):
        for item in _items(_get(tree, name)):
            yield field, item
    for reference in _items(_get(tree, "references")):
        for key, field in (("title", "reference title"), ("url", "reference url")):
            if (item := _get(reference, key)) is not None:
                yield field, item


def _quiz_fields(tree: Located | None) -> Iterator[tuple[str, Located]]:
    if (title := _get(tree, "title")) is not None:
        yield "quiz title", title
    for question in _items(_get(tree, "questions")):
        if (prompt := _get(question, "prompt")) is not None:
            yield "prompt", prompt
        for choice in _items(_get(question, "choices")):
            for key, field in (("text", "choice"), ("feedback", "feedback")):
                if (item := _get(choice, key)) is not None:
                    yield field, item
        if (explanation := _get(question, "explanation")) is not None:
            yield "explanation", explanation
