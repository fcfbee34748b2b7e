"""Print PDFs kept between builds: a document whose inputs have not changed is copied, not rendered.

Rendering is nearly all of a build's time (29 PDFs, about 12 s on 2 cores), and most builds
change one lesson or nothing printed at all. A PDF is reused when this key is the same, a
SHA-256 over everything that decides its bytes:

- the document's HTML, the print CSS, its title, base URL and PDF options (PDF/UA tagging);
- the bytes of every local file the HTML or CSS names (file:// URLs: lesson images, the Sarabun
  fonts) and of every file in theme/print/ (relative URLs resolve there);
- the build date written into the PDF's metadata (SOURCE_DATE_EPOCH, pdf.source_date);
- the versions of WeasyPrint and the libraries it writes PDFs with, and the source of our own
  PDF code (coursebuild/pdf.py, coursebuild/weasyprint_thai.py), which decide what is written.

Not in the key: the system's Pango, HarfBuzz and fonts. The print CSS names only Sarabun, from
the font package, but after a system upgrade run `make clean` (or delete build/print-cache/).
tests/test_pdf_cache.py checks that a reused PDF is byte-identical to a fresh render.

Entries live in build/print-cache/ as <key>.pdf with <key>.json (its page count); a build removes
the entries it did not use, so the folder holds one build's worth. COURSEBUILD_CACHE=off skips it.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from coursebuild import cache
from coursebuild.cache import folder_fingerprint, pdf_code_fingerprint

CACHE_NAME = "print-cache"
_FILE_URL = re.compile(r"file://[^\"'\s)<>]+")


def _named_files(text: str) -> list[Path]:
    return sorted({Path(unquote(urlsplit(url).path)) for url in _FILE_URL.findall(text)})


class PdfCache:
    """Lookups and stores for one build. `folder` None: caching is off (every job renders)."""

    def __init__(self, folder: Path | None, print_folder: Path, css: str, base_url: str, options: dict,
                 stamp: str, extra_css: str = ""):
        self.folder = folder
        h = hashlib.sha256()
        for part in (pdf_code_fingerprint(), folder_fingerprint(print_folder), css, extra_css, base_url,
                     json.dumps(options, sort_keys=True), stamp):
            h.update(part.encode("utf-8") + b"\0")
        for path in _named_files(css + extra_css):
            h.update(f"{path}\0{cache.file_digest(path)}\n".encode())
        self._common = h.digest()
        self.used: set[str] = set()
        self.hits = 0

    def key(self, html: str, title: str) -> str:
        h = hashlib.sha256(self._common)
        h.update(title.encode("utf-8") + b"\0" + html.encode("utf-8") + b"\0")
        for path in _named_files(html):
            h.update(f"{path}\0{cache.file_digest(path)}\n".encode())
        return h.hexdigest()

    def get(self, key: str) -> tuple[bytes, int] | None:
        """(PDF bytes, page count) stored under `key`, or None."""
        if self.folder is None:
            return None
        try:
            data = (self.folder / f"{key}.pdf").read_bytes()
            pages = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))["pages"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.used.add(key)
        self.hits += 1
        return data, pages

    def put(self, key: str, data: bytes, pages: int) -> None:
        if self.folder is None:
            return
        cache.store(self.folder / f"{key}.pdf", data)
        cache.store(self.folder / f"{key}.json", json.dumps({"pages": pages}).encode())
        self.used.add(key)

    def prune(self) -> None:
        """Remove the entries this build did not use."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix in (".pdf", ".json") and path.stem not in self.used:
                path.unlink(missing_ok=True)
