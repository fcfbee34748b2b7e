"""Thai words for search: how the index's Thai is cut, and the course's spellings file.

Thai is written without spaces, and our search (theme/assets/search-engine.js) finds whole tokens
or their beginnings. We cut every Thai run of the index into words at build time and join them
with U+200B, so the page needs no Thai dictionary (search_index.py writes the index).

How the words are cut decides what a trainee can find, because a query term matches the start of
an index token only. A phone cuts text with ICU, whose Thai dictionary keeps fewer compounds than
PyThaiNLP's: ICU reads อาสา|สมัคร and รู้|เท่า|ทัน where newmm keeps อาสาสมัคร and รู้เท่าทัน.
So the index is cut as ICU cuts, mended with newmm (see ThaiSegmenter), and the query side
rebuilds each query from the index's own tokens.

The course file course/terms.yml (also the terms linter's list) adds words the cutter reads wrongly
(เอกสารประกอบ) and the everyday spellings trainees type (แอพ, ดิจิตอล); the spellings travel in the
index, where the query side makes each group one OR-group. `load_search_words` is the one place
that reads them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from coursebuild.problems import Problem
from coursebuild.source.terms import load_terms

ZWSP = "\u200b"

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
    """Course additions to search: known words and spelling groups (course/terms.yml)."""

    words: frozenset[str] = frozenset()
    groups: tuple[SpellingGroup, ...] = ()


def load_search_words(root: Path) -> tuple[SearchWords, list[Problem]]:
    """The course's search words and spelling groups, from course/terms.yml (no file: no additions).

    terms.yml is also the terms linter's list, so search and the linter never disagree; the groups
    are derived from it as its header describes (source/terms.py).
    """
    terms, problems = load_terms(root)
    if terms is None:
        return SearchWords(), problems
    groups = tuple(SpellingGroup(key, variants) for key, variants in terms.search_groups())
    return SearchWords(frozenset(terms.words), groups), problems


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

    def __init__(self, extra_words: frozenset[str] = frozenset(), known: dict[str, str] | None = None):
        self.extra_words = frozenset(extra_words)
        # Text already cut by this same cutter (segment_memory): looked up before anything is loaded.
        self.known = {} if known is None else known
        self._loaded: tuple | None = None

    def _tables(self) -> tuple:
        # Loaded on first need: a build whose every text is known never reads the dictionaries (1 s).
        if self._loaded is None:
            self._loaded = _dictionaries(self.extra_words)
        return self._loaded

    @property
    def dictionary(self) -> frozenset[str]:
        return self._tables()[0]

    @property
    def _newmm(self):
        return self._tables()[1]

    @property
    def _icu(self):
        return self._tables()[2]

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
        done = self.known.get(text)
        if done is None:
            cut = _SCRIPT_CHANGE.sub(ZWSP, text)
            done = self.known[text] = _THAI_RUN.sub(lambda m: ZWSP.join(self.words(m.group())), cut)
        return done


# --- cut text kept between builds ------------------------------------------------------------------

SEGMENT_CACHE = "search-cache"
_MEMORY: dict[str, dict[str, str]] = {}  # fingerprint -> text -> cut text, for this process


@functools.lru_cache(maxsize=1)
def _cutter_fingerprint() -> str:
    """What decides how text is cut, besides the course's words: PyThaiNLP's version (its word
    lists) and this module's code."""
    from importlib import metadata

    from coursebuild import cache

    return f"{metadata.version('pythainlp')}:{cache.file_digest(Path(__file__).resolve())}"


def segment_memory(root: Path, extra_words: frozenset[str]) -> tuple[str, dict[str, str]]:
    """The texts this cutter has cut before, as (fingerprint, text → cut text): kept for the
    process (a preview rebuilding on every save) and in build/search-cache/ between builds, keyed
    by everything that decides the cut, so a remembered text is exactly what cutting would give."""
    import hashlib
    import json

    from coursebuild import cache

    key = hashlib.sha256(("\n".join([_cutter_fingerprint(), *sorted(extra_words)])).encode()).hexdigest()[:24]
    if not cache.enabled():
        return key, {}
    known = _MEMORY.get(key)
    if known is None:
        known = _MEMORY[key] = {}
        folder = cache.cache_dir(root, SEGMENT_CACHE)
        if folder is not None:
            try:
                stored = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
                known.update({k: v for k, v in stored.items() if isinstance(k, str) and isinstance(v, str)})
            except (OSError, ValueError, AttributeError):
                pass  # no cache yet, or a damaged one: cut again
    return key, known


def save_segment_memory(root: Path, key: str, texts: dict[str, str]) -> None:
    """Keep `texts` (this build's) in build/search-cache/ for the next build; older entries go."""
    import json

    from coursebuild import cache

    folder = cache.cache_dir(root, SEGMENT_CACHE)
    if folder is None:
        return
    cache.store(folder / f"{key}.json", json.dumps(texts, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    for path in folder.glob("*.json"):
        if path.stem != key:
            path.unlink(missing_ok=True)


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
