"""Learning time is learning time: durations, the trainer notes' time boxes, the course total and
the certificate's hours must agree, and breaks never count.

A module's trainer note gives its time box on one line:

    **เวลา 150 นาที (เวลาเรียน ไม่รวมเวลาพัก):** ข่าวปลอมมีหน้าตาอย่างไร 20 นาที, …, แบบทดสอบ 15 นาที

The total must be the module's `duration`, and so must the sum of the parts (the first "N นาที"
of each comma-separated part). A part named as a break (พัก…) is not learning time: it is left out
of the sum, so a duration that counted it no longer adds up.
"""
from __future__ import annotations

import re
from pathlib import Path

from coursebuild.markup import admonition_blocks
from coursebuild.problems import Problem, relpath
from coursebuild.source.load import Course, Module
from coursebuild.source.yamlsource import Located, load_yaml

_DIGITS = "0-9๐-๙"
TIME_BOX = re.compile(rf"\*\*เวลา[ \t]*([{_DIGITS}]+)[ \t]*นาที[^*\n]*:\*\*(.*)$")
_MINUTES = re.compile(rf"([{_DIGITS}]+)[ \t]*นาที")
_BREAK = re.compile("พัก")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _number(text: str) -> int:
    return int(text.translate(_THAI_DIGITS))


def time_box(module: Module) -> tuple[int, int, int, list[tuple[str, int, int]]] | None:
    """(line, column of the total, total, [(part name, minutes, column)]) of the module's time box.

    Breaks are among the parts, marked by their name; the caller leaves them out.
    """
    page = module.page
    for start, block in admonition_blocks(page.body, "trainer"):
        for offset, line in enumerate(block.split("\n")):
            m = TIME_BOX.search(line)
            if not m:
                continue
            parts = []
            at = m.start(2)
            for piece in m.group(2).split(","):
                minutes = _MINUTES.search(piece)
                if minutes:
                    parts.append((piece[:minutes.start()].strip(), _number(minutes.group(1)),
                                  at + minutes.start(1) + 1))
                at += len(piece) + 1
            return page.body_line + start + offset, m.start(1) + 1, _number(m.group(1)), parts
    return None


def module_parts(module: Module) -> list[int] | None:
    """The learning-time parts of a module's time box, breaks left out; None without a time box."""
    box = time_box(module)
    return None if box is None else [minutes for name, minutes, _ in box[3] if not _BREAK.search(name)]


def check_time_boxes(course: Course) -> list[Problem]:
    problems = []
    for module in course.modules:
        box = time_box(module)
        if box is None:
            continue
        line, column, total, parts = box
        duration = module.meta.duration
        path = module.page.path
        if total != duration:
            problems.append(Problem(path, line, column, "time-box-mismatch",
                                    f"the trainer note gives {total} minutes, but duration is {duration}",
                                    "make the trainer note's total and the front matter's duration the same"))
        learning = [(name, minutes, col) for name, minutes, col in parts if not _BREAK.search(name)]
        breaks = [(name, minutes, col) for name, minutes, col in parts if _BREAK.search(name)]
        if sum(m for _, m, _ in learning) != duration:
            first = parts[0][2] if parts else column
            counted = sum(m for _, m, _ in learning)
            sum_text = " + ".join(str(m) for _, m, _ in learning) + f" = {counted}" if len(learning) > 1 \
                else str(counted)
            also = f" (breaks left out: {', '.join(f'{n} {m}' for n, m, _ in breaks)})" if breaks else ""
            problems.append(Problem(path, line, first, "time-box-mismatch",
                                    f"the trainer note's parts add up to {sum_text} minutes{also}, but duration "
                                    f"is {duration}",
                                    "fix the parts or the duration; a break is no learning time, so it is never "
                                    "part of duration"))
    return problems


def course_minutes(course: Course) -> int:
    """The course's learning time: its modules' durations (what the home page shows as the total)."""
    return sum(m.meta.duration for m in course.modules)


def check_course_total(course: Course) -> list[Problem]:
    """The modules must add up to the hours the curriculum requires (course.yml requirements)."""
    requirements = course.config.requirements
    if requirements is None or requirements.min_hours is None:
        return []
    total = course_minutes(course)
    if total >= requirements.min_hours * 60:
        return []
    line, column = config_position(course.root, "requirements", "min_hours")
    return [Problem("course/course.yml", line, column, "course-too-short",
                    f"the modules' durations add up to {_hours(total)}, less than the {requirements.min_hours} "
                    "hours the curriculum requires",
                    "lengthen modules or add one; breaks, registration and ceremonies do not count")]


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} hours {rest} minutes" if rest else f"{hours} hours"


def check_claimed_durations(course: Course) -> list[Problem]:
    """claims.yml's duration entries of a module must say what the module says."""
    if course.claims is None:
        return []
    modules = {m.id: m for m in course.modules}
    problems = []
    for claim in course.claims.claims:
        data = claim.data
        if not data.module:
            if data.total_minutes is not None or data.parts_minutes:
                line, column = claim.field_position("total_minutes" if data.total_minutes is not None
                                                    else "parts_minutes")
                problems.append(_claims_problem(course, line, column,
                                                f"claim '{data.id}' gives minutes but no module",
                                                "add module: <module id> to the entry"))
            continue
        module = modules.get(data.module)
        if module is None:
            line, column = claim.field_position("module")
            problems.append(_claims_problem(course, line, column, f"claim '{data.id}' is about module "
                                            f"'{data.module}', which is not in course.yml",
                                            "use a module id listed in course/course.yml"))
            continue
        if data.total_minutes is not None and data.total_minutes != module.meta.duration:
            line, column = claim.field_position("total_minutes")
            problems.append(_claims_problem(course, line, column,
                                            f"claim '{data.id}' says {data.total_minutes} minutes, but "
                                            f"{module.page.path} has duration {module.meta.duration}",
                                            "re-read the module's time, then correct the register or the module"))
        parts = module_parts(module)
        if data.parts_minutes and parts is not None and data.parts_minutes != parts:
            line, column = claim.field_position("parts_minutes")
            problems.append(_claims_problem(course, line, column,
                                            f"claim '{data.id}' lists parts {data.parts_minutes}, but the trainer "
                                            f"note of {module.page.path} gives {parts}",
                                            "copy the parts from the trainer note, in order, breaks left out"))
    return problems


def _claims_problem(course: Course, line: int, column: int, message: str, hint: str) -> Problem:
    return Problem(course.claims.path, line, column, "claims-duration-mismatch", message, hint, severity="warning")


def check_cohort_hours(course: Course, cohort) -> list[Problem]:
    """The certificate's course hours are the course's learning time, no more and no less.

    More would count breaks (or lessons the course does not have); fewer would let attendance be
    measured against a shorter course than the one certified.
    """
    rules = cohort.config.eligibility
    total = course_minutes(course)
    problems = []
    rel = relpath(cohort.folder / "cohort.yml", course.root)
    for name, hours in (("course_hours", rules.course_hours), ("min_hours", rules.min_hours)):
        if hours is None:
            continue
        wrong = hours * 60 != total if name == "course_hours" else hours * 60 > total
        if wrong:
            line, column = _position(cohort.folder / "cohort.yml", "eligibility", name)
            problems.append(Problem(
                rel, line, column, "cohort-course-hours",
                f"eligibility {name} is {hours}, but the course's learning time is {_hours(total)}",
                "course_hours is the modules' durations added up (what the home page shows), breaks left out"
                if name == "course_hours" else "min_hours cannot be more than the course's learning time"))
    return problems


def config_position(root: Path, *keys: str, at_key: bool = False) -> tuple[int, int]:
    """Where a nested key's value (or, `at_key`, the key itself) is written in course.yml."""
    return _position(root / "course" / "course.yml", *keys, at_key=at_key)


def _position(path: Path, *keys: str, at_key: bool = False) -> tuple[int, int]:
    """Where a nested key's value is written in a YAML file (1, 1 if it cannot be read)."""
    try:
        tree, _ = load_yaml(path.read_text(encoding="utf-8-sig"), path.name)
    except (OSError, UnicodeDecodeError):
        return 1, 1
    item: Located | None = tree
    for key in keys:
        item = item.value.get(key) if item is not None and isinstance(item.value, dict) else None
    if item is None:
        return 1, 1
    if at_key and item.key_line:
        return item.key_line, item.key_column
    return item.line, item.column
