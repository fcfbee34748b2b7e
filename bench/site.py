"""Site benchmark (run by hand): build time on each site engine against the engine alone, and a
lesson's first-load weight on each.

    .venv/bin/python bench/site.py [--root .] [--runs 3]

1. For MkDocs and for Zensical: time `build.py site --engine …` (our whole pipeline: load, check,
   quiz compilation, heading ids, the engine, Thai search index, offline files) against the engine
   alone on the same generated Markdown, in the same run, and print the ratio. The difference is
   what our own steps cost; MkDocs runs in our process, Zensical as `python -m zensical build`.
2. Load one lesson page in Chromium at 360×740, as a first visit, and add up every response
   gzipped (level 6, as a typical web server sends it): HTML, CSS, JS. Search loads only when
   opened (bench/search.py measures that). Budget: 120 KB gzipped.
"""
from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    ENGINES,
    PHONE,
    StaticServer,
    copy_course,
)

from coursebuild.checks import load_checked_course  # noqa: E402
from coursebuild.cli import main  # noqa: E402
from coursebuild.render.site.engines import run_engine, write_heading_ids  # noqa: E402
from coursebuild.render.site.pages import site_extra, site_nav, write_docs  # noqa: E402

BUDGET_KB = 120


def time_ours(root: Path, engine: str) -> float:
    start = time.perf_counter()
    assert main(["--root", str(root), "site", "--engine", engine]) == 0
    return time.perf_counter() - start


def time_engine_alone(course, docs: Path, engine: str) -> float:
    """The engine on the Markdown our build generates (no checks, search index or offline files)."""
    out = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    run_engine(engine, course, docs, out, site_nav(course), {"osd": site_extra(course)})
    elapsed = time.perf_counter() - start
    shutil.rmtree(out)
    return elapsed


def time_builds(root: Path, runs: int) -> dict[tuple[str, str], list[float]]:
    """Each engine's whole build and the engine alone, interleaved run by run so that load from
    other work on the machine falls on all four alike."""
    course, _ = load_checked_course(root)
    docs = Path(tempfile.mkdtemp()) / "docs"
    write_docs(course, docs, [])
    write_heading_ids(course, docs)
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(runs):
        for engine in ENGINES:
            times.setdefault((engine, "ours"), []).append(time_ours(root, engine))
            times.setdefault((engine, "alone"), []).append(time_engine_alone(course, docs, engine))
    shutil.rmtree(docs.parent)
    return times


def first_load_bytes(root: Path, path: str, engine: str) -> dict[str, tuple[int, int]]:
    from playwright.sync_api import sync_playwright

    server = StaticServer(root / "site")
    assert main(["--root", str(root), "site", "--site-url", server.url, "--engine", engine]) == 0
    sizes: dict[str, tuple[int, int]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=PHONE)

        def record(response) -> None:
            try:
                body = response.body()
            except Exception:  # redirects and aborted requests have no body
                return
            name = response.url.replace(server.url, "/")
            sizes[name] = (len(body), len(gzip.compress(body, 6)))

        page.on("response", record)
        page.goto(server.url + path, wait_until="networkidle")
        page.wait_for_timeout(1500)  # anything fetched after load counts too
        browser.close()
    server.close()
    return sizes


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(ROOT), help="project holding course/ and quizzes/")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", default=None, help="lesson path, default: the first module")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if Path(args.root).resolve() == ROOT:
            copy_course("repo", root)
        else:
            shutil.copytree(args.root, root, dirs_exist_ok=True)
        course, _ = load_checked_course(root)
        path = args.page or f"modules/{course.modules[0].id}/"
        times = time_builds(root, args.runs)
        medians = {key: statistics.median(value) for key, value in times.items()}
        for engine in ENGINES:
            ours, alone = medians[(engine, "ours")], medians[(engine, "alone")]
            print(f"{engine}: site build, median (fastest) of {args.runs}: ours {ours:.2f} s "
                  f"({min(times[(engine, 'ours')]):.2f}), the engine alone {alone:.2f} s "
                  f"({min(times[(engine, 'alone')]):.2f}), ratio {ours / alone:.2f}x")
        print(f"zensical / mkdocs: whole build {medians[('zensical', 'ours')] / medians[('mkdocs', 'ours')]:.2f}x, "
              f"engine alone {medians[('zensical', 'alone')] / medians[('mkdocs', 'alone')]:.2f}x")
        for engine in ENGINES:
            sizes = first_load_bytes(root, path, engine)
            raw = sum(r for r, _ in sizes.values())
            gz = sum(g for _, g in sizes.values())
            print(f"{engine}: first load of /{path}: {len(sizes)} responses, {raw / 1024:.0f} KB raw, "
                  f"{gz / 1024:.0f} KB gzipped (budget {BUDGET_KB} KB, {gz / 1024 / BUDGET_KB:.0%} of it)")
            for name, (r, g) in sorted(sizes.items(), key=lambda kv: -kv[1][1]):
                print(f"  {g / 1024:7.1f} KB gz  {r / 1024:7.1f} KB raw  {name}")


if __name__ == "__main__":
    main_bench()
