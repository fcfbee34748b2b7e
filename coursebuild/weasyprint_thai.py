"""Thai text that survives copy, search and screen readers in WeasyPrint's PDFs (a patch for 70.0).

What goes wrong upstream (weasyprint/draw/text.py, `draw_first_line`): a PDF maps each glyph to
text once, through the font's ToUnicode CMap, and WeasyPrint fills that map with the text of the
HarfBuzz cluster a glyph is *first* drawn in (from its cluster start to the next glyph's). Thai
breaks that in two ways:

- Sarabun draws ำ (SARA AM) as two glyphs, nikhahit + sara aa, both in ำ's cluster, and HarfBuzz
  moves the nikhahit before any tone mark (น้ำ → น, ํ้ ligature, า). The first glyph of the cluster
  gets "" and the last the whole cluster, so whichever context a glyph is met in first decides its
  text everywhere: ประจำ comes back as ประจา, or, if า was first met in ต่ำ, every า reads ่ำ.
- Tone marks and above/below vowels are zero-width glyphs whose ink hangs left of their origin.
  Text extractors that order glyphs by position (pdftotext's default mode, viewers' search) put
  them after the next letter: ผ่าน → ผา่ น.

The fix, done where the glyphs are written: glyphs are grouped into text elements (a base letter
with the marks that follow it, and never splitting a HarfBuzz cluster). Every group of more than
one glyph, and every glyph whose ToUnicode entry says something else than the text it draws here,
is wrapped in a marked-content span carrying the exact text (`/Span <</ActualText …>> BDC … EMC`,
PDF 32000-1 §14.9.4), which extractors and screen readers use instead of the glyphs' own mapping.
A glyph's ToUnicode entry is only set from a context where it alone draws its text; a glyph that
is only ever part of a group gets the character the font's cmap or glyph name gives it, so even a
reader that ignores ActualText sees ประจํา (nikhahit + sara aa), never ประจา.

The function below is WeasyPrint 70.0's `draw_first_line` with that grouping added (the changes are
marked "coursebuild:"). It replaces the original only on exactly that version: `apply()` refuses any
other with a clear error. docs/upstream-weasyprint-thai-tounicode.md is the report for upstream.

Longer than our ~400 lines on purpose: `draw_first_line` is WeasyPrint's own function copied whole,
so that it can be compared line by line with upstream's; split up, that comparison is lost.
"""
from __future__ import annotations

import functools
import io
import unicodedata
from dataclasses import dataclass

PATCHED_WEASYPRINT = "70.0"

# Characters that belong to the letter before them although Unicode does not call them marks:
# Thai and Lao SARA AM are Grapheme_Cluster_Break=SpacingMark (UAX #29) but category Lo.
_SPACING_MARKS = frozenset("\u0e33\u0eb3")


class UnsupportedWeasyPrint(RuntimeError):
    """The installed WeasyPrint is not the release this patch copies a function from."""


_applied = False


def apply(installed: str | None = None) -> None:
    """Install the patch (once). Refuses any WeasyPrint but PATCHED_WEASYPRINT."""
    global _applied
    if installed is None:
        import weasyprint

        installed = weasyprint.__version__
    if installed != PATCHED_WEASYPRINT:
        raise UnsupportedWeasyPrint(
            f"coursebuild/weasyprint_thai.py patches WeasyPrint {PATCHED_WEASYPRINT}'s draw_first_line, but "
            f"WeasyPrint {installed} is installed. Install weasyprint=={PATCHED_WEASYPRINT} (requirements.txt), "
            "or port the patch: diff the new weasyprint/draw/text.py against 70.0, check whether Thai still "
            "loses ำ (tests/test_print_thai_text.py), and drop the patch if upstream fixed it")
    if _applied:
        return
    from weasyprint.draw import text

    text.draw_first_line = draw_first_line
    _applied = True


def is_attached(char: str) -> bool:
    """Whether `char` belongs to the letter before it (a combining mark, or Thai/Lao SARA AM)."""
    return char in _SPACING_MARKS or unicodedata.category(char).startswith("M")


@functools.lru_cache(maxsize=32)
def _font_glyph_texts(file_content: bytes, index: int) -> dict[int, str]:
    """For each glyph of a font, the text it stands for on its own: from the cmap, else its name.

    Glyph names follow the Adobe Glyph List rules Sarabun uses (uni0E48.small, uni0E4D0E49)."""
    from fontTools import agl
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(file_content), fontNumber=index, lazy=True)
    order = font.getGlyphOrder()
    texts: dict[int, str] = {}
    for codepoint, name in sorted((font.getBestCmap() or {}).items()):
        texts.setdefault(font.getGlyphID(name), chr(codepoint))
    for glyph_id, name in enumerate(order):
        if glyph_id not in texts:
            text = agl.toUnicode(name)
            if text:
                texts[glyph_id] = text
    return texts


def glyph_text(font, glyph_id: int, fallback: str) -> str:
    """What a glyph means by itself in `font` (a weasyprint.pdf.fonts.Font), else `fallback`."""
    if glyph_id >= font.glyph_count:  # WeasyPrint's stand-ins for missing glyphs
        return fallback
    return _font_glyph_texts(font.file_content, font.index).get(glyph_id, fallback)


def glyph_groups(text: bytes, clusters: list[int], glyph_ids: list[int], item_length: int,
                 empty_glyph: int) -> list[tuple[int, int, str]]:
    """Split one left-to-right glyph run into text elements: (first glyph, end glyph, text).

    `text` is the run's UTF-8, `clusters` each glyph's byte offset in it (HarfBuzz clusters).
    A new element starts at a glyph that starts a new cluster, unless that cluster's text begins
    with a mark that belongs to the letter before (then HarfBuzz put them in separate clusters but
    a reader sees one letter). Pango's empty glyphs (for zero-width characters) stand alone."""
    starts = []
    for i, glyph_id in enumerate(glyph_ids):
        if i == 0 or glyph_id == empty_glyph or glyph_ids[i - 1] == empty_glyph:
            starts.append(i)
        elif clusters[i] != clusters[i - 1]:
            first = text[clusters[i]:clusters[i] + 4].decode("utf-8", "ignore")[:1]
            if not first or not is_attached(first):
                starts.append(i)
    groups = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(glyph_ids)
        byte_end = clusters[end] if end < len(glyph_ids) else item_length
        groups.append((start, end, text[clusters[start]:byte_end].decode("utf-8", "replace")))
    return groups


def _needs_actual_text(font, glyph_ids: list[int], text: str) -> bool:
    mapped = "".join(font.to_unicode.get(g, "") for g in glyph_ids)
    if mapped == text:
        return len(glyph_ids) > 1 and any(is_attached(c) for c in text)
    return not (text.isspace() and mapped.isspace())


# Where an extractor may see a gap inside a word, in thousandths of the font size: poppler starts a
# new word when the next letter starts 0.1 em after the last one ended.
_GAP_TOLERANCE = 30


@dataclass(frozen=True)
class Element:
    """A text element of a glyph run, with what an extractor sees of its position.

    Positions are in thousandths of the font size along the line, as WeasyPrint writes them: a
    glyph is drawn at its pen position plus its x offset and ends its own advance (from the PDF
    font's /W) later; the pen then moves by the glyph's shaped advance."""

    start: int  # first glyph index in the run
    end: int  # one past the last glyph index
    text: str
    needs_span: bool
    ink_end: float | None  # where the last drawn glyph ends; None if nothing is drawn
    pen_end: float  # the pen after the element


def actual_text_spans(elements: list[Element]) -> list[tuple[int, int, str]]:
    """(first glyph, end glyph, text) of each ActualText span for a run's elements.

    An extractor places an ActualText span from where its first glyph starts to where its last
    glyph ends. A mark that ends a span may be drawn well left of the pen (Sarabun moves a tone mark
    left over ป's tail), and the next letter would then look like a new word: นางปิ่ นมณี. Such a
    span takes in the following elements until it ends where the pen is."""
    spans: list[tuple[int, int, str]] = []
    current: list | None = None  # [start, end, text, ink_end, pen_end]
    for element in elements:
        if current is None and not element.needs_span:
            continue
        if current is None:
            current = [element.start, element.end, element.text, element.ink_end, element.pen_end]
        else:
            current[1:] = [element.end, current[2] + element.text,
                           element.ink_end if element.ink_end is not None else current[3], element.pen_end]
        ink_end, pen_end = current[3], current[4]
        if ink_end is None or ink_end >= pen_end - _GAP_TOLERANCE:
            spans.append((current[0], current[1], current[2]))
            current = None
    if current is not None:
        spans.append((current[0], current[1], current[2]))
    return spans


def run_elements(stream, font, pango_font, font_size, glyph_item, run_text: bytes) -> list[Element]:
    """The text elements of one left-to-right glyph run, setting each drawn glyph's ToUnicode text.

    A glyph that is alone in its element maps to the element's text (as WeasyPrint does); one that
    is part of a bigger element maps to its own character, never to the element's text, which the
    ActualText span carries."""
    from weasyprint.text.ffi import FROM_UNITS, pango

    glyph_string = glyph_item.glyphs
    infos = [glyph_string.glyphs[i] for i in range(glyph_string.num_glyphs)]
    glyph_ids = [info.glyph for info in infos]
    clusters = [glyph_string.log_clusters[i] for i in range(len(infos))]
    elements = []
    pen = 0.0
    for start, end, text in glyph_groups(
            run_text, clusters, glyph_ids, glyph_item.item.length, pango.PANGO_GLYPH_EMPTY):
        drawn = [g for g in glyph_ids[start:end]
                 if g != pango.PANGO_GLYPH_EMPTY and not g & pango.PANGO_GLYPH_UNKNOWN_FLAG]
        for g in drawn:
            if g not in font.to_unicode and len(drawn) > 1:
                font.to_unicode[g] = glyph_text(font, g, '')
        if len(drawn) == 1 and drawn[0] not in font.to_unicode:
            font.to_unicode[drawn[0]] = text
        ink_end = None
        for i in range(start, end):
            info, glyph_id = infos[i], glyph_ids[i]
            if glyph_id in drawn:
                if glyph_id not in font.widths:  # as draw_first_line computes it
                    pango.pango_font_get_glyph_extents(
                        pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
                    font.widths[glyph_id] = round(
                        stream.logical_rect.width * 1000 * FROM_UNITS / font_size)
                ink_end = pen + info.geometry.x_offset / font_size + font.widths[glyph_id]
            pen += info.geometry.width * 1000 * FROM_UNITS / font_size
        elements.append(Element(start, end, text, bool(drawn) and _needs_actual_text(font, drawn, text),
                                ink_end, pen))
    return elements


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw the given ``textbox`` line to the document ``stream``."""
    # WeasyPrint 70.0's weasyprint.draw.text.draw_first_line; changes are marked "coursebuild:".
    from io import BytesIO
    from xml.etree import ElementTree

    import pydyf
    from PIL import Image
    from weasyprint.draw.text import get_last_word_end
    from weasyprint.images import RasterImage, SVGImage
    from weasyprint.logger import LOGGER
    from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango
    from weasyprint.text.fonts import get_hb_object_data

    # Don’t draw lines with only invisible characters.
    if not textbox.text.strip():
        return []

    if textbox.style['font_size'] < 1e-6:  # default float precision used by pydyf
        return []

    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)

    if text_overflow == 'ellipsis' or block_ellipsis != 'none':
        assert textbox.pango_layout.max_width is not None
        max_width = textbox.pango_layout.max_width
        pango.pango_layout_set_width(
            textbox.pango_layout.layout, int(max_width * TO_UNITS))
        if text_overflow == 'ellipsis':
            pango.pango_layout_set_ellipsize(
                textbox.pango_layout.layout, pango.PANGO_ELLIPSIZE_END)
        else:
            if block_ellipsis == 'auto':
                ellipsis = '…'
            else:
                assert block_ellipsis[0] == 'string'
                ellipsis = block_ellipsis[1]

            # Remove last word if hyphenated.
            new_text = textbox.pango_layout.text
            if new_text.endswith(textbox.style['hyphenate_character']):
                last_word_end = get_last_word_end(
                    new_text[:-len(textbox.style['hyphenate_character'])],
                    textbox.style['lang'])
                if last_word_end:
                    new_text = new_text[:last_word_end]

            textbox.pango_layout.set_text(new_text + ellipsis)

    first_line, index = textbox.pango_layout.get_first_line()

    if block_ellipsis != 'none':
        while index:
            last_word_end = get_last_word_end(
                textbox.pango_layout.text[:-len(ellipsis)],
                textbox.style['lang'])
            if last_word_end is None:
                break
            new_text = textbox.pango_layout.text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)
            first_line, index = textbox.pango_layout.get_first_line()

    stream.set_text_matrix(*matrix.values)
    previous_pango_font = None
    string = ''
    x_advance = 0
    emojis = []
    run = first_line.runs[0]
    while run != ffi.NULL:
        # Get Pango objects.
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        glyphs_info = glyph_string.glyphs
        num_glyphs = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        utf8_text = None

        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            # Add font file content and get font size.
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)

            # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
            # This is also needed by raster emoji fonts, see #2800.
            if pango.pango_version() < 14802 or font.png:
                font_size = textbox.style['font_size']

            # Go through the run glyphs.
            if string:
                stream.show_text(string)
            string = ''
            stream.set_font_size(font.hash, 1 if font.bitmap else font_size)

        # coursebuild: group the run's glyphs into text elements and decide, before drawing, which
        # get an ActualText span. Right-to-left runs keep WeasyPrint's behaviour.
        offset = glyph_item.item.offset
        utf8_text = textbox.pango_layout.text.encode()
        span_at = {}  # first glyph index → (end glyph index, text)
        if not glyph_item.item.analysis.level % 2 and not font.bitmap:
            elements = run_elements(
                stream, font, pango_font, font_size, glyph_item,
                utf8_text[offset:offset + glyph_item.item.length])
            span_at = {start: (end, text) for start, end, text in actual_text_spans(elements)}
        span_end = None

        string += '<'
        for i, glyph_info in enumerate(glyphs_info[0:num_glyphs]):
            glyph_id = glyph_info.glyph
            width = glyph_info.geometry.width

            # coursebuild: open and close ActualText spans around the glyphs of a text element.
            if i == span_end:
                string = string[:-1] if string[-1] == '<' else string + '>'
                if string:
                    stream.show_text(string)
                stream.end_marked_content()
                string, span_end = '<', None
            if i in span_at:
                string = string[:-1] if string[-1] == '<' else string + '>'
                if string:
                    stream.show_text(string)
                span_end, actual_text = span_at[i]
                stream.begin_marked_content(
                    'Span', pydyf.Dictionary({'ActualText': pydyf.String(actual_text)}))
                string = '<'

            # Display zero-width empty glyph.
            if glyph_id == pango.PANGO_GLYPH_EMPTY:
                string += f'>{-width / font_size}<'
                continue

            # Display .notdef and log warning for missing glyphs.
            if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                codepoint = glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG
                LOGGER.warning(
                    '.notdef glyph rendered for Unicode string unsupported by fonts: '
                    '"%s" (U+%04X)', chr(codepoint), codepoint)
                glyph_id = font.get_unused_glyph_id(codepoint)
                font.widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
                if 0 not in font.widths:
                    # "width" is actually Pango’s get_approximate_char_width. Force
                    # .notdef’s to use this width, even if it’s not the right, as we
                    # want to keep Pango’s layout for next glyphs.
                    font.widths[0] = font.widths[glyph_id]

            # Create mapping between glyphs and Unicode codepoints.
            if glyph_id not in font.to_unicode:
                # Get positions of the glyph in the UTF-8 string.
                t1 = clusters[i]
                if glyph_item.item.analysis.level % 2:  # rtl
                    t2 = glyph_item.item.length if i == 0 else clusters[i-1]
                else:
                    t2 = glyph_item.item.length if i == num_glyphs-1 else clusters[i+1]
                font.to_unicode[glyph_id] = utf8_text[offset+t1:offset+t2].decode()

            # Set horizontal and vertical offsets.
            x_offset = glyph_info.geometry.x_offset / font_size  # coursebuild: was `offset`
            rise = glyph_info.geometry.y_offset / 1000
            if rise:
                if string[-1] == '<':
                    string = string[:-1]
                else:
                    string += '>'
                if string:
                    stream.show_text(string)
                stream.set_text_rise(-rise)
                string = ''
                if x_offset:
                    string = f'{-x_offset}'
                string += f'<{glyph_id:02x}>' if font.bitmap else f'<{glyph_id:04x}>'
                stream.show_text(string)
                stream.set_text_rise(0)
                string = '<'
            else:
                if x_offset:
                    string += f'>{-x_offset}<'
                string += f'{glyph_id:02x}' if font.bitmap else f'{glyph_id:04x}'

            # Get glyph logical widths.
            if glyph_id in font.widths:
                logical_width = font.widths[glyph_id]
            else:
                pango.pango_font_get_glyph_extents(
                    pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
                logical_width = font.widths[glyph_id] = round(
                    stream.logical_rect.width * 1000 * FROM_UNITS / font_size)

            # Set kerning, word spacing, letter spacing.
            kerning = logical_width + x_offset - width * 1000 * FROM_UNITS / font_size
            if kerning:
                string += f'>{int(kerning)}<'

            # Create list of emojis.
            if font.svg:
                svg_data = get_hb_object_data(font.hb_face, 'svg', glyph_id)
                if svg_data:
                    # Do as explained in specification
                    # https://learn.microsoft.com/typography/opentype/spec/svg
                    tree = ElementTree.fromstring(svg_data)
                    if tree.get('id') != f'glyph{glyph_id}':
                        defs = ElementTree.Element('defs')
                        for child in list(tree):
                            defs.append(child)
                            tree.remove(child)
                        tree.append(defs)
                        ElementTree.SubElement(
                            tree, 'use', attrib={'href': f'#glyph{glyph_id}'})
                    if 'viewBox' not in tree.attrib:
                        tree.attrib['viewBox'] = f'0 0 {font.upem} {font.upem}'
                    image = SVGImage(tree, None, None, None)
                    a = d = 1
                    emojis.append([image, font, a, d, x_advance, 0])
            elif font.png:
                png_data = get_hb_object_data(font.hb_font, 'png', glyph_id)
                if png_data:
                    pillow_image = Image.open(BytesIO(png_data))
                    image_id = f'{font.hash}{glyph_id}'
                    image = RasterImage(pillow_image, image_id, png_data)
                    d = logical_width / 1000
                    a = pillow_image.width / pillow_image.height * d
                    pango.pango_font_get_glyph_extents(
                        pango_font, glyph_id, stream.ink_rect,
                        stream.logical_rect)
                    f = -stream.logical_rect.y
                    f = f * FROM_UNITS / font_size - font_size
                    emojis.append([image, font, a, d, x_advance, f])
            elif font.colr:
                svg_data = get_hb_object_data(font.hb_font, 'colr', glyph_id)
                if svg_data:
                    tree = ElementTree.fromstring(svg_data)
                    image = SVGImage(tree, None, None, None)
                    a = d = 1
                    e = x_advance - kerning
                    emojis.append([image, font, a, d, e, -textbox.baseline])

            x_advance += (logical_width + x_offset - kerning) / 1000

        # coursebuild: a span still open at the end of the run closes with it.
        if span_end is not None:
            string = string[:-1] if string[-1] == '<' else string + '>'
            if string:
                stream.show_text(string)
            stream.end_marked_content()
            string, span_end = '<', None

        # Close the last glyphs list, remove if empty.
        if string[-1] == '<':
            string = string[:-1]
        else:
            string += '>'

    # Draw text. (coursebuild: not an empty [] TJ when the line ended with a span.)
    if string:
        stream.show_text(string)

    return emojis
