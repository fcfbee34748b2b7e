"""Build caches: where they live, how to turn them off, and content digests for their keys.

Every cache is keyed by a hash of the content that decides its value, never by a file's date,
so a cache can only save time, never change output. They live in build/ (git-ignored, removed
by `make clean`), one folder each, and can be deleted at any time.

`COURSEBUILD_CACHE=off` in the environment turns every cache off (the benchmarks use it for a
same-run baseline; a suspicious result can be checked against a fresh build with it).
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from importlib import metadata
from pathlib import Path

CACHE_DIR = "build"
SWITCH = "COURSEBUILD_CACHE"
# Libraries whose version can change a PDF's bytes.
_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "pillow", "tinyhtml5", "tinycss2", "cssselect2", "pyphen",
              "fontpkg-sarabun")
_OUR_PDF_CODE = ("pdf.py", "weasyprint_thai.py")

_digests: dict[tuple[str, int, int], str] = {}


def enabled() -> bool:
    return os.environ.get(SWITCH, "on").lower() not in ("off", "0", "no")


def cache_dir(root: Path, name: str) -> Path | None:
    """build/<name>/ of the project, or None when caches are off."""
    return root / CACHE_DIR / name if enabled() else None


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes ("missing" if it cannot be read). Remembered per (path, modification
    time, size) for this process only: a digest read once is not read again in the same run."""
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    digest = _digests.get(key)
    if digest is None:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return "missing"
        _digests[key] = digest
    return digest


def store(path: Path, data: bytes) -> None:
    """Write a cache entry whole or not at all (a killed build leaves no half file to be reused)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@functools.lru_cache(maxsize=1)
def pdf_code_fingerprint() -> str:
    """The libraries' versions and our own PDF code: what turns the same HTML into other bytes."""
    h = hashlib.sha256()
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\n".encode())
    package = Path(__file__).resolve().parent
    for name in _OUR_PDF_CODE:
        h.update(file_digest(package / name).encode())
    return h.hexdigest()


def folder_fingerprint(folder: Path) -> str:
    """Every file of a folder (theme/print/, theme/certificate/), by relative path and content."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(f"{path.relative_to(folder).as_posix()}\0{file_digest(path)}\n".encode())
    return h.hexdigest()
