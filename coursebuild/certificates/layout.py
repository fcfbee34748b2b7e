"""Certificate and sign-in sheet geometry, shared by the stylesheets, name fitting and PDF drawing.
"""
from __future__ import annotations

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


SECTIONS_PER_PAGE = 20  # names per tall WeasyPrint page (see section_painters); 20 × 210 mm stays
# under 32767 pt, the coordinate limit old PDF readers have


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
