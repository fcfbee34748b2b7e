#!/usr/bin/env python3
"""Benchmark: issue certificates for a big synthetic roster.

    .venv/bin/python bench/certificates.py --n 75086      # one volunteer per village (the default)
    .venv/bin/python bench/certificates.py --n 2000       # a quick look

Goal: 75,086 certificates (plus the sign-in sheet, summary and print file) in under 4 minutes on
a 2-core machine (300 certificates/s) with under 1 GB peak memory over all processes.

In the same run, on a few trainees, it measures two plain ways of using WeasyPrint, each with the
full design on every page, so the figures can be compared on the same machine:
  - one WeasyPrint document per certificate (coursebuild.pdf.write_pdf, one file each);
  - one WeasyPrint document for a whole batch (one file).
The roster comes from roster/sample-2565-bkk/make_sample.py: synthetic names, never real people.

    .venv/bin/pip install --target build/pikepdf-trial pikepdf==10.18.0
    .venv/bin/python bench/certificates.py --n 2000 --pikepdf build/pikepdf-trial

also times, in one process on the same cohort, our assembly against the pikepdf trial
(bench/certificates_pikepdf.py): see that file for what differs.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coursebuild.certificates import command, fit, plan, verify  # noqa: E402
from coursebuild.certificates import html as certificate_html  # noqa: E402
from coursebuild.certificates.layout import LAYOUT, QR_MASK  # noqa: E402
from coursebuild.certificates.roster import load_cohort  # noqa: E402
from coursebuild.checks import load_checked_course  # noqa: E402
from coursebuild.pdf import write_pdf  # noqa: E402

# The frozen sample course and cohort of the tests: the benchmark measures the tool, whatever
# course the project holds (after `build.py init` it has no sample cohort).
FIXTURE = ROOT / "tests" / "fixtures" / "sample"
SAMPLE = FIXTURE / "roster" / "sample-2565-bkk"


def load_generator():
    spec = importlib.util.spec_from_file_location("make_sample", SAMPLE / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_project(where: Path, n: int) -> Path:
    """A throw-away project: the sample course, and a cohort like the sample with n trainees."""
    for name in ("course", "quizzes"):
        shutil.copytree(FIXTURE / name, where / name)
    cohort = where / "roster" / "bench"
    cohort.mkdir(parents=True)
    for path in SAMPLE.iterdir():
        if path.suffix in (".yml", ".svg"):
            shutil.copy(path, cohort / path.name)
    generator = load_generator()
    generator.write_csv(cohort / "trainees.csv", generator.make_trainees(n))
    return cohort


class PeakMemory:
    """Samples the resident memory of this process and all its children (the worker pool)."""

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    found += [int(c) for c in fh.read().split()]
        except OSError:
            pass
        return found

    def total(self) -> int:
        pids, seen, total = [os.getpid()], set(), 0
        while pids:
            pid = pids.pop()
            if pid in seen:
                continue
            seen.add(pid)
            total += self._rss(pid)
            pids += self._children(pid)
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.total())
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def full_pages_html(course, cohort, outcomes) -> tuple[str, str]:
    """The whole design on every page, as a straightforward implementation would render it."""
    import segno

    background = certificate_html.background_html(course, cohort)
    head, _, rest = background.partition("<body>")
    fixed, _, _ = rest.partition("</body>")
    layout = LAYOUT
    css = certificate_html.certificate_css(course.root) + (
        f".full {{ position: relative; height: {layout['page_height']}mm; break-after: page; }}"
        f".qr {{ position: absolute; left: {layout['qr_left']}mm; top: {layout['qr_top']}mm;"
        f" width: {layout['qr_size']}mm; height: {layout['qr_size']}mm; image-rendering: pixelated; }}")
    pages = []
    for o in outcomes:
        # the same QR code settings as the pipeline, as a tiny PNG, so both compare page making
        qr = segno.make(verify.verify_url(course.config.site_url, o.number), error="m",
                        mask=QR_MASK).png_data_uri(scale=1, border=0)
        size = fit.name_font_size(o.trainee.full_name)
        pages.append(f'<div class="full">{fixed}<p class="name" style="font-size: {size:.2f}pt">{o.trainee.full_name}</p>'
                     f'<p class="number">เลขที่ {o.number}</p><img class="qr" src="{qr}" alt=""></div>')
    return head + "<body>" + "".join(pages) + "</body></html>", css


def baseline_per_document(course, cohort, outcomes, out: Path) -> float:
    start = time.perf_counter()
    for o in outcomes:
        html, css = full_pages_html(course, cohort, [o])
        write_pdf(html, cohort.folder, [css], "bench", out / f"{command.safe_file_name(o.number)}.pdf",
                  allowed=(str(cohort.folder),))
    return len(outcomes) / (time.perf_counter() - start)


def baseline_batch(course, cohort, outcomes, out: Path) -> float:
    start = time.perf_counter()
    html, css = full_pages_html(course, cohort, outcomes)
    write_pdf(html, cohort.folder, [css], "bench", out / "batch.pdf", allowed=(str(cohort.folder),))
    return len(outcomes) / (time.perf_counter() - start)


def compare_pikepdf(course, cohort, trial_n: int, runs: int, work: Path) -> None:
    """Our assembly and the pikepdf trial on the same certificates, one process each, alternating."""
    from certificates_pikepdf import render_cohort_pikepdf

    cohort = dataclasses.replace(cohort, trainees=cohort.trainees[:trial_n])
    cohort_plan, _ = plan.plan_cohort(cohort)
    best = {"ours": float("inf"), "pikepdf": float("inf")}
    pikepdf_own = float("inf")  # seconds of the pikepdf run not spent in WeasyPrint
    for run in range(runs + 1):  # the first run of each warms up (imports, fonts, the fixed design)
        timings: dict = {}
        for name, render in (("ours", lambda out: command.render_cohort(course, cohort_plan, out, workers=1)),
                             ("pikepdf", lambda out: render_cohort_pikepdf(course, cohort_plan, out, timings))):
            out = work / f"trial-{name}-{run}"
            start = time.perf_counter()
            render(out)
            elapsed = time.perf_counter() - start
            if run:
                best[name] = min(best[name], elapsed)
                if name == "pikepdf":
                    pikepdf_own = min(pikepdf_own, elapsed - timings["weasyprint"])
            sizes = sum(p.stat().st_size for p in out.rglob("*.pdf"))
            pages = pdf_pages(out / command.PRINT_FILE)
            if run == runs:
                print(f"  {name:8} {len(cohort_plan.issued)} certificates + sign-in sheet: best {best[name]:.2f} s "
                      f"({1000 * best[name] / len(cohort_plan.issued):.1f} ms per certificate), "
                      f"{pages} pages in {command.PRINT_FILE}, {sizes / 2**20:.1f} MB of PDF in all")
            shutil.rmtree(out)
    print(f"  of the pikepdf run, pikepdf's own work (overlay, split, merge, save) took {pikepdf_own:.2f} s "
          f"({1000 * pikepdf_own / len(cohort_plan.issued):.1f} ms per certificate), WeasyPrint the rest")
    ratio = best["pikepdf"] / best["ours"]
    print(f"  pikepdf takes x{ratio:.2f} the time of our assembly: "
          f"{'ours is faster, keep it' if ratio > 1 else 'pikepdf is faster'}")


def pdf_pages(path: Path) -> int:
    import subprocess

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def _cpu_seconds() -> float:
    """User + system time of this process and of its finished children (the worker pool)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=75086, help="trainees in the synthetic roster (default 75086)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    parser.add_argument("--per-document-n", type=int, default=30, help="certificates for the one-document-each baseline")
    parser.add_argument("--batch-n", type=int, default=200, help="certificates for the one-batch-document baseline")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and print its path")
    parser.add_argument("--pikepdf", metavar="PATH", help="a folder holding pikepdf (pip install --target PATH "
                        "pikepdf==10.18.0): also time the pikepdf trial against our assembly")
    parser.add_argument("--trial-n", type=int, default=600, help="certificates for the pikepdf comparison")
    parser.add_argument("--trial-runs", type=int, default=2, help="timed runs of each in the pikepdf comparison")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="osd-bench-"))
    try:
        cohort_dir = make_project(work, args.n)
        course, problems = load_checked_course(work)
        if course is None:
            print("\n".join(p.message for p in problems))
            return 1
        print(f"roster: {args.n} synthetic trainees; {args.workers} worker(s) on {os.cpu_count()} core(s)")

        with PeakMemory() as memory:
            start, cpu = time.perf_counter(), _cpu_seconds()
            lines = command.build_certificates(course, [cohort_dir], workers=args.workers)
            elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        out = work / "dist" / "certificates" / "bench"
        issued = sum(1 for _ in (out / command.SINGLES_DIR).iterdir())
        rate = issued / elapsed
        print(lines[0])
        print(f"pipeline: {issued} certificates + print file + sign-in sheet of {args.n} in {elapsed:.1f} s "
              f"= {rate:.0f} certificates/s; peak memory {memory.peak / 2**20:.0f} MB (all processes)")
        print(f"          CPU {cpu:.0f} s in all processes = {1000 * cpu / issued:.1f} ms per certificate "
              f"(on {args.workers} idle cores that is {issued * args.workers / cpu:.0f}/s)")
        print(f"          print-all.pdf {(out / command.PRINT_FILE).stat().st_size / 2**20:.0f} MB, "
              f"sign-in-sheet.pdf {(out / command.SIGN_IN_FILE).stat().st_size / 2**20:.0f} MB")

        cohort = load_cohort(cohort_dir, work, course.config.id, course.config.thai_numerals).cohort
        cohort_plan, _ = plan.plan_cohort(cohort)
        base = work / "baselines"
        base.mkdir()
        per_doc = baseline_per_document(course, cohort, cohort_plan.issued[:args.per_document_n], base)
        batch = baseline_batch(course, cohort, cohort_plan.issued[:args.batch_n], base)
        print(f"baseline, one WeasyPrint document per certificate: {per_doc:.1f}/s "
              f"(n={args.per_document_n}, 1 core)")
        print(f"baseline, one WeasyPrint document per batch:       {batch:.1f}/s (n={args.batch_n}, 1 core, one file)")
        print(f"speed-up: x{rate / per_doc:.0f} over one document per certificate, x{rate / batch:.1f} over "
              f"one batch document; per core x{rate / args.workers / per_doc:.0f} and x{rate / args.workers / batch:.1f}")
        if args.pikepdf:
            sys.path.append(str(Path(args.pikepdf).resolve()))  # last: the venv's own packages come first
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            print(f"pikepdf trial ({args.trial_n} trainees, 1 process each, best of {args.trial_runs}):")
            compare_pikepdf(course, cohort, args.trial_n, args.trial_runs, work)
        goal = elapsed < 240 * args.n / 75086 and memory.peak < 2**30
        print(f"goal (75,086 in 4 min, i.e. >= 313/s, and < 1 GB): {'met' if goal else 'NOT met'}")
        if args.keep:
            print(f"kept: {work}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
