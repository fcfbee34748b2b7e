"""`check` benchmark (run by hand): what the terms, claims, quiz-wording and learning-time checks
add to `python build.py check`, and that they grow linearly with the text.

    .venv/bin/python bench/check.py [--root .] [--runs 7]

1. `python build.py check` as a user runs it, against a baseline measured in the same run: the
   same process doing everything `check` did before these checks (load the course without
   terms.yml and claims.yml, then the text, link, image and trainer-note checks). CPU seconds (user + system) of the child process, the
   least of --runs runs, since the machine is shared; wall time alongside.
2. In-process, the least of --runs: each new check on the course.
3. The terms linter and the claims coverage check on the course's prose repeated 1, 4 and 16
   times: the time per copy should stay flat (one regular-expression pass per text, no
   backtracking on the number of terms or claims).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from coursebuild.checks.claims import check_claims, check_coverage  # noqa: E402
from coursebuild.checks.learning_time import (  # noqa: E402
    check_claimed_durations,
    check_course_total,
    check_time_boxes,
)
from coursebuild.checks.prose import course_prose  # noqa: E402
from coursebuild.checks.quiz_quality import check_quiz_quality  # noqa: E402
from coursebuild.checks.terms import check_terms  # noqa: E402
from coursebuild.source.load import load_course  # noqa: E402

BASELINE = """
import sys
from pathlib import Path
import coursebuild.source.load as load
from coursebuild.checks.links import check_links, check_quiz_images
from coursebuild.checks.notes import check_trainer_notes_closed
from coursebuild.checks.text import check_texts
load.load_terms = load.load_claims = lambda root: (None, [])  # as before: no terms.yml, no claims.yml
course, problems = load.load_course(Path(sys.argv[1]))
problems += [*check_texts(course), *check_links(course), *check_quiz_images(course),
             *check_trainer_notes_closed(course)]
"""


def child_seconds(argv: list[str], runs: int) -> tuple[float, float]:
    """(least CPU seconds, least wall seconds) of a child process over `runs` runs."""
    cpu, wall = [], []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
        wall.append(time.perf_counter() - start)
        after = os.times()
        cpu.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return min(cpu), min(wall)


def least(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(ROOT), help="project holding course/ and quizzes/")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    root = Path(args.root).resolve()

    base_cpu, base_wall = child_seconds([sys.executable, "-c", BASELINE, str(root)], args.runs)
    full_cpu, full_wall = child_seconds([sys.executable, str(ROOT / "build.py"), "--root", str(root), "check"],
                                        args.runs)
    print(f"check, before these checks (baseline): {base_cpu:6.3f} s CPU {base_wall:6.3f} s wall")
    print(f"python build.py check:                 {full_cpu:6.3f} s CPU {full_wall:6.3f} s wall "
          f"({full_cpu / base_cpu:.2f}× the baseline's CPU, +{full_cpu - base_cpu:.3f} s)")

    course, _ = load_course(root)
    prose = course_prose(course)
    print(f"\nin process, least of {args.runs} ({len(prose)} pieces of prose, {sum(len(p.text) for p in prose):,} "
          "characters):")
    rows = [("prose (shared)", lambda: course_prose(course)), ("terms", lambda: check_terms(course, prose)),
            ("claims", lambda: check_claims(course, prose)), ("quiz wording", lambda: check_quiz_quality(course, prose)),
            ("learning time", lambda: (check_time_boxes(course), check_course_total(course),
                                       check_claimed_durations(course)))]
    for name, fn in rows:
        print(f"  {name:15} {least(fn, args.runs) * 1000:7.1f} ms")

    if course.terms is not None and course.claims is not None:
        print("\nlinear in the text: the course's prose repeated n times, ms per copy")
        per_copy = []
        for n in (1, 4, 16):
            many = prose * n
            seconds = least(lambda: (check_terms(course, many), check_coverage(course.claims, many)), 3)
            per_copy.append(seconds / n)
            print(f"  n={n:2}: {seconds * 1000:8.1f} ms total, {seconds / n * 1000:6.1f} ms per copy")
        print(f"  per-copy time at n=16 is {per_copy[-1] / per_copy[0]:.2f}× that at n=1 (1.00 = linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main_bench())
