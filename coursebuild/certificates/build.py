"""Stage 3c: วุฒิบัตร (training certificates) for the cohorts in roster/.

load every cohort (roster.py) → plan: eligibility, serial numbers, check codes (verify.py) →
check that every name prints (Sarabun has its characters; it fits one line) → render into a
staging folder → keep the serial registry and secret → swap the output in → publish hashes.
Nothing is written before every cohort has loaded, validated and rendered.

Output per cohort, in dist/certificates/<cohort>/:
  by-number/<number>.pdf   one certificate per eligible trainee
  print-all.pdf            every certificate, for the print shop
  sign-in-sheet.pdf        ใบลงชื่อ: every trainee, with room to sign
  summary.csv              number, name, eligible, reason (Excel-ready UTF-8)
  not-eligible.txt         who gets no certificate and why
and the public hash file dist/verify/<cohort>.json (verify.py).

Speed (bench/certificates.py; 75,086 certificates are the goal): WeasyPrint lays out the fixed
design (frame, logos, titles, signatories) once per process and we paint it once per chunk as a
PDF form XObject that every page shows. Per trainee it lays out only the name and the number,
twenty to one tall page (see `section_painters`), 200 to a document. We assemble the PDFs
ourselves: WeasyPrint paints each certificate into its own content stream, its font helpers
embed one font subset per chunk, and a small writer (`_PdfWriter`) writes the single files and
the combined print file from those pieces. The QR code is a 1-bit image mask we draw directly;
the sign-in sheet's ruling too. Chunks run in a process pool over all cores. This uses
WeasyPrint's internals (weasyprint.pdf.stream.Stream, build_fonts_dictionary, _use_references,
draw_stacking_context, HTML._ua_stylesheets) as of the pinned version 70.0: upgrade deliberately
and run tests/test_certificates.py.
"""
from __future__ import annotations

import collections
import contextlib
import csv
import dataclasses
import datetime as dt
import functools
import math
import multiprocessing
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import jinja2

from coursebuild import thai
from coursebuild.markup import engine_root
from coursebuild.pdf import font_face_css, sarabun_dir, source_date, strict_weasyprint
from coursebuild.problems import ContentError, Problem, relpath
from coursebuild.report import format_human
from coursebuild.certificates.roster import (REGISTRY_FILE, REGISTRY_HEADER, ROSTER_DIR, SECRET_FILE, Cohort, RegistryEntry, Trainee,
                     format_number, load_cohort, not_eligible_reasons, number_prefix)
from coursebuild.certificates.verify import PublicCohort, certificate_hash, check_code, revocation_hash, verify_url, write_public_data
from coursebuild.write import replace_dir, staging_dir

OUTPUT_DIR = Path("dist") / "certificates"
SINGLES_DIR = "by-number"
PRINT_FILE = "print-all.pdf"
SIGN_IN_FILE = "sign-in-sheet.pdf"
SUMMARY_FILE = "summary.csv"
NOT_ELIGIBLE_FILE = "not-eligible.txt"
THEME_DIR = ("theme", "certificate")

# Geometry in mm, shared by the stylesheet (certificate.css), the name fitting and the QR code.
LAYOUT = {
    "page_width": 297, "page_height": 210,
    "name_top": 81, "name_height": 19, "name_width": 235,
    "number_top": 188,
    "qr_left": 261, "qr_top": 165, "qr_size": 22,
    "signature_top": 147, "signatures_left": 28, "signatures_right": 50,
    "line_width": 257,  # the fixed lines (titles, cohort, organisers) between the frames
}
NAME_MAX_PT = 34.0
NAME_MIN_PT = 16.0
FIT_MARGIN = 0.96  # fontTools adds advance widths; kerning and shaping may differ a little
FIXED_LINES = {"organisers": (15.0, "Regular"), "course": (21.0, "Bold"), "cohort": (15.0, "Regular")}
CHUNK = 200  # certificates per WeasyPrint document: bigger chunks lay out slower per page
SECTIONS_PER_PAGE = 20  # names per tall WeasyPrint page (see section_painters); 20 × 210 mm stays
# under 32767 pt, the coordinate limit old PDF readers have
SIGN_IN_CHUNK = 40  # sign-in pages per WeasyPrint document
# The sign-in sheet's geometry in mm, shared by signin.css and the grid lines we draw.
SHEET = {
    "margin_top": 14, "margin_side": 14, "margin_bottom": 12,
    "top_first": 27, "top_other": 8,  # the title block on page 1, the running head after
    "head": 9, "row": 10.5,  # heights of the heading row and of each trainee's row
    "columns": (0, 14, 75, 140, 182),  # lines between ลำดับ | name | village | signature
    "first_rows": 20, "rows": 23,
}
QR_MASK = 4  # a fixed mask: segno's search over all 8 costs ~5 ms per code; any mask scans
PT_PER_MM = 72 / 25.4


# --- plan: who gets which number ----------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    trainee: Trainee
    status: str  # "issued", "not-eligible" or "revoked"
    number: str = ""
    reason: str = ""


@dataclass(frozen=True)
class CohortPlan:
    cohort: Cohort
    outcomes: list[Outcome]
    secret: str
    new_secret: bool
    new_entries: list[RegistryEntry]
    orphans: int  # registry serials whose trainee is no longer in the roster
    public: PublicCohort

    @property
    def issued(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "issued"]


def plan_cohort(cohort: Cohort) -> tuple[CohortPlan, list[Problem]]:
    """Decide eligibility and numbers. Serials come from the registry (numbers.csv): a trainee
    keeps theirs forever, and a new eligible trainee gets the next unused one, so adding or
    removing rows renumbers nobody."""
    secret = cohort.secret or secrets.token_hex(32)
    year = thai.buddhist_year(cohort.start)

    def number(serial: int) -> str:
        check = check_code(secret, cohort.id, serial)
        return format_number(cohort.config.number_pattern, year, cohort.config.code, serial, check)

    serials = {entry.key: entry.serial for entry in cohort.registry}
    next_serial = max(serials.values(), default=0) + 1
    known = {number(entry.serial) for entry in cohort.registry}
    revoked: dict[str, str] = {}
    problems: list[Problem] = []
    revoked_path = f"{cohort.path}/revoked.txt"
    for revocation in cohort.revocations:
        if revocation.number in known:
            revoked[revocation.number] = revocation.reason
        else:
            problems.append(Problem(revoked_path, revocation.line, 1, "revoked-unknown",
                                    f"'{revocation.number}' is not a certificate number of this cohort",
                                    "copy the number exactly from summary.csv, check code included"))
    outcomes: list[Outcome] = []
    new_entries: list[RegistryEntry] = []
    for trainee in cohort.trainees:
        reasons = not_eligible_reasons(trainee, cohort.config.eligibility)
        if reasons:
            outcomes.append(Outcome(trainee, "not-eligible", reason="; ".join(reasons)))
            continue
        serial = serials.get(trainee.key)
        if serial is None:
            serial = serials[trainee.key] = next_serial
            next_serial += 1
            new_entries.append(RegistryEntry(serial, f"{trainee.first_name} {trainee.last_name}", trainee.place, 0))
        text = number(serial)
        if text in revoked:
            outcomes.append(Outcome(trainee, "revoked", text, "ถูกเพิกถอน" + (f": {revoked[text]}" if revoked[text] else "")))
        else:
            outcomes.append(Outcome(trainee, "issued", text))
    in_roster = {t.key for t in cohort.trainees}
    orphans = sum(1 for e in cohort.registry if e.key not in in_roster and number(e.serial) not in revoked)
    public = PublicCohort(
        cohort=cohort.id, prefix=number_prefix(cohort.config, cohort.start),
        title=cohort.config.title, issued=thai.thai_date(cohort.issued, era=True),
        valid=[certificate_hash(o.number, o.trainee.name_key) for o in outcomes if o.status == "issued"],
        revoked=[revocation_hash(n) for n in revoked])
    return CohortPlan(cohort, outcomes, secret, not cohort.secret, new_entries, orphans, public), problems


def save_cohort_state(plan: CohortPlan) -> None:
    """Keep the secret (first build) and append new serials: both live in the roster folder."""
    folder = plan.cohort.folder
    if plan.new_secret:
        path = folder / SECRET_FILE
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(plan.secret + "\n")
    if plan.new_entries:
        path = folder / REGISTRY_FILE
        new_file = not path.exists()
        if not new_file and not path.read_bytes().endswith(b"\n"):
            with open(path, "a", encoding="utf-8") as fh:
                fh.write("\n")
        with open(path, "a", encoding="utf-8-sig" if new_file else "utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            if new_file:
                writer.writerow(REGISTRY_HEADER)
            writer.writerows([e.serial, e.name, e.place] for e in plan.new_entries)


# --- will it print? -----------------------------------------------------------------------------

class _Metrics:
    """Advance widths from Sarabun's own tables, to size a name before WeasyPrint sees it."""

    def __init__(self, path: Path):
        from fontTools.ttLib import TTFont

        font = TTFont(path, lazy=True)
        self.cmap = font.getBestCmap()
        metrics = font["hmtx"].metrics
        self.advance = {code: metrics[glyph][0] for code, glyph in self.cmap.items()}
        self.upem = font["head"].unitsPerEm

    def width_pt(self, text: str, size: float) -> float:
        return sum(self.advance.get(ord(ch), self.upem) for ch in text) / self.upem * size

    def missing(self, text: str) -> list[str]:
        return [ch for ch in dict.fromkeys(text) if ord(ch) not in self.cmap]


@functools.lru_cache(maxsize=4)
def _metrics(style: str) -> _Metrics:
    return _Metrics(sarabun_dir() / f"Sarabun-{style}.ttf")


def fit_size(text: str, style: str, width_mm: float, largest: float, smallest: float = 0.0) -> float:
    """The largest size (in 0.25 pt steps, so equal sizes share WeasyPrint's computed styles) at
    which `text` fits `width_mm` on one line."""
    width = _metrics(style).width_pt(text, 1.0)
    if not width:
        return largest
    return max(smallest, min(largest, math.floor(width_mm * PT_PER_MM * FIT_MARGIN / width * 4) / 4))


def name_font_size(name: str) -> float:
    """The size of a trainee's name on the certificate: up to 34 pt, smaller if it is long."""
    return fit_size(name, "Bold", LAYOUT["name_width"], NAME_MAX_PT)


def check_printable(cohort: Cohort) -> list[Problem]:
    """Row problems for names Sarabun cannot print (WeasyPrint would silently take another font)
    or that would be too small on one line."""
    problems: list[Problem] = []
    path = cohort.trainee_file
    for t in cohort.trainees:
        unprintable = []
        for text, column in ((t.first_name, t.name_columns[0]), (t.last_name, t.name_columns[1])):
            missing = sorted(set(_metrics("Bold").missing(text)) | set(_metrics("Regular").missing(text)))
            if missing:
                shown = ", ".join(f"'{ch}' (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')})" for ch in missing[:5])
                unprintable.append(Problem(path, t.line, column, "name-unprintable",
                                           f"row {t.line}: the certificate font has no {shown}",
                                           "retype the name in Thai or Latin letters; remove emoji and symbols"))
        problems += unprintable
        if not unprintable and name_font_size(t.full_name) < NAME_MIN_PT:
            problems.append(Problem(path, t.line, t.name_columns[0], "name-too-long",
                                    f"row {t.line}: the name is too long to print on one line even at {NAME_MIN_PT:g} pt",
                                    "check that the name columns hold only this trainee's name"))
    return problems


def check_fixed_lines(course, cohort: Cohort) -> list[Problem]:
    """The titles and the cohort line are single lines; say which one is too long."""
    problems = []
    texts = _fixed_texts(course, cohort)
    room = LAYOUT["line_width"] * PT_PER_MM
    where = {"organisers": "organisers", "course": "course/course.yml title", "cohort": "title and venue"}
    for key, (size, style) in FIXED_LINES.items():
        if _metrics(style).width_pt(texts[key], size) > room:
            path = "course/course.yml" if key == "course" else f"{cohort.path}/cohort.yml"
            problems.append(Problem(path, 0, 0, "certificate-line-too-long",
                                    f"the {key} line of the certificate is too long for one line: '{texts[key]}'",
                                    f"shorten the {where[key]}"))
    return problems


# --- HTML for the two layers and the sign-in sheet ----------------------------------------------

def _theme(root: Path) -> Path:
    return engine_root(root).joinpath(*THEME_DIR)


@functools.lru_cache(maxsize=4)
def _env(root: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_theme(root)),
                              autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def date_range(start: dt.date, end: dt.date, numerals: bool) -> str:
    if start == end:
        text = thai.thai_date(start)
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}–{thai.thai_date(end)}"
    elif start.year == end.year:
        text = f"{start.day} {thai.MONTHS[start.month - 1]} – {thai.thai_date(end)}"
    else:
        text = f"{thai.thai_date(start)} – {thai.thai_date(end)}"
    return thai.thai_digits(text) if numerals else text


def _fixed_texts(course, cohort: Cohort) -> dict[str, str]:
    names = [o.name for o in cohort.config.organisers]
    organisers = names[0] + (" ร่วมกับ " + " และ".join(names[1:]) if len(names) > 1 else "")
    when = "อบรมเมื่อวันที่" if cohort.start == cohort.end else "อบรมระหว่างวันที่"
    dates = date_range(cohort.start, cohort.end, cohort.numerals)
    line = f"{cohort.config.title} {when} {dates} ณ {cohort.config.venue}"
    return {"organisers": organisers, "course": course.config.title,
            "cohort": thai.thai_digits(line) if cohort.numerals else line}


def background_html(course, cohort: Cohort) -> str:
    texts = _fixed_texts(course, cohort)
    logos = [{"url": cohort.image(o.logo).as_uri(), "alt": o.short_name or o.name}
             for o in cohort.config.organisers if o.logo]
    signatories = [{"name": s.name, "position": s.position,
                    "image": cohort.image(s.signature).as_uri() if s.signature else ""}
                   for s in cohort.config.signatories]
    return _env(course.root).get_template("certificate.html").render(
        course_title=texts["course"], organisers=texts["organisers"], cohort_line=texts["cohort"],
        issued=thai.thai_date(cohort.issued, numerals=cohort.numerals, era=True),
        logos=logos, signatories=signatories, layout=LAYOUT,
        verify_page=verify_url(course.config.site_url, "").rstrip("#"))


def certificate_css(root: Path) -> str:
    return _env(root).get_template("certificate.css").render(layout=LAYOUT)


def names_html(root: Path, outcomes: list[Outcome]) -> str:
    items = [{"name": o.trainee.full_name, "number": o.number, "font_size": name_font_size(o.trainee.full_name)}
             for o in outcomes]
    return _env(root).get_template("names.html").render(items=items, per_page=SECTIONS_PER_PAGE, layout=LAYOUT)


def sign_in_pages(cohort: Cohort) -> list[dict]:
    """Every trainee (eligible or not) on numbered pages of fixed row counts."""
    rows = []
    for index, t in enumerate(cohort.trainees, 1):
        place = " · ".join(part for part in (t.village, t.subdistrict, t.province) if part)
        columns = SHEET["columns"]
        name_size = fit_size(t.full_name, "Regular", columns[2] - columns[1] - 4.5, 13.0, smallest=7.0)
        place_size = fit_size(place, "Regular", columns[3] - columns[2] - 3, 11.0, smallest=7.0)
        rows.append({"index": thai.number(index, cohort.numerals), "name": t.full_name, "place": place,
                     "name_size": name_size if name_size < 13 else None,
                     "place_size": place_size if place_size < 11 else None})
    first, per_page = SHEET["first_rows"], SHEET["rows"]
    pages = [rows[:first]] + [rows[i:i + per_page] for i in range(first, len(rows), per_page)]
    return [{"first": n == 1, "number": thai.number(n, cohort.numerals), "rows": page}
            for n, page in enumerate(pages, 1)]


def sign_in_grid(first: bool, rows: int) -> bytes:
    """The sign-in sheet's ruling as PDF vector lines: cheaper than a border on every cell."""
    top = SHEET["margin_top"] + SHEET["top_first" if first else "top_other"]
    ys = [top, top + SHEET["head"]] + [top + SHEET["head"] + SHEET["row"] * k for k in range(1, rows + 1)]
    xs = [SHEET["margin_side"] + x for x in SHEET["columns"]]

    def point(x_mm: float, y_mm: float) -> bytes:
        return b"%.2f %.2f" % (x_mm * PT_PER_MM, (297 - y_mm) * PT_PER_MM)

    lines = [point(xs[0], y) + b" m " + point(xs[-1], y) + b" l" for y in ys]
    lines += [point(x, ys[0]) + b" m " + point(x, ys[-1]) + b" l" for x in xs]
    return b"q 0.333 0.333 0.333 RG 0.6 w\n" + b"\n".join(lines) + b"\nS\nQ"


def sign_in_html(course, cohort: Cohort, pages: list[dict], total: int) -> str:
    return _env(course.root).get_template("signin.html").render(
        pages=pages, total=thai.number(total, cohort.numerals), course_title=course.config.title,
        cohort_title=cohort.config.title, dates=date_range(cohort.start, cohort.end, cohort.numerals),
        venue=cohort.config.venue)


def safe_file_name(number: str) -> str:
    """A certificate number as a file name on any system: letters, marks, digits, '-' and '_'."""
    text = unicodedata.normalize("NFC", number)
    text = "".join(ch if unicodedata.category(ch)[0] in "LMN" or ch in "-_" else "-" for ch in text)
    text = re.sub(r"-{2,}", "-", text).strip("-_")
    return text[:120] or "certificate"


# --- PDF assembly -------------------------------------------------------------------------------

FIRST_OBJECT = 4  # 1 catalog, 2 page tree, 3 info; a part's shared objects follow
_REFERENCE = re.compile(rb"(?<![\d.])(\d+) 0 R(?![\w])")


@dataclass(frozen=True)
class Part:
    """Pages of one WeasyPrint document, serialised, ready to go into any number of PDF files.

    `objects` (fonts, images, the background form, the resource dictionary) are numbered from
    FIRST_OBJECT; `pages` are content streams that only name resources, never object numbers."""

    objects: tuple[tuple[bytes, Optional[bytes]], ...]  # (dictionary, stream data or None)
    resources: int
    pages: tuple[tuple[bytes, bytes], ...]
    size: tuple[float, float]  # pt


class _Numbering:
    """Takes the place of pydyf.PDF for WeasyPrint's helpers, so we choose the object numbers."""

    def __init__(self, first: int):
        self.first = first
        self.objects: list = []

    def add_object(self, obj) -> None:
        obj.number = self.first + len(self.objects)
        self.objects.append(obj)


def _serialise(obj) -> tuple[bytes, Optional[bytes]]:
    import pydyf

    data = obj.data
    if isinstance(obj, pydyf.Stream):
        head, _, rest = data.partition(b"\nstream\n")
        return head, rest[: -len(b"\nendstream")]
    return data, None


def _shift_references(head: bytes, shift: int) -> bytes:
    """Renumber 'n 0 R' in a dictionary we serialised ourselves (no stream data, no free text)."""
    return _REFERENCE.sub(lambda m: b"%d 0 R" % (int(m.group(1)) + shift), head)


def _flipped(stream, height_pt: float, paint) -> None:
    stream.push_state()
    stream.transform(d=-1, f=height_pt)  # PDF's origin is bottom-left, WeasyPrint draws from top-left
    stream.transform(a=0.75, d=0.75)  # CSS px → pt
    paint(stream)
    stream.pop_state()


def page_painter(page):
    """Paints a whole page of a rendered document (the sign-in sheet, the background)."""
    from weasyprint.draw import draw_page

    return functools.partial(draw_page, page._page_box)


def section_painters(document) -> list:
    """One painter per <section> of the names layer, each moved to the top of its own page.

    Many certificates share one tall WeasyPrint page: each page costs WeasyPrint ~2 ms of fixed
    work (page and margin boxes), more than laying out a name. Every section is a stacking
    context (position: relative; z-index: 0), so each paints alone, with nothing of the others."""
    from weasyprint.draw import draw_stacking_context
    from weasyprint.stacking import StackingContext

    def paint(context, top, stream) -> None:
        stream.transform(f=-top)
        draw_stacking_context(stream, context)

    painters = []
    for page in document.pages:
        page_context = StackingContext.from_page(page._page_box)
        root = next(c for c in page_context.zero_z_contexts if c.box.is_for_root_element)
        sections = [c for c in root.zero_z_contexts if c.box.element_tag == "section"]
        painters += [functools.partial(paint, c, c.box.position_y) for c in sections]
    return painters


def paint_part(painters: list, size_px: tuple[float, float], background=None, overlays: Iterable[bytes] = (),
               source: str = "") -> tuple[Part, list[Problem]]:
    """Paint pages of `size_px` (and optionally one background painter behind every page)."""
    import pydyf
    from tinycss2.color5 import D50, D65
    from weasyprint.pdf import _use_references
    from weasyprint.pdf.fonts import build_fonts_dictionary
    from weasyprint.pdf.stream import Stream

    numbering = _Numbering(FIRST_OBJECT)
    fonts: dict = {}
    images: dict = {}
    profiles, intent = {}, None  # our stylesheets use no colour profiles
    width, height = size_px[0] * 0.75, size_px[1] * 0.75
    rectangle = (0, 0, *size_px)
    color_space = pydyf.Dictionary({  # as weasyprint.pdf.generate_pdf declares them
        f"lab-d{n}": pydyf.Array(("/Lab", pydyf.Dictionary({"WhitePoint": pydyf.Array(white),
                                                             "Range": pydyf.Array((-125, 125, -125, 125))})))
        for n, white in ((50, D50), (65, D65))})
    numbering.add_object(color_space)

    def new_resources(**extra) -> pydyf.Dictionary:
        return pydyf.Dictionary({"ExtGState": pydyf.Dictionary(), "XObject": pydyf.Dictionary(),
                                 "Pattern": pydyf.Dictionary(), "Shading": pydyf.Dictionary(),
                                 "ColorSpace": color_space.reference, **extra})

    resources = new_resources()
    if background is not None:
        form_resources = new_resources(Font=None)
        form = Stream(fonts, rectangle, form_resources, images, None, profiles, intent, compress=True,
                      extra=pydyf.Dictionary({"Type": "/XObject", "Subtype": "/Form",
                                              "BBox": pydyf.Array([0, 0, width, height]),
                                              "Resources": form_resources}))
        _flipped(form, height, background)
        resources["XObject"]["BG"] = form
    pages = []
    for painter, overlay in zip(painters, _padded(overlays, len(painters))):
        content = Stream(fonts, rectangle, resources, images, None, profiles, intent, compress=True)
        if background is not None:
            content.draw_x_object("BG")
        _flipped(content, height, painter)
        if overlay:
            content.stream.append(overlay)
        pages.append(_serialise(content))
    pdf_fonts = build_fonts_dictionary(numbering, fonts, True, True, {"hinting": False, "pdf_version": None})
    numbering.add_object(pdf_fonts)
    resources["Font"] = pdf_fonts.reference
    _use_references(numbering, resources, images, profiles)
    numbering.add_object(resources)
    problems = [Problem(source, 0, 0, "print-font", f"some text was printed in '{font.family}', not Sarabun",
                        "a character Sarabun lacks slipped through; report this as a bug")
                for font in fonts.values() if font.family != "Sarabun"]
    part = Part(tuple(_serialise(obj) for obj in numbering.objects), resources.number, tuple(pages), (width, height))
    return part, problems


def _padded(items: Iterable[bytes], count: int) -> list[bytes]:
    items = list(items)
    return items + [b""] * (count - len(items))


class _PdfWriter:
    """Writes a PDF from parts: objects as they come, the page tree and xref at the end."""

    HEADER = b"%PDF-1.7\n%\xb5\xed\xae\xfb\n"

    def __init__(self, fh, title: str):
        self.fh = fh
        self.title = title
        self.position = 0
        self.offsets: dict[int, int] = {}
        self.next = FIRST_OBJECT
        self.nodes: list[int] = []
        self.count = 0
        self._write(self.HEADER)

    def _write(self, data: bytes) -> None:
        self.fh.write(data)
        self.position += len(data)

    def _allocate(self) -> int:
        self.next += 1
        return self.next - 1

    def _object(self, number: int, head: bytes, body: Optional[bytes] = None) -> None:
        self.offsets[number] = self.position
        stream = b"\nstream\n" + body + b"\nendstream" if body is not None else b""
        self._write(b"%d 0 obj\n%s%s\nendobj\n" % (number, head, stream))

    def add_part(self, part: Part, pages: Optional[Iterable[int]] = None) -> None:
        shift = self.next - FIRST_OBJECT
        for head, body in part.objects:
            self._object(self._allocate(), _shift_references(head, shift) if shift else head, body)
        resources = part.resources + shift
        node = self._allocate()
        kids = []
        box = b"[0 0 %.2f %.2f]" % part.size
        for index in range(len(part.pages)) if pages is None else pages:
            head, body = part.pages[index]
            content = self._allocate()
            self._object(content, head, body)
            page = self._allocate()
            self._object(page, b"<</Type /Page /Parent %d 0 R /MediaBox %s /Contents %d 0 R /Resources %d 0 R>>"
                         % (node, box, content, resources))
            kids.append(page)
        refs = b" ".join(b"%d 0 R" % k for k in kids)
        self._object(node, b"<</Type /Pages /Parent 2 0 R /Kids [%s] /Count %d>>" % (refs, len(kids)))
        self.nodes.append(node)
        self.count += len(kids)

    def close(self) -> None:
        import pydyf

        refs = b" ".join(b"%d 0 R" % n for n in self.nodes)
        self._object(1, b"<</Type /Catalog /Pages 2 0 R>>")
        self._object(2, b"<</Type /Pages /Kids [%s] /Count %d>>" % (refs, self.count))
        stamp = pydyf.String(_pdf_date()).data
        self._object(3, b"<</Title %s /Producer (coursebuild with WeasyPrint) /CreationDate %s /ModDate %s>>"
                     % (pydyf.String(self.title).data, stamp, stamp))
        size = self.next
        xref = self.position
        entries = [b"0000000000 65535 f \n"] + [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, size)]
        self._write(b"xref\n0 %d\n%s" % (size, b"".join(entries)))
        self._write(b"trailer\n<</Size %d /Root 1 0 R /Info 3 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))


def _pdf_date() -> str:
    return _source_date(os.environ.get("SOURCE_DATE_EPOCH"))


@functools.lru_cache(maxsize=4)
def _source_date(_epoch: Optional[str]) -> str:
    return source_date().strftime("D:%Y%m%d%H%M%SZ")  # asks git once, not once per file


def write_pdf_file(path: Path, title: str, parts: Iterable[tuple[Part, Optional[list[int]]]]) -> None:
    with open(path, "wb") as fh:
        writer = _PdfWriter(fh, title)
        for part, pages in parts:
            writer.add_part(part, pages)
        writer.close()


def qr_overlay(url: str) -> bytes:
    """The QR code as a 1-bit image mask at LAYOUT's QR box: sharp at any print resolution."""
    import segno

    matrix = segno.make(url, error="m", micro=False, mask=QR_MASK).matrix
    n = len(matrix)
    data = b"".join(int("".join("1" if v else "0" for v in row).ljust(-(-n // 8) * 8, "0"), 2)
                    .to_bytes(-(-n // 8), "big") for row in matrix)
    size = LAYOUT["qr_size"] * PT_PER_MM
    x = LAYOUT["qr_left"] * PT_PER_MM
    y = (LAYOUT["page_height"] - LAYOUT["qr_top"] - LAYOUT["qr_size"]) * PT_PER_MM
    return (b"q 0 0 0 rg %.3f 0 0 %.3f %.3f %.3f cm\nBI /W %d /H %d /IM true /BPC 1 /D [1 0] /F /AHx ID\n%s>\nEI\nQ"
            % (size, size, x, y, n, n, data.hex().encode()))


# --- jobs: one chunk of pages, rendered in a worker process -------------------------------------

@dataclass(frozen=True)
class _Job:
    css: str
    base_url: str
    html: str
    background: str = ""  # HTML of the fixed design, painted behind every page
    urls: tuple[str, ...] = ()  # QR code per page (certificates)
    overlays: tuple[bytes, ...] = ()  # PDF operators drawn over each page (the sign-in grid)
    singles: tuple[tuple[str, str], ...] = ()  # (path, title) per page: also write it alone
    source: str = ""


@dataclass(frozen=True)
class _Result:
    part: Optional[Part]
    problems: list[Problem]
    certificates: bool = False  # a chunk of certificates, else of the sign-in sheet


# The user-agent stylesheet for our own templates, which use only these elements. WeasyPrint's
# full HTML one (some 250 rules) costs more to match against thousands of short paragraphs than
# laying them out does.
USER_AGENT_CSS = """
html, body, div, section, p, h1 { display: block }
head, title, style, meta, script, noscript, [hidden] { display: none }
h1 { font-weight: bold }
br::before { content: "\\A"; white-space: pre-line }
img { overflow: hidden }
"""

# Each worker process keeps one font configuration (the fonts of every document it paints must
# come from the same one), the parsed stylesheets and the rendered background page.


@functools.lru_cache(maxsize=1)
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.lru_cache(maxsize=8)
def _stylesheets(css: str, base_url: str) -> list:
    from weasyprint import CSS

    return [CSS(string=font_face_css(), font_config=_fonts()),
            CSS(string=css, font_config=_fonts(), base_url=base_url)]


@functools.lru_cache(maxsize=1)
def _template_html() -> type:
    """weasyprint.HTML with USER_AGENT_CSS instead of the full default sheet."""
    from weasyprint import CSS, HTML

    user_agent = CSS(string=USER_AGENT_CSS)

    class TemplateHTML(HTML):
        def _ua_stylesheets(self, forms=False):  # WeasyPrint 70's hook for its default sheet
            return [user_agent]

    return TemplateHTML


def _render(html: str, css: str, base_url: str):
    return _template_html()(string=html, base_url=base_url).render(
        stylesheets=_stylesheets(css, base_url), font_config=_fonts())


@functools.lru_cache(maxsize=2)
def _background(html: str, css: str, base_url: str):
    """The fixed design, rendered once per process (the page refers to its document: keep both)."""
    document = _render(html, css, base_url)
    return document, document.pages[0]


def _render_job(job: _Job) -> _Result:
    try:
        with strict_weasyprint(job.source):
            background = _background(job.background, job.css, job.base_url)[1] if job.background else None
            document = _render(job.html, job.css, job.base_url)
            if job.urls:
                painters = section_painters(document)
                size = (background.width, background.height)
                if len(painters) != len(job.urls):
                    raise ContentError([Problem(job.source, 0, 0, "print-layout",
                                                f"{len(job.urls)} names were laid out as {len(painters)}",
                                                "theme/certificate/certificate.css must keep every section whole")])
            else:
                painters = [page_painter(page) for page in document.pages]
                size = (document.pages[0].width, document.pages[0].height)
            overlays = [qr_overlay(u) for u in job.urls] if job.urls else job.overlays
            part, problems = paint_part(painters, size, page_painter(background) if background else None,
                                        overlays, job.source)
    except ContentError as exc:
        problems = exc.problems
    if problems:
        # WeasyPrint warned while making something we cache: make it again (and warn again) next time.
        _stylesheets.cache_clear()
        _background.cache_clear()
        return _Result(None, problems)
    for index, (path, title) in enumerate(job.singles):
        write_pdf_file(Path(path), title, [(part, [index])])
    return _Result(part, [], bool(job.urls))


def _run(jobs: Iterable[_Job], workers: int) -> Iterator[_Result]:
    """Results in job order. Jobs are made lazily and only a few run ahead, so memory stays flat
    however big the roster is."""
    if workers <= 1:
        yield from map(_render_job, jobs)
        return
    # spawn, not fork: Pango and fontconfig state must not be shared with a forked child
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: collections.deque = collections.deque()
        try:
            for job in jobs:
                pending.append(pool.submit(_render_job, job))
                if len(pending) > 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def default_workers(work: int) -> int:
    """Small cohorts render in this process: starting workers costs more than it saves."""
    return 1 if work < 2 * CHUNK else (os.cpu_count() or 1)


# --- one cohort ---------------------------------------------------------------------------------

def render_cohort(course, plan: CohortPlan, out: Path, workers: Optional[int] = None) -> None:
    """Write every output file of one cohort into the empty folder `out`."""
    cohort = plan.cohort
    issued = plan.issued
    (out / SINGLES_DIR).mkdir(parents=True)
    pages = sign_in_pages(cohort)
    workers = default_workers(len(issued) + len(cohort.trainees) // 3) if workers is None else workers
    problems: list[Problem] = []
    with contextlib.ExitStack() as stack:
        prints = _PdfWriter(stack.enter_context(open(out / PRINT_FILE, "wb")),
                            f"วุฒิบัตร {cohort.config.title} (ชุดพิมพ์)") if issued else None
        sheet = _PdfWriter(stack.enter_context(open(out / SIGN_IN_FILE, "wb")), f"ใบลงชื่อ {cohort.config.title}")
        for result in _run(_jobs(course, cohort, issued, pages, out), workers):
            problems += result.problems
            if result.part is not None and not problems:
                (prints if result.certificates else sheet).add_part(result.part)
        if problems:
            raise ContentError(problems)
        if prints:
            prints.close()
        sheet.close()
    write_summary(plan, out)


def _jobs(course, cohort: Cohort, issued: list[Outcome], pages: list[dict], out: Path) -> Iterator[_Job]:
    root = course.root
    base_url = cohort.folder.as_uri() + "/"
    css = certificate_css(root)
    background = background_html(course, cohort)
    source = relpath(_theme(root) / "certificate.html", root)
    for start in range(0, len(issued), CHUNK):
        chunk = issued[start:start + CHUNK]
        yield _Job(css, base_url, names_html(root, chunk), background,
                   urls=tuple(verify_url(course.config.site_url, o.number) for o in chunk),
                   singles=tuple((str(out / SINGLES_DIR / f"{safe_file_name(o.number)}.pdf"), f"วุฒิบัตร {o.number}")
                                 for o in chunk),
                   source=source)
    sheet_css = _env(root).get_template("signin.css").render(sheet=SHEET)
    source = relpath(_theme(root) / "signin.html", root)
    for start in range(0, len(pages), SIGN_IN_CHUNK):
        chunk = pages[start:start + SIGN_IN_CHUNK]
        yield _Job(sheet_css, base_url, sign_in_html(course, cohort, chunk, len(pages)),
                   overlays=tuple(sign_in_grid(p["first"], len(p["rows"])) for p in chunk), source=source)


def write_summary(plan: CohortPlan, out: Path) -> None:
    with open(out / SUMMARY_FILE, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["number", "name", "eligible", "reason", "row"])
        for o in plan.outcomes:
            writer.writerow([o.number, o.trainee.full_name, "yes" if o.status == "issued" else "no", o.reason,
                             o.trainee.line])
    lines = [f"{o.trainee.full_name} (แถว {o.trainee.line}): {o.reason}" for o in plan.outcomes if o.status != "issued"]
    (out / NOT_ELIGIBLE_FILE).write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def report_lines(plan: CohortPlan, out: Path, root: Path) -> list[str]:
    cohort = plan.cohort
    where = relpath(out, root)
    lines = [f"{cohort.path}: {len(plan.issued)} certificate(s) → {where}/ "
             f"({SINGLES_DIR}/, {PRINT_FILE}, {SIGN_IN_FILE}, {SUMMARY_FILE})"]
    skipped = [o for o in plan.outcomes if o.status != "issued"]
    if skipped:
        lines.append(f"{cohort.path}: {len(skipped)} without a certificate:")
        lines += [f"  row {o.trainee.line} {o.trainee.full_name}: {o.reason}" for o in skipped]
    if plan.new_entries:
        lines.append(f"{cohort.path}: {len(plan.new_entries)} new serial(s) kept in {cohort.path}/{REGISTRY_FILE}")
    if plan.new_secret:
        lines.append(f"{cohort.path}: created {cohort.path}/{SECRET_FILE}: back it up; it is never committed")
    if plan.orphans:
        lines.append(f"{cohort.path}: {plan.orphans} earlier certificate(s) belong to no trainee in the roster now; "
                     "they verify as ไม่พบ (list them in revoked.txt to show ถูกเพิกถอน)")
    lines.append(f"{cohort.path}: verification hashes (no names) → dist/verify/{cohort.id}.json; "
                 "publish with `python build.py site`")
    return lines


# --- the command --------------------------------------------------------------------------------

def cohort_folders(root: Path, paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    if not paths:
        base = root / ROSTER_DIR
        found = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
            if base.is_dir() else []
        return found, []
    folders, problems = [], []
    for path in paths:
        candidates = [path] if path.is_absolute() else [Path.cwd() / path, root / path]
        folder = next((c for c in candidates if c.is_dir()), None)
        if folder is None:
            problems.append(Problem(path.as_posix(), 0, 0, "missing-file", f"no cohort folder {path}",
                                    f"give a folder under {ROSTER_DIR}/, e.g. {ROSTER_DIR}/sample-2565-bkk"))
        else:
            folders.append(folder.resolve())
    return folders, problems


def build_certificates(course, cohort_paths: list[Path], skip_invalid: bool = False,
                       workers: Optional[int] = None) -> list[str]:
    """Issue the certificates of the given cohorts (default: every folder in roster/).

    Raises ContentError, writing nothing, if anything is wrong; with `skip_invalid`, bad trainee
    rows are left out and returned as problem lines instead."""
    root = course.root
    folders, problems = cohort_folders(root, cohort_paths)
    if not folders and not problems:
        return [f"certificates: no cohort folders in {ROSTER_DIR}/, nothing to issue"]
    loaded = [load_cohort(f, root, course.config.id, course.config.thai_numerals) for f in folders]
    row_problems: list[Problem] = []
    cohorts: list[Cohort] = []
    for item in loaded:
        problems += item.problems
        row_problems += item.row_problems
        if item.cohort is not None:
            problems += check_fixed_lines(course, item.cohort)
            row_problems += check_printable(item.cohort)
            cohorts.append(item.cohort)
    errors = [p for p in problems if p.is_error]
    if errors or (not skip_invalid and any(p.is_error for p in row_problems)):
        raise ContentError(problems + row_problems)
    cohorts = [_without_bad_rows(c, row_problems) for c in cohorts]
    plans = []
    for cohort in cohorts:
        plan, sub = plan_cohort(cohort)
        problems += sub
        plans.append(plan)
    if any(p.is_error for p in problems):
        raise ContentError(problems + row_problems)

    lines: list[str] = []
    with contextlib.ExitStack() as stack:
        staged = []
        for plan in plans:
            dest = root / OUTPUT_DIR / plan.cohort.id
            tmp = stack.enter_context(staging_dir(dest))
            render_cohort(course, plan, tmp, workers)
            staged.append((plan, tmp, dest))
        for plan, tmp, dest in staged:
            save_cohort_state(plan)
            replace_dir(tmp, dest)
            write_public_data(root, plan.public)
            lines += report_lines(plan, dest, root)
    reported = problems + row_problems
    if reported:
        lines += format_human(reported).rstrip("\n").split("\n")
    return lines


def _without_bad_rows(cohort: Cohort, problems: list[Problem]) -> Cohort:
    bad = {p.line for p in problems if p.path == cohort.trainee_file and p.is_error}
    if not bad:
        return cohort
    return dataclasses.replace(cohort, trainees=[t for t in cohort.trainees if t.line not in bad])
