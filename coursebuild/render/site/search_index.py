"""Stage 3c: our search index, made from the built pages, whichever engine built them.

Each page's article is split at its headings into sections, as the engines' own indexes do: the
part before the first sub-heading under the page title, then one entry per heading with an id.
Text is plain (no markup), its Thai cut into words joined by U+200B (search.py), so the phone
needs no Thai dictionary. The course's spelling groups travel with it; the query side
(theme/assets/search-engine.js) turns each group into one OR-group.

Written as search/index.js, a script rather than JSON: the search loads it with a <script>
element, which works from file:// too (the trainers' zip), where browsers refuse fetch().
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from coursebuild.problems import ContentError, Problem
from coursebuild.render.site.engines import setting_position
from coursebuild.render.site.search import (
    ThaiSegmenter,
    load_search_words,
    save_segment_memory,
    segment_memory,
)

INDEX_FILE = "search/index.js"
INDEX_PREFIX = "self.osdSearchIndex="
FORMAT = 1
# Token boundaries, the same on both sides: whitespace, U+200B (between Thai words), and the
# punctuation Material's search split on. A full stop splits unless a digit follows (1.5 stays).
SEPARATOR = r'[\s\u200b\-,:;!?=\[\]()"/|·–—]+|\.(?!\d)'
# Every page loads this; without it there is no search box at all.
SEARCH_SCRIPT = "assets/search.js"

# Inline elements: text on either side of them belongs to the same word ("<b>ข่าว</b>ปลอม").
_INLINE = frozenset("a abbr b bdi bdo cite code data dfn em i kbd mark q s samp small span strong sub sup "
                    "time u var wbr".split())
_SKIPPED = frozenset(("script", "style", "template", "svg", "button"))
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
_HEADING = re.compile(r"^h[1-6]$")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass
class Section:
    anchor: str  # "" for the page's own top
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _ArticleText(HTMLParser):
    """The sections of a built page's <article class="md-content__inner">."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = []
        self.found = False
        self._stack: list[str] = []  # open elements inside the article
        self._skip = 0  # depth inside an element whose text is not content
        self._heading: str | None = None  # the open heading tag, while collecting its title

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if not self._stack:
            if tag == "article" and "md-content__inner" in (attributes.get("class") or "").split():
                self.found = True
                self._stack.append(tag)
                self.sections.append(Section(""))
            return
        if tag in _VOID:
            self._space()
            return
        self._stack.append(tag)
        skip = (tag in _SKIPPED or "headerlink" in (attributes.get("class") or "").split()
                or "data-search-exclude" in attributes)
        if self._skip or skip:
            self._skip += 1
            return
        if _HEADING.match(tag) and attributes.get("id"):
            anchor = attributes["id"] if tag != "h1" else ""
            if anchor or self.sections[-1].title:
                self.sections.append(Section(anchor))
            self._heading = tag
            return
        if tag not in _INLINE:
            self._space()

    def handle_endtag(self, tag: str) -> None:
        if not self._stack or tag in _VOID:
            return
        # Close up to the matching element (HTML allows some end tags to be left out).
        while self._stack:
            open_tag = self._stack.pop()
            if self._skip:
                self._skip -= 1
            if open_tag == tag:
                break
        if tag == self._heading:
            self._heading = None
        elif tag not in _INLINE:
            self._space()

    def handle_data(self, data: str) -> None:
        if not self._stack or self._skip or not self.sections:
            return
        target = self.sections[-1].title if self._heading else self.sections[-1].text
        target.append(data)

    def _space(self) -> None:
        if self.sections and not self._heading:
            self.sections[-1].text.append(" ")


def _plain(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(parts)).strip()


@functools.lru_cache(maxsize=256)  # a preview re-reads the same unchanged pages on every save
def page_sections(html: str) -> list[tuple[str, str, str]] | None:
    """(anchor, title, text) of each section of a built page; None if it has no article."""
    parser = _ArticleText()
    parser.feed(html)
    parser.close()
    if not parser.found:
        return None
    return [(s.anchor, _plain(s.title), _plain(s.text)) for s in parser.sections
            if s.anchor == "" or _plain(s.title) or _plain(s.text)]


def searchable_pages(docs: Path, first: list[str] = ()) -> list[tuple[str, str]]:
    """(address, built file) of every page of the docs folder not marked `search: exclude: true`;
    the pages named in `first` (relative to docs) first, in that order: equal scores go to them."""
    order = {name: n for n, name in enumerate(first)}
    pages = []
    for source in sorted(docs.rglob("*.md"), key=lambda p: (order.get(p.relative_to(docs).as_posix(), len(order)),
                                                            p.relative_to(docs).as_posix())):
        front = _FRONT_MATTER.match(source.read_text(encoding="utf-8"))
        meta = (yaml.safe_load(front.group(1)) if front else None) or {}
        if isinstance(meta.get("search"), dict) and meta["search"].get("exclude"):
            continue
        rel = source.relative_to(docs).as_posix().removesuffix(".md")
        address = "" if rel == "index" else rel.removesuffix("index") if rel.endswith("/index") else rel + "/"
        pages.append((address, address + "index.html"))
    return pages


def build_index(course, docs: Path, site: Path, keep_cache: bool = True, pages: dict[str, str] | None = None) -> dict:
    """The index of the built site in `site`, for the pages generated in `docs`.

    `pages` gives the built pages' HTML by path in the site, as the engine wrote them (a preview
    keeps them in memory); else they are read from `site`. Text cut in an earlier build is not
    cut again (search.segment_memory); `keep_cache` writes this build's cut text to
    build/search-cache/ for the next one (a preview keeps it in memory only)."""
    words, problems = load_search_words(course.root)

    def built_page(name: str) -> str | None:
        if pages is not None:
            return pages.get(name)
        return (site / name).read_text(encoding="utf-8") if (site / name).is_file() else None

    home = built_page("index.html")
    if home is None or SEARCH_SCRIPT not in home:
        line, column = setting_position(course.root, "extra_javascript")
        problems.append(Problem("mkdocs.yml", line, column, "search-config", f"the pages do not load {SEARCH_SCRIPT}",
                                "list assets/search.js under extra_javascript: it is the site's search"))
    entries: list[tuple[str, str, list[tuple[str, str, str]]]] = []
    first = ["index.md", *(f"modules/{m.id}.md" for m in course.modules), *(f"quiz/{m.id}.md" for m in course.modules)]
    for address, built in searchable_pages(docs, first):
        html = built_page(built)
        sections = page_sections(html) if html is not None else None
        if sections is None:
            problems.append(Problem("mkdocs.yml", 0, 0, "search-config",
                                    f"the built page {built} has no <article class=\"md-content__inner\">",
                                    "the theme's page layout changed; search reads each page's article"))
            continue
        entries.append((address, sections[0][1], sections))
    if problems:
        raise ContentError(problems)
    key, known = segment_memory(course.root, words.words)
    segmenter = ThaiSegmenter(words.words, known)
    pages, docs_out = [], []
    used: dict[str, str] = {}
    for number, (address, title, sections) in enumerate(entries):
        pages.append({"u": address, "t": title})
        for anchor, heading, text in sections:
            entry = {"p": number, "a": anchor, "t": segmenter.segment(heading), "x": segmenter.segment(text)}
            used[heading], used[text] = entry["t"], entry["x"]
            docs_out.append(entry)
    if keep_cache:
        save_segment_memory(course.root, key, used)
    return {"v": FORMAT, "sep": SEPARATOR, "groups": [list(g.all) for g in words.groups],
            "pages": pages, "docs": docs_out}


def write_search_index(course, docs: Path, site: Path, keep_cache: bool = True,
                       pages: dict[str, str] | None = None) -> Path:
    index = build_index(course, docs, site, keep_cache, pages)
    target = site / INDEX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(INDEX_PREFIX + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n",
                      encoding="utf-8")
    return target


def read_search_index(site: Path) -> dict:
    """The index a built site holds (for tests and benchmarks)."""
    text = (site / INDEX_FILE).read_text(encoding="utf-8").strip()
    return json.loads(text.removeprefix(INDEX_PREFIX).removesuffix(";"))
