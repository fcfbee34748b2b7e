"""Thai words a trainer can find in each handout, with and without our WeasyPrint patch (run by hand).

    .venv/bin/python bench/print_text.py

Every module's trainee handout is rendered twice in this run: as WeasyPrint 70.0 writes it
(coursebuild/weasyprint_thai.py switched off, in a separate process) and as the build writes it.
For each, pdftotext (default mode, as viewers' search and copy order text) reads the PDF, and we
count the lesson's distinct Thai words (title, objectives, lesson without trainer notes, key
points; cut by the site's Thai segmenter) that a search of that text finds. Goal: >= 99.5% for
every module. Also printed: render time and file size, the patch's cost.
"""
from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import copy_course  # noqa: E402

from coursebuild.checks import load_checked_course  # noqa: E402
from coursebuild.render.print.handouts import plan_print, read_print_css  # noqa: E402
from coursebuild.render.print.printdoc import print_dir  # noqa: E402
from coursebuild.render.print.searchable import (  # noqa: E402
    course_segmenter,
    lesson_text,
    missing_words,
    thai_words,
)

GOAL = 0.995

# Each variant renders in a fresh process of its own, so neither gets the other's warm caches.
_RENDER = """
import pickle, sys, time
sys.path.insert(0, {root!r})
import coursebuild.weasyprint_thai as patch
if not {patched!r}:
    patch.apply = lambda installed=None: None  # WeasyPrint as released
from coursebuild.render.print.handouts import render_job
jobs, out, css, base = pickle.load(open({args!r}, "rb"))
printed, problems = render_job(jobs[0], out, css, base)  # warm-up: fonts, Pango
start = time.process_time()  # CPU seconds: steadier than wall time on a shared machine
for job in jobs:
    printed, problems = render_job(job, out, css, base)
    assert printed is not None, problems
print(time.process_time() - start)
"""


def render_all(jobs, out: Path, css: str, base: str, patched: bool, work: Path) -> float:
    args = work / f"jobs-{patched}.pickle"
    args.write_bytes(pickle.dumps((jobs, out, css, base)))
    done = subprocess.run([sys.executable, "-c", _RENDER.format(root=str(ROOT), args=str(args), patched=patched)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = copy_course("repo", work / "course")
        course, problems = load_checked_course(root)
        assert course is not None, problems
        jobs, problems = plan_print(course)
        assert not problems, problems
        jobs = [job for job in jobs if job.kind == "handout"]
        css, base = read_print_css(course), print_dir(course.root).as_uri() + "/"
        before, after = work / "before", work / "after"
        before.mkdir()
        after.mkdir()

        time_before = render_all(jobs, before, css, base, False, work)
        time_after = render_all(jobs, after, css, base, True, work)

        segmenter = course_segmenter(course)
        print(f"{'module':20} {'words':>5}  {'released 70.0':>13}  {'ours':>7}  missing with ours")
        worst = 1.0
        for module in course.modules:
            words = thai_words(lesson_text(course, module), segmenter)
            shares = []
            for folder in (before, after):
                text = subprocess.run(["pdftotext", str(folder / f"{module.id}.pdf"), "-"], capture_output=True,
                                      text=True, check=True).stdout
                missing = missing_words(words, text)
                shares.append((1 - len(missing) / len(words), missing))
            worst = min(worst, shares[1][0])
            print(f"{module.id:20} {len(words):5}  {shares[0][0]:13.2%}  {shares[1][0]:7.2%}  {' '.join(shares[1][1][:8])}")
        size_before = sum(p.stat().st_size for p in before.glob("*.pdf"))
        size_after = sum(p.stat().st_size for p in after.glob("*.pdf"))
        print(f"render {len(jobs)} handouts (tagged PDF/UA-1 both), CPU: released {time_before:.1f} s, ours {time_after:.1f} s "
              f"(x{time_after / time_before:.2f}); size {size_before / 1e3:.0f} KB vs {size_after / 1e3:.0f} KB "
              f"(x{size_after / size_before:.2f})")
        print(f"goal (>= {GOAL:.1%} of each lesson's words found): {'met' if worst >= GOAL else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
