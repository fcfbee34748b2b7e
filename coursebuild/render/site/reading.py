"""Stage 3a, after MkDocs: pages easier to read for everyone (issue 16).

- Content tables become labelled regions the keyboard can reach (`role="region"`, `tabindex="0"`,
  `aria-label`): a table wider than the phone scrolls inside that region, and someone without a
  touch screen must be able to scroll it too (axe: scrollable-region-focusable, WCAG 2.1.1). Each
  cell also gets its column's name (`data-label`): when the text is large, assets/reading.css lays
  every row out as a card that names its columns, so nothing scrolls sideways (WCAG 1.4.10).
  Done here, on the finished HTML, so it does not depend on the site engine's templates.
- Search engines and link previews get a description of each page (`description` in the page's
  front matter, which Material writes as `<meta name="description">`): a lesson's objectives, a
  quiz's size and pass mark, and the course's purpose for every other page.

The text size control and read-aloud are in theme/assets/reading.js and reading.css.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from coursebuild.render.views import needed_to_pass
from coursebuild.source.load import Course, Module, Quiz

DESCRIPTION_CHARS = 200

# Python-Markdown writes tables without attributes; tables our templates write carry a class and
# are laid out for phones already (the progress page).
_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_DATA_CELL = re.compile(r"<td\b")
_TAG = re.compile(r"<[^>]+>")


def plain(fragment: str) -> str:
    """The text of an HTML fragment, on one line."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def label_table(match: re.Match, number: int | None = None) -> str:
    """One Markdown table as a focusable, labelled region whose cells know their column names.

    `number` tells tables of one page apart: each region needs a label of its own."""
    inner = match.group(1)
    names = [plain(cell) for cell in _HEADER_CELL.findall(inner)]

    def label_row(row: re.Match) -> str:
        column = iter(names)
        return _DATA_CELL.sub(lambda cell: f'<td data-label="{html.escape(next(column, ""))}"', row.group(0))

    if names:
        inner = _ROW.sub(label_row, inner)
    label = "ตาราง" + (f" {number}" if number else "") + (": " + ", ".join(n for n in names if n) if any(names) else "")
    columns = str(len(names)) if len(names) < 4 else "many"  # assets/reading.css lays them out by count
    return (f'<div class="osd-table" role="region" tabindex="0" aria-label="{html.escape(label)}" '
            f'data-columns="{columns}"><table>{inner}</table></div>')


def label_tables(page: str) -> str:
    tables = len(_TABLE.findall(page))
    numbers = iter(range(1, tables + 1))
    return _TABLE.sub(lambda match: label_table(match, next(numbers) if tables > 1 else None), page)


def finish_pages(site: Path) -> None:
    """Apply the reading changes to every page of the built site."""
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        changed = label_tables(text)
        if changed != text:
            path.write_text(changed, encoding="utf-8")


# --- descriptions ------------------------------------------------------------------------------

def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """At most `limit` characters, cut at a space, with … when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[:cut if cut > limit // 2 else limit - 1].rstrip(" ,·:") + "…"


def site_description(course: Course) -> str:
    return f"บทเรียนและแบบทดสอบ {course.config.title} อ่านบนมือถือได้แม้ไม่มีอินเทอร์เน็ต"


def module_description(module: Module) -> str:
    """What the lesson teaches, from its objectives (what a trainee can do after it)."""
    return shorten(f"{module.meta.title}: " + " · ".join(module.meta.objectives))


def quiz_description(module: Module, quiz: Quiz) -> str:
    total = len(quiz.data.questions)
    need = needed_to_pass(total, quiz.pass_mark)
    return shorten(f"แบบทดสอบท้ายบท {module.meta.title}: {total} ข้อ ผ่านเมื่อตอบถูก {need} ข้อ "
                   "ตรวจคะแนนให้ทันทีบนมือถือ")
