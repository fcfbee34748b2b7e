"""Print benchmark (run by hand): the whole print set, against one `weasyprint` CLI call per file.

    .venv/bin/python bench/print.py [--root .] [--workers 2] [--runs 2]

1. Time `build_handouts` on a copy of the course (the real site/handouts is left alone): HTML for
   every document, every PDF rendered once in our process pool, the manifest, the atomic swap.
2. Write the very same HTML to files and render each with `.venv/bin/weasyprint in.html out.pdf`,
   one process per file, one after the other, as a shell script would.
Both in the same run, alternating, best of --runs. Prints pages per second (wall clock) and pages
per CPU second for each, and the ratios. CPU time barely moves when other work shares the machine;
wall time does. The CLI side is given its HTML for free, so the ratios slightly favour it.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from coursebuild import urls  # noqa: E402
from coursebuild.checks import load_checked_course  # noqa: E402
from coursebuild.pdf import font_face_css  # noqa: E402
from coursebuild.render.print.handouts import (  # noqa: E402
    build_handouts,
    default_workers,
    plan_print,
    read_print_css,
)
from coursebuild.report import format_human  # noqa: E402

WEASYPRINT = ROOT / ".venv" / "bin" / "weasyprint"


@dataclass
class Timing:
    wall: float
    cpu: float  # this process and its children (pool workers, CLI processes)


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(action) -> Timing:
    wall, cpu = time.perf_counter(), cpu_seconds()
    action()
    return Timing(time.perf_counter() - wall, cpu_seconds() - cpu)


def load(root: Path):
    course, problems = load_checked_course(root)
    if course is None:
        sys.stdout.write(format_human(problems))
        sys.exit(1)
    return course


def prepare_cli(course, work: Path) -> list[list[str]]:
    """The same HTML and stylesheets as our build, as files, and one weasyprint command per file."""
    jobs, problems = plan_print(course)
    assert not problems, problems
    fonts, css = work / "fonts.css", work / "print.css"
    fonts.write_text(font_face_css(), encoding="utf-8")
    css.write_text(read_print_css(course), encoding="utf-8")
    commands = []
    for job in jobs:
        page = work / (Path(job.file).stem + ".html")
        page.write_text(job.html, encoding="utf-8")
        commands.append([str(WEASYPRINT), "-q", "-s", str(fonts), "-s", str(css), str(page),
                         str(page.with_suffix(".pdf"))])
    return commands


def run_cli(commands: list[list[str]]) -> None:
    for command in commands:
        subprocess.run(command, check=True)


def best(timings: list[Timing]) -> Timing:
    return Timing(min(t.wall for t in timings), min(t.cpu for t in timings))


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=".", help="project folder holding course/ and quizzes/")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="render processes for our build (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, alternating; best is kept")
    args = parser.parse_args()
    # A fixed date: the bench must not depend on (or ask) git for the build date. No print cache:
    # this bench times rendering (bench/build.py times builds with and without it).
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1647000000")
    os.environ["COURSEBUILD_CACHE"] = "off"

    with tempfile.TemporaryDirectory(prefix="bench-print-") as tmp:
        work = Path(tmp)
        copy = work / "course-copy"
        for part in ("course", "quizzes"):
            shutil.copytree(Path(args.root).resolve() / part, copy / part)
        course = load(copy)
        (work / "cli").mkdir()
        commands = prepare_cli(course, work / "cli")
        ours, cli = [], []
        for _ in range(args.runs):
            ours.append(measure(lambda: build_handouts(course, workers=args.workers)))
            cli.append(measure(lambda: run_cli(commands)))
        # The whole set: trainee files (site/handouts, in the manifest) and trainer copies (dist/trainer).
        pdfs = sorted((copy / "site" / urls.HANDOUT_DIR).glob("*.pdf")) + sorted((copy / "dist" / urls.TRAINER_DIR).glob("*.pdf"))
        pages = sum(pdf_pages(pdf) for pdf in pdfs)
        size = sum(pdf.stat().st_size for pdf in pdfs)

    ours, cli = best(ours), best(cli)
    print(f"print set: {len(pdfs)} PDFs, {pages} pages, {size / 1e6:.1f} MB "
          f"({len(course.modules)} modules; {os.cpu_count()} CPUs; best of {args.runs}; "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"{'':38} {'wall s':>7} {'pages/s':>8} {'CPU s':>7} {'pages/CPU s':>12}")
    for label, t in ((f"ours (build_handouts, {args.workers} workers)", ours),
                     ("weasyprint CLI, one call per file", cli)):
        print(f"{label:38} {t.wall:7.1f} {pages / t.wall:8.1f} {t.cpu:7.1f} {pages / t.cpu:12.1f}")
    print(f"ratio ours / CLI: {cli.wall / ours.wall:.2f}× pages per second, "
          f"{cli.cpu / ours.cpu:.2f}× pages per CPU second")
    return 0


if __name__ == "__main__":
    sys.exit(main())
