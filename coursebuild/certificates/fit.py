"""Will it print? Names and fixed lines measured with Sarabun's own metrics before WeasyPrint sees them.
"""
from __future__ import annotations

import functools
import math
import unicodedata
from pathlib import Path

from coursebuild.certificates.layout import (
    FIT_MARGIN,
    FIXED_LINES,
    LAYOUT,
    NAME_MAX_PT,
    NAME_MIN_PT,
    PT_PER_MM,
)
from coursebuild.certificates.roster import Cohort
from coursebuild.certificates.wording import fixed_texts
from coursebuild.pdf import sarabun_dir
from coursebuild.problems import Problem


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
def font_metrics(style: str) -> _Metrics:
    return _Metrics(sarabun_dir() / f"Sarabun-{style}.ttf")


def fit_size(text: str, style: str, width_mm: float, largest: float, smallest: float = 0.0) -> float:
    """The largest size (in 0.25 pt steps, so equal sizes share WeasyPrint's computed styles) at
    which `text` fits `width_mm` on one line."""
    width = font_metrics(style).width_pt(text, 1.0)
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
            missing = sorted(set(font_metrics("Bold").missing(text)) | set(font_metrics("Regular").missing(text)))
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
    texts = fixed_texts(course, cohort)
    room = LAYOUT["line_width"] * PT_PER_MM
    where = {"organisers": "organisers", "course": "course/course.yml title", "cohort": "title and venue"}
    for key, (size, style) in FIXED_LINES.items():
        if font_metrics(style).width_pt(texts[key], size) > room:
            path = "course/course.yml" if key == "course" else f"{cohort.path}/cohort.yml"
            problems.append(Problem(path, 0, 0, "certificate-line-too-long",
                                    f"the {key} line of the certificate is too long for one line: '{texts[key]}'",
                                    f"shorten the {where[key]}"))
    return problems
