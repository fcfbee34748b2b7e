"""The last stage: put finished output in place atomically.

Everything is built in a temporary folder next to the destination; only a complete build replaces
the old output, so a failed build leaves the last good site or certificates where they were.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def staging_dir(dest: Path) -> Iterator[Path]:
    """A fresh empty folder beside `dest` (same file system, so the final rename is atomic)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.building-", dir=dest.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private, but it becomes the published folder a web server reads
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def replace_dir(new: Path, dest: Path) -> None:
    """Swap `new` into `dest`. The old tree is moved aside first, then removed."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(dest, old)
    os.replace(new, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def carry_over(previous: Path, new: Path, names: list[str]) -> None:
    """Copy sub-folders made by other commands (e.g. site/handouts) into a new build."""
    for name in names:
        src = previous / name
        if src.is_dir() and not (new / name).exists():
            shutil.copytree(src, new / name)
