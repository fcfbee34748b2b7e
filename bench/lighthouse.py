"""Lighthouse on a slow phone (run by hand): the home page, a lesson and a quiz, before and after.

    (cd bench && npm ci)                                   # Lighthouse 12.8.2, pinned in bench/package.json
    .venv/bin/python bench/lighthouse.py                    # ours, stock Material, and git HEAD~ as "before"
    .venv/bin/python bench/lighthouse.py --before main --runs 3

Lighthouse's mobile preset (simulated slow 4G: 150 ms, 1.6 Mbit/s; 4x CPU slowdown; Moto G
Power screen) runs in Debian's /usr/bin/chromium (CHROME_PATH), against a local server that
gzips text as a static host does. Each site is built in a temporary folder for its own address:

- ours: this working tree;
- before: the same course built by the code of another git commit (--before, default HEAD~);
- stock: Material with none of our theme (no osd.css, scripts or partials) on the same pages,
  as a reference for what the engine alone costs.

Goal (issue 16): performance >= 0.98, first contentful paint <= 1.0 s, accessibility, best
practices and SEO 1.0 on all three pages. The table prints the median of --runs for each.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import CHROMIUM, CHROMIUM_ARGS, copy_course  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOAL = {"performance": 0.98, "fcp": 1.0, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".webmanifest", ".txt")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped (level 6) when the browser accepts it, as a typical host sends them,
    over HTTP/1.1 with keep-alive (Python's default, HTTP/1.0, opens a connection per file)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and accepts and path.suffix in COMPRESSIBLE):
            return super().send_head()
        data = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(data)


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


class Server:
    def __init__(self, directory: Path):
        handler = functools.partial(GzipHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def build_ours(root: Path, url: str) -> None:
    from coursebuild.cli import main

    assert main(["--root", str(root), "site", "--site-url", url]) == 0


def build_before(ref: str, where: Path, url: str) -> str:
    """The course as the code of git `ref` builds it (its own build.py, theme and mkdocs.yml)."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    done = subprocess.run([sys.executable, "build.py", "site", "--site-url", url], cwd=where,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"building {ref} failed:\n{done.stdout}\n{done.stderr}")
    return subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def build_stock(root: Path, out: Path, url: str) -> None:
    """Stock Material on our generated pages: our mkdocs.yml without the theme folder, CSS and scripts."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from coursebuild.checks import load_checked_course
    from coursebuild.render.site.pages import site_extra, site_nav, write_docs

    course, problems = load_checked_course(root)
    assert course is not None, problems
    docs = root / "stock-docs"
    write_docs(course, docs, [])
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "!!python/name:coursebuild.markup.slugify", "null"))
    config["theme"].pop("custom_dir")
    config["theme"]["palette"] = {"scheme": "default", "primary": "indigo", "accent": "indigo"}
    for key in ("extra_css", "extra_javascript"):
        config.pop(key)
    config["markdown_extensions"] = [e if not isinstance(e, dict) or "toc" not in e else {"toc": {"permalink": True}}
                                     for e in config["markdown_extensions"]]
    stock_yml = root / "stock-mkdocs.yml"
    stock_yml.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    cfg = load_config(config_file=str(stock_yml), docs_dir=str(docs), site_dir=str(out), site_url=url,
                      nav=site_nav(course), strict=False)
    cfg.extra["osd"] = site_extra(course)
    build(cfg)


def lighthouse(url: str, out: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}", "--locale=en"],
                   env=env, check=True)
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    scores["fcp"] = report["audits"]["first-contentful-paint"]["numericValue"] / 1000
    scores["lcp"] = report["audits"]["largest-contentful-paint"]["numericValue"] / 1000
    scores["tbt"] = report["audits"]["total-blocking-time"]["numericValue"] / 1000
    scores["cls"] = report["audits"]["cumulative-layout-shift"]["numericValue"]
    scores["failed"] = sorted(a for c in CATEGORIES[1:] for a in failing_audits(report, c))
    return scores


def failing_audits(report: dict, category: str) -> list[str]:
    refs = report["categories"][category]["auditRefs"]
    return [r["id"] for r in refs if r["weight"] and (report["audits"][r["id"]]["score"] or 0) < 1]


def median_scores(runs: list[dict]) -> dict:
    out = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "failed"}
    out["failed"] = sorted({a for r in runs for a in r["failed"]})
    return out


def meets_goal(s: dict) -> bool:
    return (s["performance"] >= GOAL["performance"] and s["fcp"] <= GOAL["fcp"]
            and all(s[c] >= GOAL[c] for c in ("accessibility", "best-practices", "seo")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="HEAD~", help="git ref whose code builds the 'before' site (default HEAD~)")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page and site (median)")
    parser.add_argument("--sites", default="ours,before,stock", help="which sites to measure")
    parser.add_argument("--keep", action="store_true", help="keep the built sites and JSON reports; print where")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `npm ci` in bench/ (node 18.16 or newer)")
        return 1

    sites = args.sites.split(",")
    work = Path(tempfile.mkdtemp(prefix="osd-lighthouse-"))
    servers = []
    try:
        course_root = copy_course("repo", work / "course")
        from coursebuild.checks import load_checked_course

        course, _ = load_checked_course(course_root)
        lesson = course.modules[2].id  # fake-news: a table, an image, a long lesson
        pages = {"home": "", "lesson": f"modules/{lesson}/", "quiz": f"quiz/{lesson}/"}
        urls, labels = {}, {}
        for site in sites:
            folder = {"ours": course_root / "site", "before": work / "before" / "site",
                      "stock": work / "stock-site"}[site]
            folder.mkdir(parents=True, exist_ok=True)
            server = Server(folder)
            servers.append(server)
            urls[site] = server.url
            if site == "ours":
                build_ours(course_root, server.url)
                labels[site] = "ours (this tree)"
            elif site == "before":
                labels[site] = f"before ({build_before(args.before, work / 'before', server.url)})"
            else:
                build_stock(copy_course("repo", work / "stock-course"), folder, server.url)
                labels[site] = "stock Material"

        results: dict[tuple[str, str], dict] = {}
        for site in sites:
            for name, path in pages.items():
                runs = [lighthouse(urls[site] + path, work / f"{site}-{name}-{i}.json") for i in range(args.runs)]
                results[site, name] = median_scores(runs)

        print(f"Lighthouse {subprocess.run([str(LIGHTHOUSE), '--version'], capture_output=True, text=True).stdout.strip()}"
              f", mobile preset (slow 4G, 4x CPU), gzip, median of {args.runs}; lesson and quiz: {lesson}")
        print(f"{'site':24} {'page':7} {'perf':>5} {'FCP s':>6} {'LCP s':>6} {'TBT s':>6} {'CLS':>5} "
              f"{'a11y':>5} {'b-p':>5} {'SEO':>5}  goal  not passed")
        for site in sites:
            for name in pages:
                s = results[site, name]
                print(f"{labels[site]:24} {name:7} {s['performance']:5.2f} {s['fcp']:6.2f} {s['lcp']:6.2f} "
                      f"{s['tbt']:6.2f} {s['cls']:5.2f} {s['accessibility']:5.2f} {s['best-practices']:5.2f} "
                      f"{s['seo']:5.2f}  {'met ' if meets_goal(s) else 'NOT '}  {' '.join(s['failed'])}")
        if "ours" in sites:
            for other in (s for s in sites if s != "ours"):
                ratio = statistics.mean(results[other, p]["fcp"] / results["ours", p]["fcp"] for p in pages)
                print(f"first contentful paint: ours is {ratio:.2f}x as fast as {labels[other]} (mean over pages)")
            met = all(meets_goal(results["ours", p]) for p in pages)
            print(f"goal (perf >= 0.98, FCP <= 1.0 s, a11y/best practices/SEO 1.0 on all three): "
                  f"{'met' if met else 'NOT met'}")
        if args.keep:
            print(f"kept: {work}")
        return 0
    finally:
        for server in servers:
            server.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
