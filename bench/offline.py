"""Offline cache benchmark (run by hand): what a phone stores for offline use, against 3 MB.

    .venv/bin/python bench/offline.py [--root .] [--top 15]

Builds the course's site into a temporary folder, then adds up every file the service worker
precaches (site/sw.js lists them; handout PDFs are not among them): raw bytes, which is what the
phone stores, and gzipped at level 6, which is about what a typical web server sends. The budget
is 3 MB raw for the whole course. Also prints the size of the trainers' file:// zip.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import copy_course  # noqa: E402

from coursebuild.cli import main  # noqa: E402
from coursebuild.render.site.offline import (  # noqa: E402
    BUDGET_BYTES,
    OFFLINE_ZIP,
    collect_precache,
)


def kb(size: int) -> str:
    return f"{size / 1024:8.1f} KB"


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(ROOT), help="project holding course/ and quizzes/")
    parser.add_argument("--top", type=int, default=15, help="list this many of the largest files")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if Path(args.root).resolve() == ROOT:
            copy_course("repo", root)
        else:
            shutil.copytree(args.root, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("site", "dist"))
        if main(["--root", str(root), "site", "--offline"]) != 0:
            print("the site did not build; fix the problems above first", file=sys.stderr)
            return 1
        precache = collect_precache(root / "site")
        files = precache.files + precache.extras
        zip_size = (root / OFFLINE_ZIP).stat().st_size

    share = precache.size / BUDGET_BYTES
    print(f"offline cache: {len(files)} files, {precache.size / 1024 / 1024:.2f} MB raw, "
          f"{precache.gzip_size / 1024 / 1024:.2f} MB gzipped; budget {BUDGET_BYTES / 1024 / 1024:.0f} MB raw "
          f"({share:.0%} of it) -> {'OK' if share <= 1 else 'OVER BUDGET'}")
    print(f"content version {precache.version}; trainers' zip (with PDFs if built): {zip_size / 1024 / 1024:.2f} MB")
    groups: dict[str, list[int]] = {}
    for f in files:
        kind = ("pages (HTML)" if f.path.endswith(".html") else
                f.path.split("/")[0] + "/" if "/" in f.path else "site root: manifest, sitemap")
        total = groups.setdefault(kind, [0, 0, 0])
        total[0] += 1
        total[1] += f.size
        total[2] += f.gzip_size
    print("by kind:")
    for kind, (count, raw, gz) in sorted(groups.items(), key=lambda kv: -kv[1][1]):
        print(f"  {kb(raw)} raw {kb(gz)} gz  {count:3d} files  {kind}")
    print(f"largest {args.top}:")
    for f in sorted(files, key=lambda f: -f.size)[: args.top]:
        print(f"  {kb(f.size)} raw {kb(f.gzip_size)} gz  {f.path}")
    return 0 if share <= 1 else 1


if __name__ == "__main__":
    sys.exit(main_bench())
