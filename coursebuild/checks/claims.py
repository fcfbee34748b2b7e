"""The claims register kept honest, both ways.

Content → register: every number, domain, law and app name in the prose must lie inside an
occurrence of one of course/claims.yml's match strings on the same line (for YAML, in the same
string). What is not a claim: list numbering, the numbered items of a trainer note's
misconceptions line, link targets inside the course, heading ids and question ids (see prose.py).
Inside a web address only its domain is a claim; the digits of its path are part of the address.

Register → content: every `where:` file exists and holds one of the entry's match strings, every
match string occurs in a listed file, and a match string turning up in a file that is not listed
is reported there, so a claim copied somewhere new gets re-read against its source.

All warnings: they ask a person to re-read a fact, and `check --strict` makes them errors.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from coursebuild.checks.prose import Prose, course_prose, literal_pattern, starts_word
from coursebuild.problems import Problem, relpath
from coursebuild.source.claims import Claims, RegisteredClaim
from coursebuild.source.load import Course

_DIGITS = "0-9๐-๙"
_THAI_RUN = re.compile("[\u0e01-\u0e4e]{0,40}")
_NUMBER = re.compile(f"[{_DIGITS}]+(?:[,.:–-][{_DIGITS}]+)*")
_TLD = r"(?:go|or|ac|co|in|mi|net)\.th|com|org|net|th|info|io|app|me|ly"
_DOMAIN = re.compile(rf"(?<![A-Za-z0-9.-])(?:[A-Za-z0-9-]+\.)+(?:{_TLD})(?![A-Za-z0-9-])", re.I)
# ".go.th" written on its own, as when the text talks about endings of addresses.
_ENDING = re.compile(rf"(?<![A-Za-z0-9-])\.(?:{_TLD})(?![A-Za-z0-9.-])", re.I)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']+")
# A law's name starts with one of these; "มาตรา" counts with its number (อนุมาตรา alone does not).
_LAW = re.compile(f"พระราชบัญญัติ|พระราชกำหนด|พ\\.ร\\.บ\\.|พ\\.ร\\.ก\\.|ประมวลกฎหมาย|(?<![A-Za-z])PDPA(?![A-Za-z])"
                  f"|มาตรา[ \t]*[{_DIGITS}]+")
# Apps people in Thailand use, in the spellings a lesson might write; every app-kind claim's match
# strings are added. Latin names match as whole, case-sensitive words, Thai ones anywhere.
KNOWN_APPS = ("ThaID", "ทางรัฐ", "เป๋าตัง", "G-Wallet", "คนละครึ่ง", "หมอพร้อม", "LINE", "Facebook", "เฟซบุ๊ก",
              "Messenger", "YouTube", "ยูทูบ", "TikTok", "ติ๊กต็อก", "Instagram", "อินสตาแกรม", "WhatsApp",
              "Telegram", "Shopee", "ช้อปปี้", "Lazada", "ลาซาด้า", "Grab", "แกร็บ", "Zoom", "AnyDesk",
              "TeamViewer", "PromptPay", "พร้อมเพย์", "K PLUS", "SCB EASY", "MyMo", "Krungthai NEXT")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    kind: str  # "number", "domain", "law", "app"

    def text(self, prose: Prose) -> str:
        """As written; a law's name with the Thai word after its first word (พระราชบัญญัติลิขสิทธิ์)."""
        if self.kind == "law":
            return prose.text[self.start:self.end] + _THAI_RUN.match(prose.text, self.end).group()
        return prose.text[self.start:self.end]


def _app_pattern(claims: Claims) -> re.Pattern:
    return literal_pattern([*KNOWN_APPS, *(p.text for c in claims.claims if c.data.kind == "app" for p in c.match)])


def find_claims(text: str, apps: re.Pattern) -> list[Token]:
    """The claims in `text` (blanked where not to look): numbers, domains, laws and app names.

    A token inside a longer one is left out (14 inside "มาตรา 14"), so one claim gives one warning.
    """
    tokens: list[Token] = []
    urls = []
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?")  # the sentence's punctuation, not the address's
        urls.append((m.start(), m.start() + len(url)))
        host = urlsplit(url if "://" in url else "//" + url).hostname or ""
        at = url.lower().find(host) if host else -1
        if at >= 0:
            tokens.append(Token(m.start() + at, m.start() + at + len(host), "domain"))
    for kind, pattern in (("law", _LAW), ("app", apps), ("domain", _DOMAIN), ("domain", _ENDING),
                          ("number", _NUMBER)):
        for m in pattern.finditer(text):
            if kind == "app" and not starts_word(text, m):
                continue
            if not any(a <= m.start() < b for a, b in urls):
                tokens.append(Token(m.start(), m.end(), kind))
    tokens.sort(key=lambda t: (t.start, -t.end))
    kept: list[Token] = []
    for token in tokens:
        if kept and token.end <= kept[-1].end:
            continue
        kept.append(token)
    return kept


class _Coverage:
    """Which match strings contain a token's text, and where: found once per distinct token text.

    The match strings are joined into one text, so finding a token's text in all of them is one
    scan of that text rather than one search per match string.
    """

    def __init__(self, claims: Claims):
        self.matches = sorted({p.text for c in claims.claims for p in c.match})
        self.joined = "\0".join(self.matches)
        self.starts = list(itertools.accumulate((len(m) + 1 for m in self.matches[:-1]), initial=0))
        self.cache: dict[str, list[tuple[str, int]]] = {}

    def covered(self, text: str, start: int, end: int) -> bool:
        needle = text[start:end]
        candidates = self.cache.get(needle)
        if candidates is None:
            candidates = []
            at = self.joined.find(needle)
            while at >= 0:
                index = bisect.bisect_right(self.starts, at) - 1
                candidates.append((self.matches[index], at - self.starts[index]))
                at = self.joined.find(needle, at + 1)
            self.cache[needle] = candidates
        return any(start - at >= 0 and text.startswith(m, start - at) for m, at in candidates)


_KIND_NAMES = {"number": "number", "domain": "web address", "law": "law", "app": "app name"}


def check_claims(course: Course, prose: list[Prose] | None = None) -> list[Problem]:
    claims = course.claims
    if claims is None:
        return []
    prose = course_prose(course) if prose is None else prose
    problems = check_coverage(claims, prose)
    problems += check_register(course, claims)
    return problems


def check_coverage(claims: Claims, prose: list[Prose]) -> list[Problem]:
    apps = _app_pattern(claims)
    coverage = _Coverage(claims)
    problems = []
    for item in prose:
        for token in find_claims(item.for_claims, apps):
            if coverage.covered(item.text, token.start, token.end):
                continue
            line, column = item.position(token.start, token.end - token.start)
            what = _KIND_NAMES[token.kind]
            problems.append(Problem(
                item.path, line, column, "claim-unregistered",
                f"the {what} '{token.text(item)}' is in no entry of {claims.path}",
                f"check it against the fact sheet, then add the words around it to an entry's match: (or a new "
                f"entry with its source) in {claims.path}", severity="warning"))
    return problems


def check_register(course: Course, claims: Claims) -> list[Problem]:
    files = {relpath(p, course.root): p for p in course.content_files if p.name != "course.yml"}
    texts: dict[str, str] = {}

    root = course.root.resolve()

    def text_of(rel: str) -> str | None:
        """The file's text; None if it is missing, unreadable or outside the project."""
        if rel not in texts:
            path = (files.get(rel) or root / rel).resolve()
            try:
                path.relative_to(root)
                texts[rel] = path.read_text(encoding="utf-8").replace("\r\n", "\n")
            except (ValueError, OSError, UnicodeDecodeError):
                texts[rel] = None
        return texts[rel]

    problems: list[Problem] = []
    for claim in claims.claims:
        problems += _check_entry(claims, claim, text_of, sorted(files))
    return problems


def _check_entry(claims: Claims, claim: RegisteredClaim, text_of, content: list[str]) -> list[Problem]:
    problems = []
    rel, cid = claims.path, claim.data.id

    def warn(line: int, column: int, code: str, message: str, hint: str, path: str = rel) -> None:
        problems.append(Problem(path, line, column, code, message, hint, severity="warning"))

    listed = {w.text for w in claim.where}
    for where in claim.where:
        text = text_of(where.text)
        if text is None:
            warn(where.line, where.column, "claims-where-missing",
                 f"claim '{cid}' lists '{where.text}', which does not exist",
                 "give the path from the project folder, e.g. course/modules/fake-news.md")
        elif not any(m.text in text for m in claim.match):
            warn(where.line, where.column, "claims-where-stale",
                 f"claim '{cid}' lists '{where.text}', but none of its match strings is there",
                 "remove the file from where:, or fix the match string to the text as the file writes it")
    for match in claim.match:
        if not any(match.text in (text_of(w) or "") for w in listed):
            warn(match.line, match.column, "claims-match-not-found",
                 f"claim '{cid}': '{match.text}' is in none of its where: files",
                 "copy the text exactly as the lesson writes it (same spacing and digits), or remove it")
    for path in content:
        if path in listed:
            continue
        text = text_of(path) or ""
        for match in claim.match:
            at = text.find(match.text)
            if at >= 0:
                before = text[:at]
                warn(before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1, "claims-where-unlisted",
                     f"'{match.text}' of claim '{cid}' is here, but {rel} does not list this file",
                     f"re-read the claim against its source, then add {path} to where: of '{cid}' "
                     f"({rel} line {claim.data.line})", path)
                break
    return problems
