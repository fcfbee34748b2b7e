"""Search benchmark (run by hand): Thai words our search finds on the site built by each engine,
what opening the search downloads, and how long until the first result shows; Material's stock
Thai search (`search: {lang: th}`) is the baseline, measured in the same run.

    .venv/bin/python bench/search.py [--root .] [--sample 400] [--seed 1] [--misses 30] [--runs 3]

1. Build the course three times from the same content: with MkDocs and with Zensical (`build.py
   site --engine …`, our search on both), and stock Material: its own search plugin with
   `lang: th`, no build-time cutting, no assets/search.js.
2. Sample words from inside unspaced Thai phrases of the pages: the words Chromium's
   Intl.Segmenter (ICU, what the phone uses) and PyThaiNLP's newmm cut from runs of two or more
   words. Only real words count (in ICU's, PyThaiNLP's or the course's word list), since ICU also
   cuts unknown loanwords into pieces nobody types (เฟ|ซบุ๊ก).
3. In Chromium, ask each site's search for each word: ours through the page's own search engine
   (assets/search-engine.js, as the search box does), stock through Material's search worker. A
   word is found when the page it was taken from is in the results.
4. Load a lesson page of each at 360×740 as a first visit, open the search, and add up every
   response gzipped (level 6, as bench/site.py does): page, scripts, styles, index.
5. Time to first result: a first visit to the lesson, then a tap on the search button and a typed
   word, until the first result is on screen; unthrottled, and on a slow phone connection
   (1.6 Mbit/s down, 150 ms round trip). Served gzipped, as a web server would, with no service
   worker, so nothing is cached yet: the worst case, opening search right after arriving.
   (Stock Material fetches its index with every page, before search is opened, so its figure
   leaves that download out.) Median of --runs.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    ENGINES,
    PHONE,
    copy_course,
)

from coursebuild.cli import main  # noqa: E402

BUDGET_KB = 120
_THAI_RUN = re.compile("[\u0e01-\u0e3a\u0e40-\u0e4e]+")
SLOW = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Files gzipped (level 6) when the browser accepts it, as a typical web server sends them."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class GzipServer:
    def __init__(self, directory: Path):
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_GzipHandler, directory=str(directory)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def build_ours(root: Path, site_url: str, engine: str = "mkdocs") -> None:
    if main(["--root", str(root), "site", "--site-url", site_url, "--engine", engine]) != 0:
        raise RuntimeError(f"build failed for {root}")


def build_uncut(root: Path, site_url: str, engine: str = "mkdocs") -> None:
    """Our search with the index's Thai left as the pages have it, uncut: what the build's word
    cutting is worth (the tests use it to show that their checks can fail)."""
    from coursebuild.render.site.search import ThaiSegmenter

    with mock.patch.object(ThaiSegmenter, "segment", lambda self, text: text):
        build_ours(root, site_url, engine)


def stock_config(text: str) -> str:
    """Our mkdocs.yml as Material's stock Thai setup: its search on with lang th, no search.js."""
    plugin = re.compile(r"^  - search:\n(?:      .*\n|\s*\n)*?(?=\S|  - )", re.M)
    stock, found = plugin.subn("  - search:\n      lang: th\n\n", text)
    script = "  - assets/search.js\n"
    if found != 1 or script not in stock:
        raise ValueError("mkdocs.yml changed shape: cannot derive the stock Thai search setup from it")
    return stock.replace(script, "")


def build_stock(root: Path, site_url: str) -> None:
    """The same course built by MkDocs with Material's stock Thai search, for comparison."""
    from coursebuild.render.site import build, engines

    (root / "mkdocs.yml").write_text(stock_config((ROOT / "mkdocs.yml").read_text(encoding="utf-8")),
                                     encoding="utf-8")
    shutil.copytree(ROOT / "theme", root / "theme", dirs_exist_ok=True)
    with mock.patch.object(build, "write_search_index", lambda *args, **kwargs: None), \
            mock.patch.object(engines, "check_engine_search_off", lambda config: []), \
            mock.patch.object(engines, "ENGINE_SEARCH_FILES", ()):
        build_ours(root, site_url, "mkdocs")


# Runs in the page: Material's search worker, set up and queried the way its search box does it
# (SETUP with the index, then one QUERY per word).
_QUERY_WORKER = """async ({worker, index, queries}) => {
  const w = new Worker(worker);
  const reply = () => new Promise(resolve =>
    w.addEventListener("message", ev => resolve(ev.data), {once: true}));
  const data = await (await fetch(index)).json();
  w.postMessage({type: 0, data: {config: data.config, docs: data.docs, options: {suggest: false}}});
  await reply();
  const out = {};
  const times = [];
  for (const q of queries) {
    const start = performance.now();
    w.postMessage({type: 2, data: q});
    const result = await reply();
    times.push(performance.now() - start);
    out[q] = [...new Set(result.data.items.flat().map(item => item.location.split("#")[0]))];
  }
  w.terminate();
  return {pages: out, times};
}"""

# Runs in the page: our search engine, loaded as the search box loads it, asked each word.
_QUERY_OURS = """async (queries) => {
  const engine = await window.osdSearch.engine();
  const out = {};
  const times = [];
  for (const q of queries) {
    const start = performance.now();
    out[q] = [...new Set(engine.pages(q).map(p => p.split("#")[0]))];
    times.push(performance.now() - start);
  }
  return {pages: out, times};
}"""


def search_pages(page, site_url: str, queries: list[str]) -> tuple[dict[str, list[str]], list[float]]:
    """For each query, the pages (URL paths) the site's search returns, and the time each took."""
    page.goto(site_url)
    if page.evaluate("() => !!window.osdSearch"):
        result = page.evaluate(_QUERY_OURS, queries)
    else:
        worker = page.evaluate("() => JSON.parse(document.getElementById('__config').textContent).search")
        result = page.evaluate(_QUERY_WORKER, {"worker": worker, "index": site_url + "search/search_index.json",
                                               "queries": queries})
    return result["pages"], result["times"]


def icu_words(page, runs: list[str]) -> list[list[str]]:
    """Chromium's own Intl.Segmenter words of each run."""
    return page.evaluate("""runs => {
      const s = new Intl.Segmenter("th", {granularity: "word"});
      return runs.map(r => Array.from(s.segment(r)).filter(x => x.isWordLike).map(x => x.segment));
    }""", runs)


@dataclass(frozen=True)
class Sample:
    word: str
    page: str  # URL path of the page whose text holds it
    segmenter: str  # "icu" or "newmm"


def page_runs(site: Path) -> dict[str, list[str]]:
    """Thai runs of two or more letters of each page, from our index with its cuts taken out."""
    from coursebuild.render.site.search_index import read_search_index

    index = read_search_index(site)
    runs: dict[str, list[str]] = {}
    for doc in index["docs"]:
        text = (doc["t"] + " " + doc["x"]).replace("\u200b", "")
        runs.setdefault(index["pages"][doc["p"]]["u"], []).extend(_THAI_RUN.findall(text))
    return runs


def sample_words(page, site: Path, course_words: frozenset[str], size: int,
                 seed: int) -> tuple[list[Sample], int]:
    """Words from inside unspaced phrases, half ICU's and half newmm's. Also: pieces left out."""
    from pythainlp.corpus import thai_words
    from pythainlp.corpus.icu import thai_icu_words
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import dict_trie

    known = frozenset(thai_words()) | frozenset(thai_icu_words()) | course_words
    trie = dict_trie(frozenset(thai_words()) | course_words)
    candidates: dict[str, set[Sample]] = {"icu": set(), "newmm": set()}
    unknown = 0
    for url, runs in page_runs(site).items():
        runs = sorted(set(runs))
        cuts = {"icu": icu_words(page, runs),
                "newmm": [word_tokenize(r, engine="newmm", custom_dict=trie, keep_whitespace=False) for r in runs]}
        for name, per_run in cuts.items():
            for words in per_run:
                if len(words) < 2:
                    continue  # a run that is one word is not "inside a phrase"
                for word in words:
                    if len(word) < 2:
                        continue
                    if word not in known:
                        unknown += 1
                        continue
                    candidates[name].add(Sample(word, url, name))
    rng = random.Random(seed)
    samples = []
    for name in ("icu", "newmm"):
        pool = sorted(candidates[name], key=lambda s: (s.word, s.page))
        samples += rng.sample(pool, min(size // 2, len(pool)))
    return samples, unknown


def open_search(page) -> None:
    """Open the site's search as a trainee does: ours by its button, stock by Material's label."""
    if page.locator(".osd-search-button").count():
        page.evaluate("() => window.osdSearch.open()")
        page.evaluate("() => window.osdSearch.engine()")
    else:
        page.locator('label[for="__search"]').first.click()


def first_load(browser, site_url: str, path: str) -> dict[str, tuple[int, int]]:
    """Every response of a first visit to `path` with search opened: (raw, gzipped) bytes by URL."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sizes: dict[str, tuple[int, int]] = {}

    def record(response) -> None:
        if response.request.service_worker is not None:
            return  # the offline copy's precaching is not what the page needs to show and search
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            return
        sizes[response.url.replace(site_url, "/")] = (len(body), len(gzip.compress(body, 6)))

    context.on("response", record)
    page.goto(site_url + path, wait_until="networkidle")
    open_search(page)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # Material's worker imports its language scripts after the index arrives
    context.close()
    return sizes


_FIRST_RESULT = {
    "ours": "() => !!document.querySelector('.osd-search__link')",
    "stock": "() => !!document.querySelector('.md-search-result__link')",
}


def time_to_first_result(browser, site_url: str, path: str, word: str, kind: str, slow: bool) -> float:
    """Milliseconds from opening search on a freshly loaded page to the first result on screen."""
    context = browser.new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    if slow:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW)
    page.goto(site_url + path, wait_until="networkidle")
    start = page.evaluate("() => performance.now()")
    if kind == "ours":
        page.locator(".osd-search-button").click()
        box = page.locator("#osd-search-input")
    else:
        page.locator('label[for="__search"]').first.click()
        box = page.locator("input[data-md-component=search-query]")
    box.fill(word)
    box.press("End")  # Material searches on key-up
    page.wait_for_function(_FIRST_RESULT[kind], timeout=60000)
    elapsed = page.evaluate("() => performance.now()") - start
    context.close()
    return elapsed


def run(root: Path, size: int, seed: int, misses: int, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    from coursebuild.checks import load_checked_course
    from coursebuild.render.site.search import load_search_words

    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    names = [*ENGINES, "stock"]
    try:
        roots = {name: work / name for name in names}
        for dest in roots.values():
            if root.resolve() == ROOT:
                copy_course("repo", dest)
            else:
                shutil.copytree(root, dest, ignore=shutil.ignore_patterns("site", "dist", ".git"))
        servers = {name: GzipServer(roots[name] / "site") for name in names}
        for engine in ENGINES:
            build_ours(roots[engine], servers[engine].url, engine)
        build_stock(roots["stock"], servers["stock"].url)
        course, _ = load_checked_course(roots["mkdocs"])
        lesson = f"modules/{course.modules[0].id}/"
        words, _ = load_search_words(roots["mkdocs"])

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=PHONE)
            page.goto(servers["mkdocs"].url)
            samples, unknown = sample_words(page, roots["mkdocs"] / "site", words.words, size, seed)
            queries = sorted({s.word for s in samples})
            results = {name: search_pages(page, servers[name].url, queries) for name in names}
            weights = {name: first_load(browser, servers[name].url, lesson) for name in names}
            word = "ข่าวปลอม"
            timing = {(name, slow): statistics.median(
                time_to_first_result(browser, servers[name].url, lesson, word,
                                     "stock" if name == "stock" else "ours", slow) for _ in range(runs))
                for name in names for slow in (False, True)}
            browser.close()
        for server in servers.values():
            server.close()

        print(f"course: {root}  ({len(course.modules)} modules); {len(samples)} words sampled from inside "
              f"unspaced phrases (seed {seed}); {unknown} pieces in no word list left out")
        recall = {}
        for name in names:
            pages, times = results[name]
            line = [f"{name:>8}:"]
            for segmenter in ("icu", "newmm"):
                group = [s for s in samples if s.segmenter == segmenter]
                hit = sum(1 for s in group if s.page in pages[s.word])
                line.append(f"{segmenter} words {hit}/{len(group)} ({hit / max(1, len(group)):.0%})")
            hit = sum(1 for s in samples if s.page in pages[s.word])
            recall[name] = 100 * hit / max(1, len(samples))
            line.append(f"all {hit}/{len(samples)} ({recall[name]:.1f}%)")
            line.append(f"mean query {statistics.fmean(times) * 1000:.0f} µs")
            print("  ".join(line))
        print(f"recall, zensical minus mkdocs: {recall['zensical'] - recall['mkdocs']:+.1f} points; "
              f"ours (mkdocs) against stock Material: {recall['mkdocs'] / max(recall['stock'], 0.1):.1f}x")
        for name in names:
            sizes = weights[name]
            raw = sum(r for r, _ in sizes.values())
            gz = sum(g for _, g in sizes.values())
            print(f"{name:>8}: first load of /{lesson} with search opened: {len(sizes)} responses, {raw / 1024:.0f} KB raw, "
                  f"{gz / 1024:.1f} KB gzipped (budget {BUDGET_KB} KB)")
            for url, (r, g) in sorted(sizes.items(), key=lambda kv: -kv[1][1])[:6]:
                print(f"            {g / 1024:7.1f} KB gz  {r / 1024:7.1f} KB raw  {url}")
        for name in names:
            fast, slow = timing[(name, False)], timing[(name, True)]
            note = " (its index came with the page, before search was opened)" if name == "stock" else ""
            print(f"{name:>8}: time to first result for {word!r} from a fresh page, median of {runs}: "
                  f"{fast:.0f} ms unthrottled, {slow:.0f} ms on a slow connection{note}")
        print(f"zensical / mkdocs time to first result: {timing[('zensical', False)] / timing[('mkdocs', False)]:.2f}x "
              f"unthrottled, {timing[('zensical', True)] / timing[('mkdocs', True)]:.2f}x slow")
        pages = results["mkdocs"][0]
        missed = [s for s in samples if s.page not in pages[s.word]]
        if missed:
            print(f"not found by ours ({len(missed)}), first {misses}:")
            for s in missed[:misses]:
                print(f"  {s.word} ({s.segmenter}) on /{s.page}; search returned {len(pages[s.word])} pages")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(ROOT), help="project holding course/ and quizzes/")
    parser.add_argument("--sample", type=int, default=400, help="words to sample, half ICU's, half newmm's")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--misses", type=int, default=30, help="how many missed words to list")
    parser.add_argument("--runs", type=int, default=3, help="runs of the time-to-first-result measurement")
    args = parser.parse_args()
    run(Path(args.root), args.sample, args.seed, args.misses, args.runs)


if __name__ == "__main__":
    main_bench()
