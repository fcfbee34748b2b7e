"""The trainee table (trainees.csv or trainees.xlsx): columns in Thai or English, one Trainee per row.

Every bad row is a Problem at its row and column; --skip-invalid may leave such rows out."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from coursebuild.certificates.cohort_config import CohortConfig, Eligibility
from coursebuild.certificates.sheets import UncachedFormula, read_csv, read_xlsx
from coursebuild.certificates.sheets import cell_text as _text
from coursebuild.problems import Problem, relpath
from coursebuild.source.prefixes import DEFAULT_WORDING, Prefixes, load_prefixes
from coursebuild.thai import normalise_name

TRAINEE_FILES = ("trainees.csv", "trainees.xlsx")




COLUMNS: dict[str, tuple[str, ...]] = {
    # field: accepted headers (compared after lower-casing and collapsing spaces)
    "no": ("ลำดับ", "ลำดับที่", "ที่", "no", "no."),
    "prefix": ("คำนำหน้า", "คำนำหน้าชื่อ", "prefix", "title"),
    "first_name": ("ชื่อ", "first_name", "first name", "firstname"),
    "last_name": ("นามสกุล", "สกุล", "last_name", "last name", "lastname", "surname"),
    "province": ("จังหวัด", "province"),
    "district": ("อำเภอ", "เขต", "district"),
    "subdistrict": ("ตำบล", "แขวง", "subdistrict"),
    "village": ("หมู่บ้าน", "village"),
    "hours": ("ชั่วโมงอบรม", "ชั่วโมง", "hours"),
    "score": ("คะแนน", "คะแนนสอบ", "score"),
}


REQUIRED_COLUMNS = ("prefix", "first_name", "last_name")


_HEADER_TO_FIELD = {header: name for name, headers in COLUMNS.items() for header in headers}


@dataclass(frozen=True)
class Trainee:
    line: int  # row in the CSV (physical line) or in the worksheet
    prefix: str  # as printed, e.g. นางสาว, ผู้ช่วยศาสตราจารย์ ดร. (source/prefixes.py)
    first_name: str  # normalised (thai.normalise_name)
    last_name: str
    no: str = ""
    prefix_space: bool = False  # a rank: a space between it and the name (พันโท สุชาดา)
    wording: str = DEFAULT_WORDING  # which certificate wording (monks: ถวาย)
    province: str = ""
    district: str = ""
    subdistrict: str = ""
    village: str = ""
    hours: Optional[float] = None
    score: Optional[float] = None
    name_columns: tuple[int, int] = field(default=(0, 0), compare=False)  # of first_name, last_name

    @property
    def full_name(self) -> str:
        """As printed: the prefix joined to a Thai first name, as Thai documents write it, except
        after a rank (the Royal Institute's spacing rules; theme/certificate/prefixes.yml)."""
        joiner = "" if "\u0e00" <= self.first_name[:1] <= "\u0e7f" and not self.prefix_space else " "
        return f"{self.prefix}{joiner}{self.first_name} {self.last_name}"

    @property
    def name_key(self) -> str:
        """The name as the verify page compares it: no prefix, no spaces, lower case."""
        return name_key(f"{self.first_name} {self.last_name}")

    @property
    def place(self) -> str:
        return " / ".join(part for part in (self.village, self.subdistrict, self.district, self.province) if part)

    @property
    def key(self) -> tuple[str, str]:
        """Who this is, for duplicates and the serial registry: the name and where they live."""
        return self.name_key, place_key(self.place)


def name_key(name: str) -> str:
    """Mirrors nameKey() in theme/certificate/verify.js; change both together."""
    return re.sub(r"\s+", "", normalise_name(name)).lower()


def place_key(place: str) -> str:
    return normalise_name(place).lower()


_Cell = tuple[object, int]  # (value, 1-based column)


def load_trainees(folder: Path, root: Path, config: Optional[CohortConfig], course_minutes: Optional[int] = None,
                  prefixes: Optional[Prefixes] = None) -> tuple[Optional[list[Trainee]], str, list[Problem], list[Problem]]:
    """Returns (trainees or None, file path, row problems, file problems). `prefixes`: the course's
    (defaults and course/prefixes.yml) with the cohort's own added; None = the defaults."""
    found = [folder / name for name in TRAINEE_FILES if (folder / name).is_file()]
    if len(found) != 1:
        rel = relpath(folder / TRAINEE_FILES[0], root)
        if not found:
            return None, rel, [], [Problem(rel, 0, 0, "missing-file", "the cohort has no trainees.csv or trainees.xlsx",
                                           "add the roster; see roster/README.md for the columns")]
        return None, rel, [], [Problem(relpath(found[1], root), 0, 0, "roster-ambiguous",
                                       "the cohort has both trainees.csv and trainees.xlsx",
                                       "keep one of them")]
    path = found[0]
    rel = relpath(path, root)
    rows, problems = read_xlsx(path, rel) if path.suffix == ".xlsx" else read_csv(path, rel)
    if rows is None:
        return None, rel, [], problems
    header_line, header = rows[0] if rows else (1, [])
    columns, sub = _map_columns(header, header_line, rel)
    problems += sub
    if any(p.is_error for p in problems):
        return None, rel, [], problems
    rules = config.eligibility if config else Eligibility()
    if prefixes is None:
        prefixes = load_prefixes(root)[0]
    needed = ["hours"] if rules.min_hours is not None or rules.min_attendance_percent is not None else []
    needed += ["score"] if rules.min_score is not None else []
    missing = [name for name in needed if name not in columns]
    if missing:
        return None, rel, [], problems + [Problem(
            rel, header_line, 0, "roster-missing-column",
            f"the eligibility rules need the column(s) {', '.join(COLUMNS[m][0] + '/' + m for m in missing)}",
            "add the column, or remove the rule from cohort.yml")]
    trainees: list[Trainee] = []
    row_problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in rows[1:]:
        cells = {name: (values[index] if index < len(values) else None, index + 1) for name, index in columns.items()}
        if all(_text(value) == "" for value, _ in cells.values()):
            continue
        trainee, sub = _trainee(line, cells, rel, rules, prefixes, hours_limit(rules, course_minutes))
        row_problems += sub
        if trainee is None:
            continue
        if trainee.key in seen:
            row_problems.append(Problem(rel, line, cells["first_name"][1], "duplicate-trainee",
                                        f"{trainee.full_name} ({trainee.place or 'no village given'}) is listed twice "
                                        f"(first on row {seen[trainee.key]})", "delete one of the rows"))
            continue
        seen[trainee.key] = line
        trainees.append(trainee)
    if not trainees and not row_problems:
        problems.append(Problem(rel, header_line, 0, "roster-empty", "the roster has no trainees",
                                "add one row per trainee under the header row"))
    return trainees, rel, row_problems, problems


def _header_text(value: object) -> str:
    text = "".join(ch for ch in _text(value) if unicodedata.category(ch) != "Cf").strip().lower()
    return " ".join(text.replace("*", "").split())


def _map_columns(header: list[object], line: int, rel: str) -> tuple[dict[str, int], list[Problem]]:
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, value in enumerate(header):
        text = _header_text(value)
        if not text:
            continue
        name = _HEADER_TO_FIELD.get(text)
        if name is None:
            problems.append(Problem(rel, line, index + 1, "roster-unknown-column", f"unknown column '{_text(value)}'",
                                    "it is ignored; known columns are listed in roster/README.md",
                                    severity="warning"))
        elif name in columns:
            problems.append(Problem(rel, line, index + 1, "roster-duplicate-column",
                                    f"column '{_text(value)}' repeats column {columns[name] + 1}",
                                    "keep one of them"))
        else:
            columns[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(Problem(rel, line, 0, "roster-missing-column",
                                    f"the header row has no {COLUMNS[name][0]} ({name}) column",
                                    "the first row must name the columns; see roster/README.md"))
    return columns, problems


def hours_limit(rules: Eligibility, course_minutes: Optional[int]) -> tuple[float, str]:
    """The most hours a trainee can have attended, and where that number comes from.

    The cohort's own course_hours when cohort.yml gives it (the training as it was held, breaks
    and activities included); otherwise the course's modules added up (course/modules/*.md
    durations); 1000 only when neither is known."""
    if rules.course_hours is not None:
        return float(rules.course_hours), "course_hours in cohort.yml"
    if course_minutes:
        return course_minutes / 60, "the course's modules added up"
    return 1000.0, ""


def _trainee(line: int, cells: dict[str, _Cell], rel: str, rules: Eligibility, prefixes: Prefixes,
             hours: tuple[float, str] = (1000.0, "")) -> tuple[Optional[Trainee], list[Problem]]:
    problems: list[Problem] = []

    def bad(name: str, code: str, message: str, hint: str) -> None:
        problems.append(Problem(rel, line, cells[name][1], code, message, hint))

    for name, (value, _) in cells.items():
        if isinstance(value, UncachedFormula):
            bad(name, "roster-formula", f"cell {value.coordinate} holds the formula {value.formula} but no saved result",
                "open the workbook in Excel or LibreOffice and save it (that stores each formula's result), "
                "or type the value itself")
    if problems:
        return None, problems
    text = {name: normalise_name(_text(value)) for name, (value, _) in cells.items()}
    for name in ("first_name", "last_name"):
        raw = _text(cells[name][0])
        if not text[name]:
            bad(name, "missing-name", f"row {line} has no {COLUMNS[name][0]} ({name})", "fill in the trainee's name")
        elif any(unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") for ch in raw):
            bad(name, "bad-name", f"{COLUMNS[name][0]} on row {line} contains control or unassigned characters",
                "retype the name; it may have been pasted from another program")
        elif unicodedata.category(text[name][0]).startswith("M"):
            bad(name, "bad-name", f"{COLUMNS[name][0]} on row {line} starts with a vowel or tone mark "
                                  f"('{text[name][0]}') that needs a letter before it",
                "retype the name; a letter was probably lost when it was copied")
    prefix = prefixes.read(text["prefix"])
    if isinstance(prefix, str) and prefix.startswith("ambiguous:"):
        bad("prefix", "ambiguous-prefix", *_prefix_problem(line, text["prefix"], text["first_name"], prefix, prefixes))
    elif isinstance(prefix, str):
        bad("prefix", "unknown-prefix", *_prefix_problem(line, text["prefix"], text["first_name"], prefix, prefixes))
    numbers = {}
    for name, (limit, source) in (("hours", hours), ("score", (float(rules.max_score), "max_score in cohort.yml"))):
        if name not in cells or not text[name]:
            numbers[name] = None
            continue
        value = _number(cells[name][0])
        if value is None:
            bad(name, "not-a-number", f"{COLUMNS[name][0]} on row {line} is '{text[name]}', not a number",
                "write digits only, e.g. 12 or 12.5")
        elif not 0 <= value <= limit:
            hint = ("check the value, or max_score in cohort.yml" if name == "score" else
                    "check the value; if the training really was longer, set course_hours under eligibility "
                    "in cohort.yml")
            bad(name, "out-of-range", f"{COLUMNS[name][0]} on row {line} is {text[name]}, outside 0–{limit:g}"
                + (f" ({source})" if source else ""), hint)
        numbers[name] = value
    if problems:
        return None, problems
    other = {name: text.get(name, "") for name in ("no", "province", "district", "subdistrict", "village")}
    return Trainee(line, prefix.printed, text["first_name"], text["last_name"], hours=numbers["hours"],
                   score=numbers["score"], name_columns=(cells["first_name"][1], cells["last_name"][1]),
                   prefix_space=prefix.space, wording=prefix.wording, **other), []


def _prefix_problem(line: int, found: str, first_name: str, reason: str, prefixes: Prefixes) -> tuple[str, str]:
    """(message, hint) for a prefix cell that cannot be read."""
    more = "add it to course/prefixes.yml, or to prefixes: in cohort.yml (roster/README.md, \"Prefixes\")"
    if reason == "empty":
        glued = next((p for p in prefixes.all_spellings() if first_name.startswith(p) and len(first_name) > len(p)), "")
        hint = f"the first name starts with '{glued}': move it to the คำนำหน้า column" if glued \
            else "write นาย, นาง, นางสาว or the trainee's title"
        return f"row {line} has no prefix (คำนำหน้า)", hint
    if reason.startswith("ambiguous:"):
        spelling = reason.split(":", 1)[1]
        means = prefixes.ambiguous[spelling]
        return (f"row {line} has the prefix '{found}': '{spelling}' may be {', '.join(means[:-1])} or {means[-1]}",
                "write the rank in full, so the certificate names the right service")
    if reason == "alone":
        return (f"row {line} has the prefix '{found}', which joins นาย/นาง/นางสาว or a monk's title to another title",
                "keep only the title: a rank, an academic title or ดร. replaces นาย, นาง and นางสาว")
    return (f"row {line} has the prefix '{found}', which is not a recognised name prefix",
            f"check the spelling (e.g. นาย, นางสาว, น.ส., ผศ.ดร., ว่าที่ร้อยตรี, พระ); the full list is "
            f"theme/certificate/prefixes.yml; {more}")


_THAI_TO_ASCII = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _number(value: object) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = _text(value).translate(_THAI_TO_ASCII).replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    return float(text)


def not_eligible_reasons(trainee: Trainee, rules: Eligibility) -> list[str]:
    """Why a trainee gets no certificate (Thai, for the staff report); empty when eligible."""
    reasons = []
    if rules.min_hours is not None or rules.min_attendance_percent is not None:
        if trainee.hours is None:
            reasons.append("ไม่มีข้อมูลชั่วโมงอบรม")
        elif rules.min_hours is not None and trainee.hours < rules.min_hours:
            reasons.append(f"อบรม {_fmt(trainee.hours)} ชั่วโมง ไม่ถึงเกณฑ์ {rules.min_hours} ชั่วโมง")
        elif rules.min_attendance_percent is not None:
            percent = 100 * trainee.hours / rules.course_hours
            if percent < rules.min_attendance_percent:
                reasons.append(f"เข้าอบรมร้อยละ {_fmt(round(percent, 1))} ไม่ถึงเกณฑ์ร้อยละ {rules.min_attendance_percent}")
    if rules.min_score is not None:
        if trainee.score is None:
            reasons.append("ไม่มีคะแนนสอบ")
        elif trainee.score < rules.min_score:
            reasons.append(f"คะแนน {_fmt(trainee.score)} ไม่ถึงเกณฑ์ {rules.min_score}")
    return reasons


def _fmt(value: float) -> str:
    return f"{value:g}"
