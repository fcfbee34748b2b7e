"""A fresh machine builds (issue 11).

- System packages come from one list, system-packages.txt, through tools/system-packages, which
  `make`, .ci/run and the CI workflows call; without root or sudo it stops with the apt-get line.
- WeasyPrint warnings that change nothing in the PDF (coursebuild.pdf.HARMLESS_WEASYPRINT_WARNINGS)
  are not build errors; every other warning still is.
- `make` succeeds on a machine without libharfbuzz-subset (the README used to leave it out, and
  WeasyPrint then subsets fonts with fontTools and warns): the library is hidden in a private mount
  namespace and a whole `make` runs there.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_course
from PIL import Image, ImageChops

from coursebuild.handouts import build_handouts
from coursebuild.load import load_course
from coursebuild.pdf import HARMLESS_WEASYPRINT_WARNINGS, strict_weasyprint
from coursebuild.problems import ContentError

SCRIPT = ROOT / "tools" / "system-packages"
WEASYPRINT = logging.getLogger("weasyprint")
# WeasyPrint 70's words (weasyprint/pdf/fonts.py), logged once per font when HarfBuzz-Subset is missing.
FONTTOOLS_FALLBACK = ('Using fontTools instead of HarfBuzz-Subset for font "%s". This will be unsupported in '
                      'future versions of WeasyPrint. Please install HarfBuzz-Subset >= 4.1.0 with your package '
                      'manager.')
# Printed by `import weasyprint` in every process that could not load the library.
MISSING_AT_IMPORT = "HarfBuzz-Subset will be required by future versions of WeasyPrint"


class _Record(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# --- the allow-list -------------------------------------------------------------------------------

def test_an_unlisted_weasyprint_warning_still_fails_the_build():
    with pytest.raises(ContentError) as error:
        with strict_weasyprint("course/modules/fake-news.md"):
            WEASYPRINT.warning('Unable to subset "%s" with fontTools', "Sarabun")
    assert [(p.path, p.code, p.message) for p in error.value.problems] == [
        ("course/modules/fake-news.md", "print-warning", 'Unable to subset "Sarabun" with fontTools')]


def test_the_fonttools_fallback_warning_does_not_fail_the_build():
    with strict_weasyprint("course/modules/fake-news.md"):
        WEASYPRINT.warning(FONTTOOLS_FALLBACK, "Sarabun")
        WEASYPRINT.warning(FONTTOOLS_FALLBACK, "Sarabun Bold")


def test_a_harmless_pattern_must_match_the_whole_message():
    with pytest.raises(ContentError) as error:
        with strict_weasyprint("x.md"):
            WEASYPRINT.warning(FONTTOOLS_FALLBACK, "Sarabun")
            WEASYPRINT.warning(FONTTOOLS_FALLBACK + " Some glyphs were dropped.", "Sarabun")
    assert [p.message for p in error.value.problems] == [FONTTOOLS_FALLBACK % "Sarabun" + " Some glyphs were dropped."]


def _pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [row.split()[:-2] for row in out.splitlines()[2:]]  # without the object number


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path: Path, folder: Path) -> list[Image.Image]:
    # pdftocairo, not pdftoppm: poppler's own rasteriser sizes its glyph cache from the font's
    # header bounding box, which fontTools recomputes for the subset and HarfBuzz keeps; that moves
    # glyph edges by a fraction of a pixel at some resolutions although the outlines are the same.
    folder.mkdir(exist_ok=True)
    prefix = folder / path.stem
    subprocess.run(["pdftocairo", "-png", "-gray", "-r", "150", str(path), str(prefix)], check=True)
    return [Image.open(png).convert("L") for png in sorted(folder.glob(f"{path.stem}-*.png"))]


def test_handouts_subset_by_fonttools_have_the_same_fonts_text_and_pages(tmp_path, monkeypatch):
    """What makes the fallback harmless: the reader gets the same PDF. WeasyPrint's own fallback
    runs here, as on a machine without libharfbuzz-subset, and its real warning is logged."""
    import weasyprint.pdf.fonts

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1647000000")
    with_lib = copy_course("minimal", tmp_path / "with")
    build_handouts(load_course(with_lib)[0], workers=1)

    without = copy_course("minimal", tmp_path / "without")
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    record = _Record()
    WEASYPRINT.addHandler(record)
    try:
        build_handouts(load_course(without)[0], workers=1)
    finally:
        WEASYPRINT.removeHandler(record)
    assert record.messages and all(HARMLESS_WEASYPRINT_WARNINGS[0].fullmatch(m) for m in record.messages)

    pdfs = sorted(p.name for p in (with_lib / "site" / "handouts").glob("*.pdf"))
    assert pdfs == sorted(p.name for p in (without / "site" / "handouts").glob("*.pdf")) and pdfs
    for name in pdfs:
        a, b = with_lib / "site" / "handouts" / name, without / "site" / "handouts" / name
        assert a.read_bytes() != b.read_bytes(), "the fallback did not run"
        assert _pdffonts(a) == _pdffonts(b), name
        assert _pdftotext(a) == _pdftotext(b), name
        pages_a, pages_b = _pages(a, tmp_path / "a"), _pages(b, tmp_path / "b")
        assert len(pages_a) == len(pages_b) > 0
        for number, (page_a, page_b) in enumerate(zip(pages_a, pages_b), 1):
            assert ImageChops.difference(page_a, page_b).getbbox() is None, f"{name} page {number}"
