"""Text checks on every content file: invisible characters and mistyped Thai, at exact line and column.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from pathlib import Path

from coursebuild.problems import Problem, relpath
from coursebuild.source.load import Course

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


def _joins_emoji(text: str, index: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👨‍👩‍👧, 🧑🏾‍💻, 🏳️‍🌈) is part of the emoji."""
    if index == 0 or index + 1 >= len(text):
        return False
    before, after = text[index - 1], text[index + 1]
    emoji_end = (unicodedata.category(before) == "So" or before == "\ufe0f"
                 or "\U0001f3fb" <= before <= "\U0001f3ff")  # skin-tone modifiers
    return emoji_end and unicodedata.category(after) == "So"


def check_text(path: Path, root: Path, text: str) -> list[Problem]:
    """Invisible characters and mistyped Thai, with exact line and column.

    Each pattern runs once over the whole text (none can match a line break, and each matches a
    fixed number of characters, so every search is linear); positions come from the line starts."""
    rel = relpath(path, root)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    found: list[tuple[int, Problem]] = []
    more: list[tuple[int, str]] = []  # where each kind passed MAX_REPORTED

    counts: dict[str, int] = {}

    def add(offset: int, code: str, message: str, hint: str) -> None:
        counts[code] = counts.get(code, 0) + 1
        if counts[code] <= MAX_REPORTED:
            line, column = at(offset)
            found.append((offset, Problem(rel, line, column, code, message, hint)))
        elif counts[code] == MAX_REPORTED + 1:
            more.append((offset, code))

    for m in _INVISIBLE_RE.finditer(text):
        if m.group() == "\u200d" and _joins_emoji(text, m.start()):
            continue
        add(m.start(), "invisible-char", f"invisible character U+{ord(m.group()):04X} ({INVISIBLE[m.group()]})",
            "delete it: it is usually pasted in from a web page or a chat app")
    for m in _SPLIT_SARA_AM.finditer(text):
        add(m.start(), "thai-sara-am", "ำ is typed as ํ + า (two characters)",
            f"retype it as one character: '{m.group(1)}ำ'")
    for m in _DOUBLE_SARA_E.finditer(text):
        add(m.start(), "thai-double-sara-e", "แ is typed as เ + เ (two characters)", "retype it as one character: แ")
    for m in _DOUBLE_MARK.finditer(text):
        add(m.start(), "thai-double-mark", f"the mark '\u25cc{m.group(1)}' is typed twice", "delete one of them")
    for offset, code in more:
        line, column = at(offset)
        found.append((offset, Problem(rel, line, column, code,
                                      f"{counts[code] - MAX_REPORTED:,} more of these from here on (only the first {MAX_REPORTED} are listed)",
                                      "fix the first ones; a search-and-replace in your editor fixes the rest")))
    # Line by line, as an editor reads them (and as the report sorts them anyway).
    return [problem for _, problem in sorted(found, key=lambda item: (item[1].line, _ORDER[item[1].code], item[0]))]


# A file with a thousand pasted zero-width spaces needs one message, not a thousand (333,000
# pasted ones made the report alone take a second).
MAX_REPORTED = 50


_ORDER = {"invisible-char": 0, "thai-sara-am": 1, "thai-double-sara-e": 2, "thai-double-mark": 3}


def check_texts(course: Course) -> list[Problem]:
    problems: list[Problem] = []
    for path in course.content_files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # already reported by the loader
        problems += check_text(path, course.root, text)
    return problems
