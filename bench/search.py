"""Search benchmark (run by hand): Thai words found by our search and by Material's stock Thai
search, in the same run, and what a lesson page downloads for each.

    .venv/bin/python bench/search.py [--root .] [--sample 400] [--seed 1] [--misses 30]

1. Build the course twice from the same content: ours (`build.py site`), and stock Material:
   `plugins: [search: {lang: th}]`, no build-time segmentation, no assets/thai-search.js.
2. Sample words from inside unspaced Thai phrases of the built pages: the words Chromium's
   Intl.Segmenter (ICU, what the phone uses) and PyThaiNLP's newmm cut from runs of two or more
   words. Only real words count (in ICU's, PyThaiNLP's or the course's word list), since ICU also
   cuts unknown loanwords into pieces nobody types (เฟ|ซบุ๊ก).
3. In Chromium, send each word to each site's own search worker, as the search box does (on our
   site through thai-search.js). A word is found when the page it was taken from is in the results.
4. Load a lesson page of each at 360×740 as a first visit and add up every response gzipped
   (level 6, as bench/site.py does), the search index, the worker and what it imports included;
   what a service worker fetches to keep an offline copy is left out.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    StaticServer,
    copy_course,
)

from coursebuild.cli import main  # noqa: E402

BUDGET_KB = 120
_TAG = re.compile(r"<[^>]*>")
_THAI_RUN = re.compile("[\u0e01-\u0e3a\u0e40-\u0e4e]+")


def stock_config(text: str) -> str:
    """Our mkdocs.yml as Material's stock Thai setup: search lang th, and no thai-search.js."""
    plugin = re.compile(r"^  - search:\n(?:      .*\n|\s*\n)*?(?=\S|  - )", re.M)
    stock, found = plugin.subn("  - search:\n      lang: th\n\n", text)
    script = "  - assets/thai-search.js\n"
    if found != 1 or script not in stock:
        raise ValueError("mkdocs.yml changed shape: cannot derive the stock Thai search setup from it")
    return stock.replace(script, "")


def build_ours(root: Path, site_url: str) -> None:
    if main(["--root", str(root), "site", "--site-url", site_url]) != 0:
        raise RuntimeError(f"build failed for {root}")


def build_stock(root: Path, site_url: str) -> None:
    """The same course built with Material's stock Thai search, for comparison."""
    (root / "mkdocs.yml").write_text(stock_config((ROOT / "mkdocs.yml").read_text(encoding="utf-8")),
                                     encoding="utf-8")
    shutil.copytree(ROOT / "theme", root / "theme", dirs_exist_ok=True)
    with mock.patch("coursebuild.render.site.build.prepare_search_index", lambda course, site: None):
        if main(["--root", str(root), "site", "--site-url", site_url]) != 0:
            raise RuntimeError(f"stock build failed for {root}")


# Runs in the page: a search worker of the site's own, set up and queried the way Material's
# search box does it (SETUP with the index, then one QUERY per word). On our site the page's
# thai-search.js sees these messages just as it sees Material's.
_QUERY_WORKER = """async ({worker, index, queries}) => {
  if (window.osdSearchOnDemand) window.osdSearchOnDemand.start();  // as if the search box opened
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


def search_pages(page, site_url: str, queries: list[str]) -> tuple[dict[str, list[str]], list[float]]:
    """For each query, the pages (URL paths) the site's search worker returns."""
    page.goto(site_url)
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


def page_runs(stock_site: Path) -> dict[str, list[str]]:
    """Thai runs of two or more letters of each page, from the unsegmented (stock) index."""
    index = json.loads((stock_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    runs: dict[str, list[str]] = {}
    for doc in index["docs"]:
        text = _TAG.sub(" ", doc.get("title", "") + " " + doc.get("text", ""))
        runs.setdefault(doc["location"].split("#")[0], []).extend(_THAI_RUN.findall(text))
    return runs


def sample_words(page, stock_site: Path, course_words: frozenset[str], size: int,
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
    for url, runs in page_runs(stock_site).items():
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


def first_load(browser, site_url: str, path: str) -> dict[str, tuple[int, int]]:
    """Every response of a first visit to `path`: (raw bytes, gzipped bytes) by URL path."""
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
    # Search loads on demand (theme/partials/osd-search-on-demand.html): open it, so both sites
    # are measured with their index, worker and language scripts, i.e. what searching costs.
    page.evaluate("() => window.osdSearchOnDemand && window.osdSearchOnDemand.start()")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # the worker imports its language scripts after the index arrives
    context.close()
    return sizes


def run(root: Path, size: int, seed: int, misses: int) -> None:
    from playwright.sync_api import sync_playwright

    from coursebuild.checks import load_checked_course
    from coursebuild.render.site.search import load_search_words

    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        ours, stock = work / "ours", work / "stock"
        for dest in (ours, stock):
            if root.resolve() == ROOT:
                copy_course("repo", dest)
            else:
                shutil.copytree(root, dest, ignore=shutil.ignore_patterns("site", "dist", ".git"))
        ours_server, stock_server = StaticServer(ours / "site"), StaticServer(stock / "site")
        build_ours(ours, ours_server.url)
        build_stock(stock, stock_server.url)
        course, _ = load_checked_course(ours)
        lesson = f"modules/{course.modules[0].id}/"
        words, _ = load_search_words(ours)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=PHONE)
            page.goto(ours_server.url)
            samples, unknown = sample_words(page, stock / "site", words.words, size, seed)
            queries = sorted({s.word for s in samples})
            results = {}
            for name, server in (("ours", ours_server), ("stock", stock_server)):
                pages, times = search_pages(page, server.url, queries)
                results[name] = (pages, times)
            weights = {name: first_load(browser, server.url, lesson)
                       for name, server in (("ours", ours_server), ("stock", stock_server))}
            browser.close()
        ours_server.close()
        stock_server.close()

        print(f"course: {root}  ({len(course.modules)} modules); {len(samples)} words sampled from inside "
              f"unspaced phrases (seed {seed}); {unknown} pieces in no word list left out")
        for name in ("ours", "stock"):
            pages, times = results[name]
            line = [f"{name:>5}:"]
            for segmenter in ("icu", "newmm"):
                group = [s for s in samples if s.segmenter == segmenter]
                hit = sum(1 for s in group if s.page in pages[s.word])
                line.append(f"{segmenter} words {hit}/{len(group)} ({hit / max(1, len(group)):.0%})")
            hit = sum(1 for s in samples if s.page in pages[s.word])
            line.append(f"all {hit}/{len(samples)} ({hit / max(1, len(samples)):.1%})")
            line.append(f"query median {statistics.median(times):.1f} ms")
            print("  ".join(line))
        for name in ("ours", "stock"):
            sizes = weights[name]
            raw = sum(r for r, _ in sizes.values())
            gz = sum(g for _, g in sizes.values())
            print(f"{name:>5}: first load of /{lesson} with search opened: {len(sizes)} responses, {raw / 1024:.0f} KB raw, "
                  f"{gz / 1024:.1f} KB gzipped (budget {BUDGET_KB} KB)")
            for url, (r, g) in sorted(sizes.items(), key=lambda kv: -kv[1][1])[:6]:
                print(f"         {g / 1024:7.1f} KB gz  {r / 1024:7.1f} KB raw  {url}")
        pages = results["ours"][0]
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
    args = parser.parse_args()
    run(Path(args.root), args.sample, args.seed, args.misses)


if __name__ == "__main__":
    main_bench()
