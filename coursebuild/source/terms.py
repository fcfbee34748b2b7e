"""course/terms.yml: the course's canonical spellings, read once for the terms linter and search.

One file, two readers, so they never disagree: `checks/terms.py` flags the misspellings in the
content, and the site's search (`render/site/search.py`) treats every spelling of a group as one
word. The search groups are derived here, as the header of terms.yml describes.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from coursebuild.problems import Problem, relpath
from coursebuild.source.files import read_yaml_file
from coursebuild.source.model import Term, TermsFile
from coursebuild.source.yamlsource import Located

TERMS_FILE = "course/terms.yml"

# Thai letters, vowels and marks: what `words:` (the search word cutter's additions) may hold.
_THAI_WORD = re.compile("^[\u0e01-\u0e3a\u0e40-\u0e4e]+$")
_LATIN = re.compile("[A-Za-z]")

SpellingKind = Literal["term", "misspelling", "synonym"]


@dataclass(frozen=True)
class Spelling:
    """One spelling of terms.yml, with where it is written."""

    text: str
    kind: SpellingKind
    term: str  # the canonical spelling it belongs to
    group: str  # the term's group key (its own term without `group:`)
    line: int
    column: int

    @property
    def is_latin(self) -> bool:
        """Latin spellings match as whole, case-sensitive words; Thai ones anywhere in a Thai run."""
        return bool(_LATIN.search(self.text))


@dataclass(frozen=True)
class Terms:
    path: str
    data: TermsFile
    spellings: tuple[Spelling, ...]  # in file order: each term, then its misspellings, then its synonyms

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(unicodedata.normalize("NFC", w) for w in self.data.words)

    def search_groups(self) -> list[tuple[str, tuple[str, ...]]]:
        """(key, variants) per group, as the header of terms.yml defines them.

        Key: the group's first term. Variants: the group's other terms, then every misspelling and
        synonym of its terms, in file order, leaving out a spelling with a space (search takes single
        words) and one equal, ignoring case, to a spelling already in the group (search ignores
        case). Groups with no variants add nothing to search.
        """
        groups: dict[str, list[str]] = {}
        for s in self.spellings:
            if s.kind == "term":
                groups.setdefault(s.group, [])
        for kind_order in (("term",), ("misspelling", "synonym")):
            for s in self.spellings:
                if s.kind not in kind_order or s.text == s.group:
                    continue
                group = groups[s.group]
                seen = {s.group.casefold(), *(v.casefold() for v in group)}
                if any(ch.isspace() for ch in s.text) or s.text.casefold() in seen:
                    continue
                group.append(s.text)
        return [(key, tuple(variants)) for key, variants in groups.items() if variants]


def load_terms(root: Path) -> tuple[Terms | None, list[Problem]]:
    """Read course/terms.yml. A missing file means no terms: nothing to lint, no search spellings."""
    path = root / TERMS_FILE
    if not path.is_file():
        return None, []
    rel = relpath(path, root)
    data, tree, problems = read_yaml_file(path, root, TermsFile, "terms.yml")
    if data is None:
        return None, problems
    spellings, sub = _spellings(data, tree, rel)
    problems += sub
    problems += _check_words(tree, rel)
    return Terms(rel, data, tuple(spellings)), problems


def _spellings(data: TermsFile, tree: Located, rel: str) -> tuple[list[Spelling], list[Problem]]:
    problems: list[Problem] = []
    spellings: list[Spelling] = []
    group_keys: dict[str, str] = {}  # group name -> its first term
    for term, item in zip(data.terms, tree.value["terms"].value):
        key = group_keys.setdefault(term.group, term.term) if term.group else term.term
        fields = item.value
        spellings.append(_spelling(term.term, "term", term, key, fields["term"]))
        for kind, name in (("misspelling", "misspellings"), ("synonym", "synonyms")):
            for text, at in zip(getattr(term, name), fields[name].value if name in fields else []):
                spellings.append(_spelling(text, kind, term, key, at))
    seen: dict[str, Spelling] = {}
    folded: dict[str, Spelling] = {}
    for s in spellings:
        if s.text in seen:
            first = seen[s.text]
            problems.append(Problem(rel, s.line, s.column, "terms-duplicate",
                                    f"'{s.text}' is already listed on line {first.line} (as a {first.kind} of "
                                    f"'{first.term}')", "list every spelling once in the whole file"))
            continue
        seen[s.text] = s
        other = folded.get(s.text.casefold())
        if other is not None and other.group != s.group:
            problems.append(Problem(rel, s.line, s.column, "terms-duplicate",
                                    f"'{s.text}' differs only in case from '{other.text}' (line {other.line}), "
                                    f"which belongs to '{other.term}'",
                                    "search ignores case, so one spelling can lead to one word only: "
                                    "keep them in one group"))
        folded.setdefault(s.text.casefold(), s)
    return spellings, problems


def _spelling(text: str, kind: SpellingKind, term: Term, key: str, at: Located) -> Spelling:
    return Spelling(unicodedata.normalize("NFC", text), kind, unicodedata.normalize("NFC", term.term),
                    unicodedata.normalize("NFC", key), at.line, at.column)


def _check_words(tree: Located, rel: str) -> list[Problem]:
    node = tree.value.get("words")
    if node is None or not isinstance(node.value, list):
        return []
    problems = []
    for item in node.value:
        word = str(item.value).strip()
        if word and not _THAI_WORD.match(unicodedata.normalize("NFC", word)):
            problems.append(Problem(rel, item.line, item.column, "terms-word",
                                    f"'{word}' is not one word in Thai letters",
                                    "'words:' teaches the search's Thai word cutter: one Thai word per line, "
                                    "no spaces; Latin words need no entry"))
    return problems
