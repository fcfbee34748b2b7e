"""Print documents as HTML: lessons styled for paper, worksheets, quiz sheets, answer keys and the
course book. `handouts.py` turns these into PDFs.

Markdown is rendered with the site's own extensions (markup.render_markdown), then adapted for paper:
links to other lessons point at the site (handouts) or inside the book, images become file URLs
checked to exist, admonitions get Thai kind labels (greyscale print cannot rely on colour), and
Thai text is glued so that no line starts with ๆ, ฯ or a closing quote.
"""
from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import segno
from markupsafe import Markup

from coursebuild import trust, urls
from coursebuild.markup import (
    admonition_blocks,
    engine_root,
    render_inline,
    render_markdown,
    strip_admonitions,
)
from coursebuild.page_links import page_references
from coursebuild.problems import Problem
from coursebuild.render.print.thai_lines import glue_thai_html
from coursebuild.render.views import QuizView, format_duration, make_quiz_view
from coursebuild.source.load import Course, Module, Page
from coursebuild.templates import template_env as shared_template_env
from coursebuild.thai import number, thai_date, thai_digits

# Thai names for admonition kinds: printed in every box title so that a black-and-white copy still
# says what kind of box it is, and so that untitled boxes do not print Markdown's English "Note".
KIND_LABELS = {
    "note": "หมายเหตุ", "info": "ข้อมูล", "tip": "เคล็ดลับ", "example": "ตัวอย่าง",
    "warning": "ข้อควรระวัง", "danger": "อันตราย", "activity": "กิจกรรม",
    "neighbour": "ช่วยเพื่อนบ้าน", "trainer": "บันทึกสำหรับวิทยากร",
}
CHOICE_LETTERS = "กขคงจฉชซฌญ"

# --- Markdown → HTML for paper ------------------------------------------------------------------

_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>')
_DETAILS_OPEN = re.compile(r'<details class="([\w -]+)"(?: open(?:="[^"]*")?)?>\s*<summary>(.*?)</summary>', re.S)
_ADMONITION = re.compile(r'<div class="admonition ([\w-]+)([^"]*)">(\s*<p class="admonition-title">(.*?)</p>)?', re.S)
_ATTR = re.compile(r'(?<![\w-])(id|href|src)="([^"]*)"')
_EXTERNAL_LINK = re.compile(r'<a href="(https?://[^"]+)"([^>]*)>(.*?)</a>', re.S)
_ACTIVITY_TITLE = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s+activity(?:\s+"(?P<title>[^"]*)")?')


def section_id(page_name: str) -> str:
    """The book's anchor for a page: "modules/fake-news.md" → "m-fake-news", "glossary.md" → "p-glossary"."""
    stem = posixpath.splitext(page_name)[0]
    if stem.startswith("modules/"):
        return "m-" + stem.removeprefix("modules/")
    return "p-" + stem.replace("/", "-")


@dataclass(frozen=True)
class PaperLinks:
    """Where a page's links and anchors go on paper.

    A handout cannot link to another lesson, so lesson links become the lesson's web address. In the
    book every page is inside the same PDF: ids get the page's prefix so two lessons may both
    have "#check", and lesson links jump to the chapter.
    """

    course: Course
    in_book: bool

    def rewrite_id(self, page: Page, fragment: str) -> str:
        return f"{section_id(page.name)}--{fragment}" if self.in_book else fragment

    def rewrite_href(self, page: Page, target: str) -> str:
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or target.startswith("mailto:"):
            return target
        fragment = unquote(parts.fragment)
        if not parts.path:
            return "#" + self.rewrite_id(page, fragment) if fragment else target
        name = posixpath.normpath(posixpath.join(posixpath.dirname(page.name), unquote(parts.path)))
        if self.in_book:
            if name == "index.md":
                return "#book-cover"
            anchor = section_id(name)
            return f"#{anchor}--{fragment}" if fragment else f"#{anchor}"
        if name.startswith("modules/"):
            path = urls.module_path(posixpath.splitext(name.removeprefix("modules/"))[0])
        elif name == "index.md":
            path = ""
        else:
            path = urls.page_path(name)
        return urls.absolute(self.course.config.site_url, path) + (f"#{parts.fragment}" if parts.fragment else "")


def render_for_paper(course: Course, page: Page, body: str, links: PaperLinks, first_line: int | None = None,
                     indent: int = 0) -> tuple[Markup, list[Problem]]:
    """Render a page body (already stripped of what this edition must not show) for print.

    `body` starts at line `first_line` of the page's file (default: the body's own first line),
    its lines shortened by `indent` columns (a worksheet taken out of an indented block)."""
    first_line = page.body_line if first_line is None else first_line
    # Where each image is written, from the parse (coursebuild/page_links.py): the cleaned page
    # below keeps the images in the same order, and the same address is always kept or removed
    # alike, so the n-th image with an address is the n-th one written with it.
    written: dict[str, list[tuple[int, int]]] = {}
    for reference in page_references(course.root, body, first_line):
        if reference.kind == "image":
            position = (reference.line, reference.column + indent) if reference.line else (first_line, 1)
            written.setdefault(reference.url, []).append(position)
    # Cleaned with the page as its source: a link or image may not leave the content folders.
    rendered = render_markdown(course.root, body, page.path)
    rendered = _HEADERLINK.sub("", rendered)
    # Print has no "click to open": collapsible blocks print open, as ordinary boxes.
    rendered = _DETAILS_OPEN.sub(r'<div class="admonition \1"><p class="admonition-title">\2</p>', rendered)
    rendered = rendered.replace("</details>", "</div>")
    rendered = _ADMONITION.sub(_label_admonition, rendered)
    problems: list[Problem] = []

    def rewrite(match: re.Match) -> str:
        attr, value = match.group(1), html.unescape(match.group(2))
        if attr == "id":
            value = links.rewrite_id(page, value)
        elif attr == "href":
            value = links.rewrite_href(page, value)
        else:
            positions = written.get(value)
            value = resolve_image(course, page, value, problems,
                                  positions.pop(0) if positions else (first_line, 1))
        return f'{attr}="{html.escape(value)}"'

    rendered = re.sub(r"<[a-z][^>]*>", lambda tag: _ATTR.sub(rewrite, tag.group(0)), rendered)
    rendered = _EXTERNAL_LINK.sub(_show_url, rendered)
    return Markup(rendered), problems


def resolve_image(course: Course, page: Page, src: str, problems: list[Problem],
                  position: tuple[int, int]) -> str:
    """A lesson image as a file URL, or a problem at `position` (line, column) if it is missing."""
    line, column = position
    if urlsplit(src).scheme:
        problems.append(Problem(page.path, line, column, "external-image", f"image '{src}' is not a local file",
                                "save the image in course/images/ and link it as ../images/name.svg"))
        return src
    file = (page.source.parent / unquote(src)).resolve()
    if not trust.is_inside(file, content_roots(course)):
        # Through a symbolic link: the sanitiser saw a path inside course/, the file is elsewhere.
        problems.append(Problem(page.path, line, column, "path-outside", f"image '{src}' is outside the course",
                                "copy the image into course/images/ instead of linking to it"))
        return src
    if not file.is_file():
        problems.append(Problem(page.path, line, column, "missing-image", f"image '{src}' does not exist",
                                "put the image in course/images/ and link it as ../images/name.svg"))
    return file.as_uri()


def content_roots(course: Course) -> list[Path]:
    """The folders print may read content files from (coursebuild/trust.py CONTENT_ROOTS)."""
    return [course.root / name for name in trust.CONTENT_ROOTS]


def _label_admonition(match: re.Match) -> str:
    kind, more, title = match.group(1), match.group(2), match.group(4)
    label = KIND_LABELS.get(kind, "")
    if title is None or title == kind.title():  # untitled, or Markdown's English default
        title = html.escape(label or kind)
    elif label and label not in html.unescape(title):
        title = f'<span class="kind">{html.escape(label)}</span> {title}'
    return f'<div class="admonition {kind}{more}"><p class="admonition-title">{title}</p>'


def _show_url(match: re.Match) -> str:
    """On paper a link cannot be clicked: print its address after the text, unless the text is it."""
    url, rest, text = match.groups()
    link = f'<a href="{url}"{rest}>{text}</a>'
    shown = html.unescape(url)
    plain = re.sub(r"<[^>]+>", "", html.unescape(text)).strip()
    if plain.rstrip("/") in (shown.rstrip("/"), bare_url(shown).rstrip("/")):
        return link
    return f'{link} <span class="url">({html.escape(bare_url(shown))})</span>'


# --- views the templates read -------------------------------------------------------------------

@dataclass(frozen=True)
class Worksheet:
    anchor: str
    title: str
    body_html: Markup


@dataclass(frozen=True)
class ModuleView:
    id: str
    number: str
    title: str
    running: str  # running header text, e.g. "บทที่ 3 รู้เท่าทันสื่อและข่าวปลอม"
    anchor: str
    facts: str
    objectives: list[Markup]
    key_points: list[Markup]
    references: list[tuple[str, str]]
    lesson_html: Markup
    worksheets: list[Worksheet]
    lesson_url: str
    lesson_qr: str
    quiz_url: str
    quiz_qr: str
    quiz: QuizView | None


@dataclass(frozen=True)
class PageView:
    anchor: str
    title: str
    body_html: Markup


@dataclass(frozen=True)
class OrganiserView:
    name: str
    logo_url: str


@dataclass(frozen=True)
class Edition:
    """What every template needs to know about the course and how to print numbers."""

    course_title: str
    organisers: list[OrganiserView]
    date: str  # the build date (SOURCE_DATE_EPOCH), so two builds print the same
    numerals: bool

    @property
    def counter_style(self) -> str:
        return "thai" if self.numerals else "decimal"


def make_edition(course: Course, date: dt.date) -> tuple[Edition, list[Problem]]:
    numerals = course.config.thai_numerals
    problems: list[Problem] = []
    organisers = []
    for organiser in course.config.organisers:
        logo_url = ""
        if organiser.logo:
            file = (course.course_dir / organiser.logo).resolve()
            if not trust.is_inside(file, [course.course_dir]):
                problems.append(Problem("course/course.yml", 0, 0, "path-outside",
                                        f"logo '{organiser.logo}' of {organiser.name} is outside course/",
                                        "put the logo in course/images/ and write images/name.svg"))
            elif file.is_file():
                logo_url = file.as_uri()
            else:
                problems.append(Problem("course/course.yml", 0, 0, "missing-image",
                                        f"logo '{organiser.logo}' of {organiser.name} does not exist",
                                        "logo paths are relative to course/course.yml, e.g. images/logo.svg"))
        organisers.append(OrganiserView(organiser.name, logo_url))
    edition = Edition(course.config.title, organisers, thai_date(date, numerals=numerals, era=True), numerals)
    return edition, problems


def draw_qr(url: str) -> str:
    """A QR code as an inline SVG (made here, nothing fetched). Sized by CSS through its viewBox."""
    return segno.make(url, error="m").svg_data_uri(scale=1, unit="mm", border=4, dark="#000", light="#fff")


def split_activity(block: str) -> tuple[str, str]:
    """(title, Markdown body) of a `!!! activity "title"` block."""
    first, _, rest = block.partition("\n")
    match = _ACTIVITY_TITLE.match(first)
    title = (match.group("title") if match else "") or KIND_LABELS["activity"]
    return title, textwrap.dedent(rest)


def prepare_lesson(module: Module, edition: str) -> tuple[str, list[tuple[str, str, int, int]]]:
    """The Markdown a given edition prints, and the activities taken out for worksheets.

    Handouts move each activity to a worksheet page at the end and leave a pointer to it, so the
    sheet can be torn off and handed in. Line positions are kept for error messages: each
    activity comes with the file line its text starts on and the indent taken off its lines.
    """
    body = module.page.body
    if edition != "trainer":
        body = strip_admonitions(body, "trainer")
    if edition != "handout":
        return body, []
    lines = body.split("\n")
    activities = []
    for index, block in admonition_blocks(body, "activity"):
        title, text = split_activity(block)
        inner = [line for line in block.split("\n")[1:] if line.strip()]
        indent = min((len(line) - len(line.lstrip()) for line in inner), default=0)
        # Where the worksheet's text is in the file, for problems: the line after the title.
        activities.append((title, text, module.page.body_line + index + 1, indent))
        count = block.count("\n") + 1
        anchor = f"worksheet-{len(activities)}"
        pointer = f'<p class="worksheet-ref"><a href="#{anchor}">{html.escape(title)}</a></p>'
        lines[index:index + count] = [pointer] + [""] * (count - 1)
    return "\n".join(lines), activities


def make_module_view(course: Course, module: Module, position: int, edition: str) -> tuple[ModuleView, list[Problem]]:
    """A module as one edition prints it: "handout" (trainee handout), "book" or "trainer" (book)."""
    root, meta, numerals = course.root, module.meta, course.config.thai_numerals
    links = PaperLinks(course, in_book=edition != "handout")
    body, activities = prepare_lesson(module, edition)
    lesson_html, problems = render_for_paper(course, module.page, body, links)
    worksheets = []
    for index, (title, text, first_line, indent) in enumerate(activities, 1):
        sheet_html, sub = render_for_paper(course, module.page, text, links, first_line, indent)
        problems += sub
        worksheets.append(Worksheet(f"worksheet-{index}", title, sheet_html))
    quiz = course.quizzes.get(module.id)
    quiz_view = make_quiz_view(course, quiz) if quiz else None
    facts = [format_duration(meta.duration)]
    if quiz:
        facts.append(f"แบบทดสอบ {len(quiz.data.questions)} ข้อ")
    site = course.config.site_url
    lesson_url = urls.absolute(site, urls.module_path(module.id))
    quiz_url = urls.absolute(site, urls.quiz_path(module.id)) if quiz else ""
    shown_number = number(position, numerals)
    view = ModuleView(
        id=module.id, number=shown_number, title=meta.title,
        running=f"บทที่ {shown_number} {meta.title}", anchor=section_id(module.page.name),
        facts=_digits(" · ".join(facts), numerals),
        objectives=[render_inline(root, o, module.page.path) for o in meta.objectives],
        key_points=[render_inline(root, k, module.page.path) for k in meta.key_points],
        references=[(r.title, r.url) for r in meta.references],
        lesson_html=lesson_html, worksheets=worksheets,
        lesson_url=lesson_url, lesson_qr=draw_qr(lesson_url),
        quiz_url=quiz_url, quiz_qr=draw_qr(quiz_url) if quiz else "",
        quiz=quiz_view)
    return view, problems


def label_choice(index: int, numerals: bool) -> str:
    """ก ข ค ง … as on Thai exam papers; past ญ, a number."""
    return CHOICE_LETTERS[index] if index < len(CHOICE_LETTERS) else number(index + 1, numerals)


def make_page_view(course: Course, page: Page, edition: str) -> tuple[PageView, list[Problem]]:
    body = page.body if edition == "trainer" else strip_admonitions(page.body, "trainer")
    body_html, problems = render_for_paper(course, page, body, PaperLinks(course, in_book=True))
    return PageView(section_id(page.name), page.title, body_html), problems


def _digits(text: str, numerals: bool) -> str:
    return thai_digits(text) if numerals else text


# --- templates ----------------------------------------------------------------------------------

def print_dir(root: Path) -> Path:
    return engine_root(root) / "theme" / "print"


def bare_url(url: str) -> str:
    """What a reader types from paper: no scheme, Thai shown as Thai rather than %E0%B8….

    "https://example.org/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7/" → "example.org/ข่าว/".
    """
    return unquote(url.split("://", 1)[-1])


def template_env(root: Path, numerals: bool = False) -> jinja2.Environment:
    """Print templates; `num` writes a number in Thai digits when the course asks for them."""
    env = shared_template_env(root, "print", trim_blocks=True)
    env.filters["bare_url"] = bare_url
    env.filters["num"] = lambda value: number(value, numerals)
    env.filters["letter"] = lambda index: label_choice(index, numerals)
    env.filters["file_url"] = lambda path: path.as_uri()
    return env


def render_document(env: jinja2.Environment, template: str, **context) -> str:
    return glue_thai_html(env.get_template(template).render(**context))
