"""Print benchmark (run by hand): the whole print set, against one `weasyprint` CLI call per file.

    .venv/bin/python bench/print.py [--root .] [--workers 2]

1. Time `build_handouts` on a copy of the course (the real site/handouts is left alone): HTML for
   every document, every PDF rendered once in our process pool, the manifest, the atomic swap.
2. Write the very same HTML to files and render each with `.venv/bin/weasyprint in.html out.pdf`,
   one process per file, one after the other, as a shell script would.
Both in the same run, on the same machine; prints pages per second for each and the ratio. The CLI
side is given its HTML for free, so the ratio slightly favours it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from coursebuild import urls  # noqa: E402
from coursebuild.checks import load_checked_course  # noqa: E402
from coursebuild.handouts import DEFAULT_WORKERS, build_handouts, plan_print, read_print_css  # noqa: E402
from coursebuild.pdf import font_face_css  # noqa: E402
from coursebuild.report import format_human  # noqa: E402

WEASYPRINT = ROOT / ".venv" / "bin" / "weasyprint"


def load(root: Path):
    course, problems = load_checked_course(root)
    if course is None:
        sys.stdout.write(format_human(problems))
        sys.exit(1)
    return course


def time_ours(course, workers: int) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    build_handouts(course, workers=workers)
    elapsed = time.perf_counter() - start
    manifest = course.root / "site" / urls.MANIFEST_FILE
    return elapsed, json.loads(manifest.read_text(encoding="utf-8"))


def time_cli(course, work: Path) -> float:
    """One weasyprint process per document, with the same HTML and stylesheets."""
    jobs, problems = plan_print(course)
    assert not problems, problems
    fonts, css = work / "fonts.css", work / "print.css"
    fonts.write_text(font_face_css(), encoding="utf-8")
    css.write_text(read_print_css(course), encoding="utf-8")
    inputs = []
    for job in jobs:
        page = work / (Path(job.file).stem + ".html")
        page.write_text(job.html, encoding="utf-8")
        inputs.append(page)
    start = time.perf_counter()
    for page in inputs:
        subprocess.run([str(WEASYPRINT), "-q", "-s", str(fonts), "-s", str(css), str(page),
                        str(page.with_suffix(".pdf"))], check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=".", help="project folder holding course/ and quizzes/")
    parser.add_argument("--workers", type=int, default=min(DEFAULT_WORKERS, os.cpu_count() or 1),
                        help="render processes for our build (default: %(default)s)")
    args = parser.parse_args()
    # A fixed date: the bench must not depend on (or ask) git for the build date.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1647000000")

    with tempfile.TemporaryDirectory(prefix="bench-print-") as tmp:
        work = Path(tmp)
        copy = work / "course-copy"
        copy.mkdir()
        for part in ("course", "quizzes"):
            shutil.copytree(Path(args.root).resolve() / part, copy / part)
        course = load(copy)
        ours, manifest = time_ours(course, args.workers)
        (work / "cli").mkdir()
        cli = time_cli(course, work / "cli")

    files = len(manifest)
    pages = sum(entry["pages"] for entry in manifest)
    size = sum(entry["bytes"] for entry in manifest)
    ours_rate, cli_rate = pages / ours, pages / cli
    print(f"print set: {files} PDFs, {pages} pages, {size / 1e6:.1f} MB "
          f"({len(course.modules)} modules, {os.cpu_count()} CPUs)")
    print(f"ours (build_handouts, {args.workers} workers): {ours:6.1f} s  {ours_rate:5.1f} pages/s")
    print(f"weasyprint CLI, one call per file:     {cli:6.1f} s  {cli_rate:5.1f} pages/s")
    print(f"ratio (ours / CLI, pages per second):  {ours_rate / cli_rate:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
