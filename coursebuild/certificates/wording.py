"""What the certificate says: the fixed lines (organisers, course, cohort and dates) in Thai."""
from __future__ import annotations

import datetime as dt

from coursebuild import thai
from coursebuild.certificates.roster import Cohort


def date_range(start: dt.date, end: dt.date, numerals: bool) -> str:
    if start == end:
        text = thai.thai_date(start)
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}–{thai.thai_date(end)}"
    elif start.year == end.year:
        text = f"{start.day} {thai.MONTHS[start.month - 1]} – {thai.thai_date(end)}"
    else:
        text = f"{thai.thai_date(start)} – {thai.thai_date(end)}"
    return thai.thai_digits(text) if numerals else text


def fixed_texts(course, cohort: Cohort) -> dict[str, str]:
    names = [o.name for o in cohort.config.organisers]
    organisers = names[0] + (" ร่วมกับ " + " และ".join(names[1:]) if len(names) > 1 else "")
    when = "อบรมเมื่อวันที่" if cohort.start == cohort.end else "อบรมระหว่างวันที่"
    dates = date_range(cohort.start, cohort.end, cohort.numerals)
    line = f"{cohort.config.title} {when} {dates} ณ {cohort.config.venue}"
    return {"organisers": organisers, "course": course.config.title,
            "cohort": thai.thai_digits(line) if cohort.numerals else line}
