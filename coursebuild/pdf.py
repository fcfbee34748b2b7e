"""WeasyPrint, made strict and reproducible. Shared by handouts and certificates.

- Sarabun comes from the fontpkg-sarabun wheel, declared with @font-face; the same
  FontConfiguration goes to CSS() and write_pdf(), or WeasyPrint silently ignores @font-face and
  Thai prints as empty boxes.
- WeasyPrint logs problems (missing image, unknown font, bad CSS) instead of failing: we collect
  its warnings and raise ContentError naming the source file, except the few in
  HARMLESS_WEASYPRINT_WARNINGS that change nothing in the PDF.
- PDF metadata dates come from SOURCE_DATE_EPOCH (or the last commit), so the same input gives
  byte-identical files.
- WeasyPrint reads files only through `local_fetcher`: the folders it is given (the course's and
  theme's own, the Sarabun package, a cohort's logo files) and data: URLs we made (QR codes).
  Anything else, the network, /etc/passwd or a roster included, is refused and fails the build.
- Thai text is written so that copy, search and screen readers get it back exactly
  (coursebuild/weasyprint_thai.py, applied before anything is drawn).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from coursebuild.problems import ContentError, Problem

SARABUN_WEIGHTS = {"Regular": (400, "normal"), "Bold": (700, "normal"), "Italic": (400, "italic"),
                   "BoldItalic": (700, "italic"), "SemiBold": (600, "normal"), "Light": (300, "normal")}


def sarabun_dir() -> Path:
    import fontpkg_sarabun

    return Path(fontpkg_sarabun.__file__).parent / "files"


def font_face_css() -> str:
    """@font-face rules for Sarabun from the installed wheel (file:// URLs, nothing fetched)."""
    rules = []
    for style, (weight, slant) in SARABUN_WEIGHTS.items():
        path = sarabun_dir() / f"Sarabun-{style}.ttf"
        rules.append(f"@font-face {{ font-family: 'Sarabun'; src: url('{path.as_uri()}'); "
                     f"font-weight: {weight}; font-style: {slant}; }}")
    return "\n".join(rules)


def source_date() -> dt.datetime:
    """The build date for PDF metadata: SOURCE_DATE_EPOCH, else the last commit, else a fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], capture_output=True, text=True,
                                   check=True, cwd=Path(__file__).parent).stdout.strip()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (TypeError, ValueError):
        return dt.datetime(2022, 3, 11, tzinfo=dt.timezone.utc)


# WeasyPrint warnings that change nothing in the printed output, so they are not build errors. Each
# pattern must match a whole message (re.fullmatch), so a reworded message on another WeasyPrint
# version fails the build until someone checks it again. Say why each one is harmless.
HARMLESS_WEASYPRINT_WARNINGS = (
    # Without libharfbuzz-subset (or with HarfBuzz older than 4.1) WeasyPrint subsets embedded fonts
    # with fontTools instead. Both keep the same glyphs at the same ids, so the fonts, the text and
    # the pages are the same (checked with pdffonts, pdftotext and rendered pages in
    # tests/test_fresh_machine.py). Only the font's header bytes differ, and fontTools dates them
    # SOURCE_DATE_EPOCH or now: cli.main pins SOURCE_DATE_EPOCH, so rebuilds stay byte-identical.
    re.compile(r'Using fontTools instead of HarfBuzz-Subset for font "[^"\n]*"\. This will be unsupported '
               r'in future versions of WeasyPrint\. Please install HarfBuzz-Subset >= 4\.1\.0 with your '
               r'package manager\.'),
)


def local_fetcher(allowed: tuple[str, ...]):
    """A WeasyPrint URL fetcher that reads only files in or equal to `allowed` (paths, symbolic
    links followed before comparing) and data: URLs. Everything else raises, which WeasyPrint logs
    as a warning and strict_weasyprint turns into an error naming the address."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    roots = [Path(p).resolve() for p in allowed]

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "file":
                path = Path(unquote(urlsplit(url.split("?", 1)[0]).path)).resolve()
                if any(path == root or path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            elif scheme == "data":
                return super().fetch(url, headers)
            raise ValueError(f"refused: only the course's own files are read ({url[:120]})")

    return LocalFetcher(allowed_protocols={"file", "data"})


def font_dirs() -> tuple[str, ...]:
    return (str(sarabun_dir()),)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def strict_weasyprint(source: str) -> Iterator[None]:
    """Turn any WeasyPrint warning raised inside the block into a ContentError about `source`.

    Warnings in HARMLESS_WEASYPRINT_WARNINGS are dropped.
    """
    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    messages = [message for message in handler.messages
                if not any(pattern.fullmatch(message) for pattern in HARMLESS_WEASYPRINT_WARNINGS)]
    if messages:
        raise ContentError([Problem(source, 0, 0, "print-warning", message,
                                    "fix the image path, font or CSS named here; the PDF was not written")
                            for message in messages])


def write_pdf(html: str, base_url: str | Path, css: list[str], source: str, target: Path | None = None,
              title: str = "", allowed: tuple[str, ...] = (), **options) -> bytes:
    """Render HTML to PDF strictly. Returns the bytes (and writes `target` if given).

    WeasyPrint may read files only inside `allowed` (and the font package): see local_fetcher.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from coursebuild import weasyprint_thai

    try:
        weasyprint_thai.apply()
    except weasyprint_thai.UnsupportedWeasyPrint as exc:
        raise ContentError([Problem("requirements.txt", 0, 0, "weasyprint-version", str(exc),
                                    "run `make` to install the pinned versions")]) from exc
    fonts = FontConfiguration()
    fetcher = local_fetcher(tuple(allowed) + font_dirs())
    with strict_weasyprint(source):
        sheets = [CSS(string=font_face_css(), font_config=fonts, url_fetcher=fetcher)]
        sheets += [CSS(string=text, font_config=fonts, base_url=str(base_url), url_fetcher=fetcher) for text in css]
        document = HTML(string=html, base_url=str(base_url), url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=fonts)
        stamp = source_date().strftime("%Y-%m-%dT%H:%M:%SZ")
        document.metadata.created = stamp
        document.metadata.modified = stamp
        if title:
            document.metadata.title = title
        # render() took the same FontConfiguration as CSS(); Document.write_pdf() reuses it.
        data = document.write_pdf(**options)
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return data
