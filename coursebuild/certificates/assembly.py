"""PDF assembly: the one module that uses WeasyPrint's private API (pinned: see PINNED_WEASYPRINT).

Speed (bench/certificates.py; 75,086 certificates are the goal): WeasyPrint lays out the fixed
design (frame, logos, titles, signatories) once per process and we paint it once per chunk as a
PDF form XObject that every page shows. Per trainee it lays out only the name and the number,
twenty to one tall page (see `section_painters`), 200 to a document. We assemble the PDFs
ourselves: WeasyPrint paints each certificate into its own content stream, its font helpers
embed one font subset per chunk, and a small writer (`PdfWriter`) writes the single files and
the combined print file from those pieces. The QR code is a 1-bit image mask we draw directly;
the sign-in sheet's ruling too. This uses WeasyPrint's internals (weasyprint.pdf.stream.Stream,
build_fonts_dictionary, _use_references, draw_stacking_context, HTML._ua_stylesheets) as of
the pinned version: `check_weasyprint_version` refuses any other, and
tests/test_certificates.py says so by name.

Why not pikepdf (issue 13): the usual way, WeasyPrint's public API for the pages and pikepdf
(qpdf) to put the design under each page, split and merge, was tried in
bench/certificates_pikepdf.py. On the same 597 certificates in one process it took 1.4 to 2.4
times as long as this module (9.4 against 6.7 ms per certificate in the best run), and pikepdf's
own overlay, split and save alone cost more than our whole pipeline per certificate. To measure
again: `bench/certificates.py --n 2000 --pikepdf <folder with pikepdf>`.
"""
from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from coursebuild.certificates.layout import LAYOUT, PT_PER_MM, QR_MASK
from coursebuild.pdf import font_dirs, font_face_css, local_fetcher, source_date
from coursebuild.problems import Problem

# The WeasyPrint release whose internals this module was written against. Any other version may
# paint differently or not at all: refuse it with a clear message instead of printing 180 bad
# certificates. To upgrade: bump requirements.txt, run tests/test_certificates.py, look at a
# certificate rendered to PNG, then change this line.
PINNED_WEASYPRINT = "70.0"


class UnsupportedWeasyPrint(RuntimeError):
    """The installed WeasyPrint is not the one this module's private-API use was written for."""


def check_weasyprint_version(installed: str | None = None) -> None:
    if installed is None:
        import weasyprint

        installed = weasyprint.__version__
    if installed != PINNED_WEASYPRINT:
        raise UnsupportedWeasyPrint(
            f"certificates use WeasyPrint {PINNED_WEASYPRINT} internals, but WeasyPrint {installed} is installed; "
            f"install weasyprint=={PINNED_WEASYPRINT} (requirements.txt) or port coursebuild/certificates/assembly.py")


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


def shift_references(head: bytes, shift: int) -> bytes:
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

    from coursebuild import weasyprint_thai

    weasyprint_thai.apply()  # names come back exactly from copy and search (ActualText per letter)
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


class PdfWriter:
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
            self._object(self._allocate(), shift_references(head, shift) if shift else head, body)
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
        writer = PdfWriter(fh, title)
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


def forget_cached_renders() -> None:
    """After WeasyPrint warned while making something cached: make it again (and warn again)."""
    _stylesheets.cache_clear()
    render_background.cache_clear()


@functools.lru_cache(maxsize=1)
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.lru_cache(maxsize=8)
def _fetcher(allowed: tuple[str, ...]):
    """Reads only `allowed` and the font package (coursebuild/pdf.py local_fetcher)."""
    return local_fetcher(allowed + font_dirs())


@functools.lru_cache(maxsize=8)
def _stylesheets(css: str, base_url: str, allowed: tuple[str, ...]) -> list:
    from weasyprint import CSS

    return [CSS(string=font_face_css(), font_config=_fonts(), url_fetcher=_fetcher(allowed)),
            CSS(string=css, font_config=_fonts(), base_url=base_url, url_fetcher=_fetcher(allowed))]


@functools.lru_cache(maxsize=1)
def _template_html() -> type:
    """weasyprint.HTML with USER_AGENT_CSS instead of the full default sheet."""
    from weasyprint import CSS, HTML

    user_agent = CSS(string=USER_AGENT_CSS)

    class TemplateHTML(HTML):
        def _ua_stylesheets(self, forms=False):  # WeasyPrint 70's hook for its default sheet
            return [user_agent]

    return TemplateHTML


def render_html(html: str, css: str, base_url: str, allowed: tuple[str, ...] = ()):
    return _template_html()(string=html, base_url=base_url, url_fetcher=_fetcher(allowed)).render(
        stylesheets=_stylesheets(css, base_url, allowed), font_config=_fonts())


@functools.lru_cache(maxsize=2)
def render_background(html: str, css: str, base_url: str, allowed: tuple[str, ...] = ()):
    """The fixed design, rendered once per process (the page refers to its document: keep both)."""
    document = render_html(html, css, base_url, allowed)
    return document, document.pages[0]
