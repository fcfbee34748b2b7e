"""Name prefixes (คำนำหน้าชื่อ) and the certificate wording that goes with them.

Data, not code: theme/certificate/prefixes.yml holds the default list (everyone's, monks', academic,
military, police and royal titles, with the Royal Institute's spacing and the wording towards
monks), course/prefixes.yml adds a course's own, and a cohort.yml adds its own with the same
fields. `Prefixes.read` turns what a roster's คำนำหน้า cell holds into what the certificate prints.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from coursebuild.markup import engine_root
from coursebuild.problems import Problem, relpath
from coursebuild.source.files import read_yaml_file
from coursebuild.source.model import SLUG_PATTERN, internal, spec
from coursebuild.thai import normalise_name

DEFAULTS_FILE = ("theme", "certificate", "prefixes.yml")  # under the engine root, like the templates
COURSE_FILE = "course/prefixes.yml"
DEFAULT_WORDING = "default"
WOMEN = "หญิง"  # a rank followed by it is a woman's rank: ร้อยตรีหญิง, ร.ต.หญิง
# Standing alone: a civil prefix is replaced by a rank or title, never added to one.
ALONE = ("civil", "monastic")

PrefixKind = Literal["civil", "monastic", "academic", "degree", "profession", "royal", "military", "police"]


@dataclass(frozen=True)
class Wording:
    name: str = field(metadata=spec("ชื่อถ้อยคำ", "อักษรอังกฤษตัวเล็ก เช่น default monastic", pattern=SLUG_PATTERN))
    intro: str = field(metadata=spec("บรรทัดก่อนชื่อ", "เช่น ขอมอบวุฒิบัตรฉบับนี้ไว้เพื่อแสดงว่า"))
    given: str = field(metadata=spec("คำหน้าวันที่", "เช่น ให้ไว้ ณ วันที่"))


@dataclass(frozen=True)
class PrefixEntry:
    prefix: str = field(metadata=spec("คำนำหน้าที่พิมพ์", "รูปเต็มตามหนังสือราชการ เช่น ว่าที่ร้อยตรี"))
    kind: PrefixKind = field(metadata=spec(
        "ประเภท", "civil และ monastic ใช้เดี่ยว ๆ ประเภทอื่นต่อกันได้ เช่น ผศ.ดร."))
    also: list[str] = field(default_factory=list, metadata=spec(
        "ตัวสะกดอื่นในรายชื่อ", "เช่น อักษรย่อ ผศ. พิมพ์บนวุฒิบัตรเป็นคำนำหน้าเต็ม"))
    space: bool = field(default=False, metadata=spec(
        "เว้นวรรคก่อนชื่อ", "true สำหรับยศทหารและตำรวจ (พันโท สมชาย) ตามหลักเกณฑ์การเว้นวรรคของราชบัณฑิตยสภา"))
    women: bool = field(default=False, metadata=spec("รับรูปหญิง", "true = รับ <ยศ>หญิง ด้วย เช่น ร้อยตรีหญิง"))
    wording: str = field(default="", metadata=spec(
        "ถ้อยคำบนวุฒิบัตร", "ชื่อใน wordings: ไม่ใส่ = default เช่น monastic สำหรับพระภิกษุ (ถวาย)", pattern=SLUG_PATTERN))
    line: int = internal()
    column: int = internal()


@dataclass(frozen=True)
class Ambiguous:
    spelling: str = field(metadata=spec("อักษรย่อที่ใช้ร่วมกันหลายยศ", "เช่น ร.ต."))
    means: list[str] = field(metadata=spec("ยศที่อาจหมายถึง", "รายชื่อต้องเขียนเต็มให้ชัด", min_items=2))


@dataclass(frozen=True)
class PrefixesFile:
    prefixes: list[PrefixEntry] = field(default_factory=list, metadata=spec("คำนำหน้าชื่อ"))
    wordings: list[Wording] = field(default_factory=list, metadata=spec(
        "ถ้อยคำบนวุฒิบัตร", "ถ้อยคำที่คำนำหน้าบางประเภทใช้ต่างจากปกติ"))
    ambiguous: list[Ambiguous] = field(default_factory=list, metadata=spec(
        "อักษรย่อกำกวม", "อักษรย่อที่หมายถึงได้หลายยศ รายชื่อที่ใช้ต้องเขียนยศเต็ม"))


@dataclass(frozen=True)
class ReadPrefix:
    """What a roster's prefix cell means on the certificate."""

    printed: str  # e.g. "ผู้ช่วยศาสตราจารย์ ดร."
    space: bool  # a space before the first name (after a rank)
    wording: str  # a name in Prefixes.wordings


@dataclass(frozen=True)
class Prefixes:
    """Every accepted spelling (spaces removed) → (entry, with หญิง), the wordings, ambiguous ones."""

    spellings: dict[str, tuple[PrefixEntry, bool]]
    wordings: dict[str, Wording]
    ambiguous: dict[str, tuple[str, ...]]

    def extended(self, extra: PrefixesFile) -> Prefixes:
        spellings, wordings, ambiguous = dict(self.spellings), dict(self.wordings), dict(self.ambiguous)
        _add(spellings, wordings, ambiguous, extra)
        return Prefixes(spellings, wordings, ambiguous)

    def read(self, cell: str) -> ReadPrefix | str:
        """The prefix cell as printed, or a Thai-and-English reason it cannot be read."""
        text = re.sub(r"\s+", "", normalise_name(cell))
        if not text:
            return "empty"
        keys = self._longest_first
        found: list[tuple[PrefixEntry, bool]] = []
        at = 0
        while at < len(text):
            key = next((k for k in keys if text.startswith(k, at)), None)
            if key is None:
                return "unknown"
            if key in self.ambiguous:
                return "ambiguous:" + key
            found.append(self.spellings[key])
            at += len(key)
        if len(found) > 1 and any(entry.kind in ALONE for entry, _ in found):
            return "alone"
        printed = " ".join(entry.prefix + (WOMEN if woman else "") for entry, woman in found)
        wording = next((entry.wording for entry, _ in found if entry.wording), DEFAULT_WORDING)
        return ReadPrefix(printed, found[-1][0].space, wording)

    @functools.cached_property
    def _longest_first(self) -> list[str]:
        return sorted(set(self.spellings) | set(self.ambiguous), key=len, reverse=True)

    def all_spellings(self) -> list[str]:
        """Every spelling a holder might type before a name, longest first (for the verify page)."""
        printed = {entry.prefix + (WOMEN if woman else "") for entry, woman in self.spellings.values()}
        return sorted(set(self.spellings) | printed | set(self.ambiguous), key=lambda s: (-len(s), s))


def _add(spellings: dict, wordings: dict, ambiguous: dict, data: PrefixesFile) -> None:
    for wording in data.wordings:
        wordings[wording.name] = wording
    for entry in data.prefixes:
        for spelling in (entry.prefix, *entry.also):
            key = re.sub(r"\s+", "", normalise_name(spelling))
            spellings[key] = (entry, False)
            if entry.women:
                spellings[key + WOMEN] = (entry, True)
            ambiguous.pop(key, None)  # a course that means ร.ต. as one rank only may say so
    for item in data.ambiguous:
        key = re.sub(r"\s+", "", normalise_name(item.spelling))
        ambiguous[key] = tuple(item.means)
        ambiguous[key + WOMEN] = tuple(m + WOMEN for m in item.means)
        spellings.pop(key, None)


def check_wordings(data: PrefixesFile, known: set[str], rel: str, tree) -> list[Problem]:
    """Every entry names a wording that exists."""
    problems = []
    items = tree.value.get("prefixes") if tree is not None and isinstance(tree.value, dict) else None
    for index, entry in enumerate(data.prefixes):
        if entry.wording and entry.wording not in known:
            at = items.value[index] if items is not None else None
            line, column = (at.line, at.column) if at is not None else (0, 0)
            problems.append(Problem(rel, line, column, "unknown-wording",
                                    f"prefix '{entry.prefix}' uses the wording '{entry.wording}', which is not "
                                    "under wordings:", f"use one of: {', '.join(sorted(known))}, or add it"))
    return problems


def load_prefixes(root: Path) -> tuple[Prefixes, list[Problem]]:
    """The default list (theme/certificate/prefixes.yml) with course/prefixes.yml added, if any."""
    problems: list[Problem] = []
    spellings: dict = {}
    wordings: dict = {}
    ambiguous: dict = {}
    for path in (engine_root(root).joinpath(*DEFAULTS_FILE), root / COURSE_FILE):
        if not path.is_file():
            continue
        data, tree, sub = read_yaml_file(path, root, PrefixesFile, "prefixes.yml")
        problems += sub
        if data is None:
            continue
        known = set(wordings) | {w.name for w in data.wordings} | {DEFAULT_WORDING}
        problems += check_wordings(data, known, relpath(path, root), tree)
        _add(spellings, wordings, ambiguous, data)
    wordings.setdefault(DEFAULT_WORDING, Wording(DEFAULT_WORDING, "ขอมอบวุฒิบัตรฉบับนี้ไว้เพื่อแสดงว่า", "ให้ไว้ ณ วันที่"))
    return Prefixes(spellings, wordings, ambiguous), problems
