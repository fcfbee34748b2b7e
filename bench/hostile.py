#!/usr/bin/env python3
"""Benchmark: `build.py check` on hostile content (issue 11), against a clean check in the same run.

    .venv/bin/python bench/hostile.py
    .venv/bin/python bench/hostile.py --against /tmp/old-checkout    # the same cases on another version

Each case is the minimal fixture course with one file replaced or extended, checked in a fresh
process. It prints CPU seconds, peak memory and the first reported line, and each case's CPU time
as a ratio of the clean course's. Every case must stay under two seconds (the issue's bound for
files up to 1 MB). With --against, each case also runs on that checkout (a copy of the project at
another commit, e.g. `git archive <commit> | tar -x -C /tmp/old`), capped at 120 s and 3 GB.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
LESSON = "course/modules/fake-news.md"
QUIZ = "quizzes/fake-news.yml"


def alias_bomb(levels: int = 8) -> str:
    lines = ["? &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]", ": 0"]
    for index, name in enumerate("bcdefghij"[: levels - 1]):
        lines += [f"? &{name} [" + ",".join(["*" + "abcdefghij"[index]] * 9) + "]", f": {index + 1}"]
    return "\n".join(lines) + "\n"


def replace(rel: str, text: str):
    return lambda root: (root / rel).write_text(text, encoding="utf-8")


def append(rel: str, text: str):
    return lambda root: (root / rel).write_text((root / rel).read_text(encoding="utf-8") + "\n" + text + "\n",
                                                encoding="utf-8")


def edit(rel: str, old: str, new: str):
    return lambda root: (root / rel).write_text((root / rel).read_text(encoding="utf-8").replace(old, new),
                                                encoding="utf-8")


def big_quiz(root: Path) -> None:
    text = "module: fake-news\ntitle: t\nquestions:\n"
    question = ("  - id: q{}\n    type: single\n    prompt: ข้อ {} ข่าวปลอม\n    choices:\n      - text: ใช่\n"
                "        correct: true\n      - text: ไม่ใช่\n        correct: false\n    explanation: x\n")
    index = 0
    while len((text + question.format(index, index)).encode()) < 127_000:
        text += question.format(index, index)
        index += 1
    (root / QUIZ).write_text(text, encoding="utf-8")


CASES = {
    "clean course (baseline)": lambda root: None,
    f"alias bomb in mapping keys ({len(alias_bomb())} bytes)": replace(QUIZ, alias_bomb()),
    "600-deep nesting in a quiz": replace(QUIZ, "module: " + "[" * 600 + "]" * 600 + "\n"),
    "date 2022-02-30 as a quiz title": edit(QUIZ, "title: แบบทดสอบ ข่าวปลอม", "title: 2022-02-30"),
    "date 2022-02-30 as a duration": edit(LESSON, "duration: 90", "duration: 2022-02-30"),
    "lesson line of 20,000 '['": append(LESSON, "[" * 20000),
    "lesson of 1,000 nested '1. '": append(LESSON, "1. " * 1000),
    "1 MB lesson of '*a*'": append(LESSON, "*a*" * 330_000),
    "1 MB lesson of '<a '": append(LESSON, "<a " * 330_000),
    "1 MB lesson of blank lines": append(LESSON, "\n" * 999_000),
    "127 KB quiz (the YAML limit)": big_quiz,
}

CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from coursebuild.cli import main
started = time.process_time()
try:
    code = main(["--root", sys.argv[2], "check"])
except BaseException as exc:
    code = f"{type(exc).__name__}: {exc}"[:120]
cpu = time.process_time() - started
sys.stderr.write(json.dumps({"code": code, "cpu": cpu, "kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run(project: Path, make, timeout: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(MINIMAL, root)
        make(root)

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

        try:
            done = subprocess.run([sys.executable, "-c", CHILD, str(project), str(root)], capture_output=True,
                                  text=True, timeout=timeout, preexec_fn=limit)
        except subprocess.TimeoutExpired:
            return {"code": f"killed after {timeout:.0f} s", "cpu": timeout, "kb": 0, "first": ""}
        try:
            result = json.loads(done.stderr.strip().splitlines()[-1])
        except (ValueError, IndexError):
            tail = done.stderr.strip().splitlines()[-1:] or [""]
            result = {"code": f"crashed: {tail[0][:100]}", "cpu": float("nan"), "kb": 0}
        result["first"] = (done.stdout.strip().splitlines() or [""])[0]
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, help="another checkout of the project to run the same cases on")
    args = parser.parse_args()
    print(f"{'case':44} {'cpu s':>7} {'× clean':>8} {'peak MB':>8}  outcome")
    base = None
    worst = 0.0
    for name, make in CASES.items():
        ours = run(ROOT, make, 600)
        base = base or ours["cpu"]
        worst = max(worst, ours["cpu"])
        print(f"{name:44} {ours['cpu']:7.2f} {ours['cpu'] / base:8.1f} {ours['kb'] / 1024:8.0f}  "
              f"exit {ours['code']}: {ours['first'][:90]}", flush=True)
        if args.against:
            old = run(args.against, make, 120)
            print(f"{'   on ' + args.against.name:44} {old['cpu']:7.2f} {old['cpu'] / base:8.1f} "
                  f"{old['kb'] / 1024:8.0f}  exit {old['code']}: {old['first'][:90]}", flush=True)
    print(f"slowest hostile case: {worst:.2f} s CPU (bound: 2 s)")
    return 0 if worst < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
