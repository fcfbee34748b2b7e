"""Site benchmark (run by hand): build time against plain MkDocs, and a lesson's first-load weight.

    .venv/bin/python bench/site.py [--root .] [--runs 3]

1. Time `build.py site` (our whole pipeline: load, check, quiz compilation, MkDocs, Thai search
   index) against a plain `mkdocs build` of the same generated Markdown, in the same run, and
   print the ratio. The difference is what our own steps cost.
2. Load one lesson page in Chromium at 360×740, as a first visit, and add up every response
   gzipped (level 6, as a typical web server sends it): HTML, CSS, JS, search index and worker.
   Budget: 120 KB gzipped; Material's stock Thai search setup alone costs about 237 KB.
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
    PHONE,
    StaticServer,
    copy_course,
)

from coursebuild.checks import load_checked_course  # noqa: E402
from coursebuild.cli import main  # noqa: E402
from coursebuild.markup import engine_root  # noqa: E402
from coursebuild.render.site.build import site_nav, write_docs  # noqa: E402

BUDGET_KB = 120


def time_ours(root: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert main(["--root", str(root), "site"]) == 0
        times.append(time.perf_counter() - start)
    return times


def time_plain_mkdocs(root: Path, runs: int) -> list[float]:
    """Plain MkDocs on the same Markdown our build generates (no checks, no search preparation)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    course, _ = load_checked_course(root)
    docs = Path(tempfile.mkdtemp()) / "docs"
    write_docs(course, docs, [])
    times = []
    for _ in range(runs):
        out = Path(tempfile.mkdtemp())
        start = time.perf_counter()
        config = load_config(config_file=str(engine_root(root) / "mkdocs.yml"), docs_dir=str(docs),
                             site_dir=str(out), site_url=course.config.site_url, nav=site_nav(course))
        build(config)
        times.append(time.perf_counter() - start)
        shutil.rmtree(out)
    shutil.rmtree(docs.parent)
    return times


def first_load_bytes(root: Path, path: str) -> dict[str, tuple[int, int]]:
    from playwright.sync_api import sync_playwright

    server = StaticServer(root / "site")
    assert main(["--root", str(root), "site", "--site-url", server.url]) == 0
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
        page.wait_for_timeout(1500)  # the search worker fetches its index after load
        browser.close()
    server.close()
    return sizes


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(ROOT), help="project holding course/ and quizzes/")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", default=None, help="lesson path, default: the first module")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if Path(args.root).resolve() == ROOT:
            copy_course("repo", root)
        else:
            shutil.copytree(args.root, root, dirs_exist_ok=True)
        ours = time_ours(root, args.runs)
        plain = time_plain_mkdocs(root, args.runs)
        o, m = statistics.median(ours), statistics.median(plain)
        print(f"site build (median of {args.runs}): ours {o:.2f} s, plain mkdocs build {m:.2f} s, "
              f"ratio {o / m:.2f}x")

        course, _ = load_checked_course(root)
        path = args.page or f"modules/{course.modules[0].id}/"
        sizes = first_load_bytes(root, path)
        raw = sum(r for r, _ in sizes.values())
        gz = sum(g for _, g in sizes.values())
        print(f"first load of /{path}: {len(sizes)} responses, {raw / 1024:.0f} KB raw, {gz / 1024:.0f} KB gzipped "
              f"(budget {BUDGET_KB} KB, {gz / 1024 / BUDGET_KB:.0%} of it)")
        for name, (r, g) in sorted(sizes.items(), key=lambda kv: -kv[1][1]):
            print(f"  {g / 1024:7.1f} KB gz  {r / 1024:7.1f} KB raw  {name}")


if __name__ == "__main__":
    main_bench()
