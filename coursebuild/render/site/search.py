"""Thai search preparation: segment the built search index so the phone's search finds Thai words.

Thai is written without spaces, and Material's search (lunr) only finds whole tokens or their
beginnings. We cut every Thai run of the built index into words at build time and join them with
U+200B, which mkdocs.yml lists as a search separator, so the page needs no Thai dictionary.

How the words are cut decides what a trainee can find, because lunr matches a query term against
the start of an index token only. A phone cuts text with ICU, whose Thai dictionary keeps fewer
compounds than PyThaiNLP's: ICU reads อาสา|สมัคร and รู้|เท่า|ทัน where newmm keeps อาสาสมัคร
and รู้เท่าทัน. So the index is cut as ICU cuts, mended with newmm (see ThaiSegmenter), and the
query script (theme/assets/thai-search.js) rebuilds each query from the index's own tokens.

The course file course/search-variants.yml adds words the cutter reads wrongly (เอกสารประกอบ) and
the everyday spellings trainees type (แอพ, ดิจิตอล); the spellings are inlined into the query
script, so the page fetches nothing more.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from coursebuild.problems import ContentError, Problem
from coursebuild.source.load import COURSE_DIR, Course
from coursebuild.source.yamlsource import Located, load_yaml

ZWSP = "\u200b"
VARIANTS_FILE = "search-variants.yml"
SCRIPT = "assets/thai-search.js"
# thai-search.js holds this placeholder; the build puts the course's spelling groups there.
SCRIPT_MARKER = "/*osd-search-variants*/[]"

# Thai letters, vowels and marks: what ICU cuts with its dictionary (not Thai digits or ฿).
_THAI = "\u0e01-\u0e3a\u0e40-\u0e4e"
_THAI_RUN = re.compile(f"[{_THAI}]+")
_THAI_WORD = re.compile(f"^[{_THAI}]+$")
# A Thai letter touching a Latin letter or digit ("1ก้าว", "แอปThaiD"): two tokens, not one.
_OTHER = "A-Za-z0-9\u0e50-\u0e59"
_SCRIPT_CHANGE = re.compile(f"(?<=[{_THAI}])(?=[{_OTHER}])|(?<=[{_OTHER}])(?=[{_THAI}])")
# A piece cut off a word must be at least this long: single letters (ป, ร) are not words.
_MIN_PIECE = 2


@dataclass(frozen=True)
class SpellingGroup:
    """One word and the spellings trainees type for it. `spelling` is the one lessons use."""

    spelling: str
    variants: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return (self.spelling, *self.variants)


@dataclass(frozen=True)
class SearchWords:
    """Course additions to search: known words and spelling groups (course/search-variants.yml)."""

    words: frozenset[str] = frozenset()
    groups: tuple[SpellingGroup, ...] = ()


def load_search_words(root: Path) -> tuple[SearchWords, list[Problem]]:
    """Read course/search-variants.yml. A missing file means no additions."""
    rel = f"{COURSE_DIR}/{VARIANTS_FILE}"
    path = root / rel
    if not path.is_file():
        return SearchWords(), []
    from coursebuild.source.load import read_text  # size-bounded; not UTF-8 is a problem, not a traceback
    from coursebuild.source.limits import MAX_YAML_BYTES

    text, problems = read_text(path, root, MAX_YAML_BYTES)
    if text is None:
        return SearchWords(), problems
    tree, problems = load_yaml(text, rel)
    if tree is None or tree.value is None:
        return SearchWords(), problems
    if not isinstance(tree.value, dict):
        return SearchWords(), problems + [Problem(
            rel, tree.line, tree.column, "search-variants-shape",
            "the file must be a mapping with 'variants:' and 'words:'", "see the comment at the top of the file")]
    for key, item in tree.value.items():
        if key not in ("variants", "words"):
            problems.append(Problem(rel, item.key_line, item.key_column, "search-variants-key",
                                    f"unknown key '{key}'", "use 'variants:' or 'words:'"))
    words = _read_words(tree.value.get("words"), rel, problems)
    groups = _read_groups(tree.value.get("variants"), rel, problems)
    return SearchWords(frozenset(words), tuple(groups)), problems


def _text(item: Located, rel: str, problems: list[Problem], what: str) -> str | None:
    value = item.value
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(rel, item.line, item.column, "search-variants-value",
                                f"{what} must be a word, not {value!r}", "write the word as plain text"))
        return None
    value = unicodedata.normalize("NFC", value.strip())
    if any(ch.isspace() for ch in value):
        problems.append(Problem(rel, item.line, item.column, "search-variants-value",
                                f"{what} '{value}' has a space in it",
                                "list single words; a search for two words already finds pages with both"))
        return None
    return value


def _read_words(node: Located | None, rel: str, problems: list[Problem]) -> list[str]:
    if node is None or node.value is None:
        return []
    if not isinstance(node.value, list):
        problems.append(Problem(rel, node.line, node.column, "search-variants-shape",
                                "'words:' must be a list", "write one word per line, starting with '- '"))
        return []
    words = []
    for item in node.value:
        word = _text(item, rel, problems, "a word")
        if word is None:
            continue
        if not _THAI_WORD.match(word):
            problems.append(Problem(rel, item.line, item.column, "search-variants-value",
                                    f"'{word}' is not written in Thai letters only",
                                    "'words:' teaches the Thai word cutter; Latin words need no entry"))
            continue
        words.append(word)
    return words


def _read_groups(node: Located | None, rel: str, problems: list[Problem]) -> list[SpellingGroup]:
    if node is None or node.value is None:
        return []
    if not isinstance(node.value, dict):
        problems.append(Problem(rel, node.line, node.column, "search-variants-shape",
                                "'variants:' must map a lesson spelling to the spellings trainees type",
                                "e.g.  แอป: [แอพ]"))
        return []
    seen: dict[str, str] = {}
    groups = []
    for spelling, item in node.value.items():
        spelling = unicodedata.normalize("NFC", spelling.strip())
        values = item.value if isinstance(item.value, list) else [item]
        variants = []
        for value in values:
            variant = _text(value, rel, problems, "a spelling")
            if variant is None:
                continue
            if variant.casefold() == spelling.casefold():
                problems.append(Problem(rel, value.line, value.column, "search-variants-value",
                                        f"'{variant}' is the lesson spelling itself", "remove it from the list"))
                continue
            if variant.casefold() in seen:
                problems.append(Problem(rel, value.line, value.column, "search-variants-duplicate",
                                        f"'{variant}' is listed for both '{seen[variant.casefold()]}' and '{spelling}'",
                                        "a typed spelling can lead to one lesson spelling only"))
                continue
            seen[variant.casefold()] = spelling
            variants.append(variant)
        if spelling.casefold() in seen:
            problems.append(Problem(rel, item.key_line, item.key_column, "search-variants-duplicate",
                                    f"'{spelling}' is already listed as a spelling of '{seen[spelling.casefold()]}'",
                                    "put all spellings of one word in one entry"))
            continue
        seen[spelling.casefold()] = spelling
        if variants:
            groups.append(SpellingGroup(spelling, tuple(variants)))
    return groups


@functools.lru_cache(maxsize=4)
def _dictionaries(extra: frozenset[str]) -> tuple[frozenset[str], object, _WordTrie]:
    """PyThaiNLP's word list with the course's words, and ICU's as the phone has it.

    PyThaiNLP ships ICU's thaidict. The course's words go to newmm only: ICU's reading must stay
    the phone's, and newmm's list is the one that decides where ICU's reading is no word.
    """
    from pythainlp.corpus import thai_words
    from pythainlp.corpus.icu import thai_icu_words
    from pythainlp.util import dict_trie

    newmm_words = frozenset(thai_words()) | extra
    icu_words = frozenset(thai_icu_words())
    return newmm_words | icu_words, dict_trie(newmm_words), _WordTrie(icu_words)


class ThaiSegmenter:
    """Cuts Thai text into search tokens that both ICU and PyThaiNLP's newmm can rebuild words from.

    ICU is what the phone's Intl.Segmenter uses, so its reading gives the tokens: we run ICU's own
    dictionary algorithm on ICU's word list (icu_words below). It cuts finer than newmm
    (อาสา|สมัคร where newmm keeps อาสาสมัคร), so a newmm word is nearly always whole ICU words.
    Two repairs with newmm, whose list knows many more loanwords:
    - where ICU's reading has a piece that is no word at all (ลงเฟ|ซบุ๊ก), newmm's reading of that
      stretch replaces it (ลง|เฟซบุ๊ก);
    - where newmm reads an ICU word as several real words (ไม่ใช่ → ไม่|ใช่), we cut there too.
    """

    def __init__(self, extra_words: frozenset[str] = frozenset()):
        self.dictionary, self._newmm, self._icu = _dictionaries(frozenset(extra_words))

    def words(self, run: str) -> list[str]:
        """The search tokens of one run of Thai letters."""
        from pythainlp.tokenize import word_tokenize

        newmm = word_tokenize(run, engine="newmm", custom_dict=self._newmm, keep_whitespace=False)
        icu = self._mend(icu_words(run, self._icu), newmm)
        newmm_ends = _ends(newmm)
        bounds = {0, *newmm_ends}
        tokens, start = [], 0
        for word in icu:
            cuts = [0, *(e - start for e in newmm_ends if start < e < start + len(word)), len(word)]
            pieces = [word[a:b] for a, b in zip(cuts, cuts[1:])]
            # Only where newmm's words lie wholly inside this one: newmm's เอก|สารประกอบ does not
            # cut ICU's เอกสาร|ประกอบ.
            if (len(pieces) > 1 and start in bounds and start + len(word) in bounds
                    and all(len(p) >= _MIN_PIECE and p in self.dictionary for p in pieces)):
                tokens += pieces
            else:
                tokens.append(word)
            start += len(word)
        return tokens

    def _mend(self, icu: list[str], newmm: list[str]) -> list[str]:
        """ICU's reading, with newmm's wherever ICU produced a piece that is in no word list."""
        common = sorted({0} | (set(_ends(icu)) & set(_ends(newmm))))
        spans: list[list[int]] = []
        start = 0
        for word in icu:
            end = start + len(word)
            if word not in self.dictionary:
                lo = max(c for c in common if c <= start)
                hi = min(c for c in common if c >= end)
                if spans and lo <= spans[-1][1]:
                    spans[-1][1] = max(spans[-1][1], hi)
                else:
                    spans.append([lo, hi])
            start = end
        if not spans:
            return icu
        out, start = [], 0
        for reading, inside in ((newmm, True), (icu, False)):
            start = 0
            for word in reading:
                end = start + len(word)
                if any(lo <= start and end <= hi for lo, hi in spans) == inside:
                    out.append((start, word))
                start = end
        return [word for _, word in sorted(out)]

    def segment(self, text: str) -> str:
        """Text with U+200B between Thai words and wherever Thai meets a Latin letter or digit."""
        text = _SCRIPT_CHANGE.sub(ZWSP, text)
        return _THAI_RUN.sub(lambda m: ZWSP.join(self.words(m.group())), text)


def _ends(words: list[str]) -> list[int]:
    ends, at = [], 0
    for word in words:
        at += len(word)
        ends.append(at)
    return ends


class _WordTrie:
    """A character trie answering ICU's question: which words start here, and how far does any go."""

    def __init__(self, words: frozenset[str]):
        self.root: dict = {}
        for word in words:
            node = self.root
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = True

    def matches(self, text: str, start: int) -> tuple[list[int], int]:
        """Lengths of the words that start at `start`, shortest first, and the longest partial match."""
        node, lengths, i = self.root, [], start
        while i < len(text) and text[i] in node:
            node = node[text[i]]
            i += 1
            if "" in node:
                lengths.append(i - start)
        return lengths, i - start


# Character classes of ICU's ThaiBreakEngine (dictbe.cpp).
_MARKS = frozenset(map(chr, [0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)]))
_END_WORD = frozenset(map(chr, [*range(0x0E01, 0x0E31), *range(0x0E32, 0x0E3B), *range(0x0E45, 0x0E4F)]))
_BEGIN_WORD = frozenset(map(chr, [*range(0x0E01, 0x0E2F), *range(0x0E40, 0x0E45)]))
_PAIYANNOI, _MAIYAMOK = "\u0e2f", "\u0e46"


def icu_words(run: str, trie: _WordTrie) -> list[str]:
    """ICU's Thai dictionary word break (ThaiBreakEngine::divideUpDictionaryRange) in Python.

    Of the dictionary words starting at a point, take the longest that is followed by two more
    words (or by one that reaches the end); text in no word joins a short word before it or
    becomes its own word up to the next plausible word start. Combining marks and ๆ, ฯ stay with
    the word before them. On the course's text it agrees with Chromium's Intl.Segmenter on over
    99% of runs; the rest differ where ICU versions' word lists differ.
    """
    n, words, pos = len(run), [], 0
    while pos < n:
        candidates, _ = trie.matches(run, pos)
        length = candidates[-1] if candidates else 0
        if len(candidates) > 1 and pos + length < n:
            for first in reversed(candidates):
                seconds, _ = trie.matches(run, pos + first)
                if not seconds:
                    continue
                length = first
                if pos + first + seconds[-1] >= n or any(
                        trie.matches(run, pos + first + second)[0] for second in reversed(seconds)):
                    break
        at = pos + length
        if at < n and length < 3:
            following, prefix = trie.matches(run, at)
            if not following and (length == 0 or prefix < 3):
                skipped = 1  # resynchronise: walk to where a dictionary word plausibly starts
                while at + skipped < n and not (
                        run[at + skipped - 1] in _END_WORD and run[at + skipped] in _BEGIN_WORD
                        and trie.matches(run, at + skipped)[0]):
                    skipped += 1
                length += skipped
        while pos + length < n and run[pos + length] in _MARKS:
            length += 1
        if pos + length < n and not trie.matches(run, pos + length)[0]:
            if run[pos + length] == _PAIYANNOI and run[pos + length - 1] not in (_PAIYANNOI, _MAIYAMOK):
                length += 1
            if pos + length < n and run[pos + length] == _MAIYAMOK and run[pos + length - 1] != _MAIYAMOK:
                length += 1
        words.append(run[pos:pos + length])
        pos += length
    return words


def _check_separator(config: dict) -> list[Problem]:
    separator = config.get("separator", "")
    try:
        splits = bool(re.search(separator, f"ก{ZWSP}ก"))
    except re.error:
        splits = False
    if splits and config.get("lang") == ["en"]:
        return []
    return [Problem("mkdocs.yml", 0, 0, "search-config",
                    f"the search plugin must split on U+200B with lang: en (it has separator {separator!r}, "
                    f"lang {config.get('lang')})",
                    "keep the plugins: search section as it is in the project's mkdocs.yml: lang en loads no "
                    "Thai dictionary, and the separator must include \\u200b")]


def script_variants(groups: tuple[SpellingGroup, ...]) -> str:
    """The spelling groups as the query script reads them: lesson spelling first."""
    return json.dumps([list(g.all) for g in groups], ensure_ascii=False, separators=(",", ":"))


def prepare_search_index(course: Course, site: Path) -> None:
    """Segment the built search index and give the query script the course's spellings."""
    index_path = site / "search" / "search_index.json"
    if not index_path.is_file():
        return
    words, problems = load_search_words(course.root)
    index = json.loads(index_path.read_text(encoding="utf-8"))
    problems += _check_separator(index.get("config", {}))
    script = site / SCRIPT
    script_text = script.read_text(encoding="utf-8") if script.is_file() else ""
    home = site / "index.html"
    if SCRIPT_MARKER not in script_text or not home.is_file() or SCRIPT not in home.read_text(encoding="utf-8"):
        problems.append(Problem("mkdocs.yml", 0, 0, "search-config",
                                f"the pages do not load {SCRIPT}, or it lacks its {SCRIPT_MARKER} placeholder",
                                "list assets/thai-search.js under extra_javascript; without it Thai queries "
                                "are not cut into words"))
    if problems:
        raise ContentError(problems)

    segmenter = ThaiSegmenter(words.words)
    for doc in index.get("docs", []):
        for field in ("title", "text"):
            if doc.get(field):
                doc[field] = segmenter.segment(doc[field])
    index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    script.write_text(script_text.replace(SCRIPT_MARKER, script_variants(words.groups)), encoding="utf-8")
