"""Thai conventions: Buddhist Era dates, Thai numerals and name normalisation."""
from __future__ import annotations

import datetime as dt
import unicodedata

MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
          "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
MONTHS_SHORT = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
BE_OFFSET = 543
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def thai_digits(text: str) -> str:
    """'11 มีนาคม 2565' → '๑๑ มีนาคม ๒๕๖๕'."""
    return text.translate(_THAI_DIGITS)


def buddhist_year(date: dt.date) -> int:
    return date.year + BE_OFFSET


def thai_date(date: dt.date, numerals: bool = False, short: bool = False, era: bool = False) -> str:
    """'11 มีนาคม 2565'; with era=True '11 มีนาคม พ.ศ. 2565'; short: '11 มี.ค. 2565'."""
    month = (MONTHS_SHORT if short else MONTHS)[date.month - 1]
    text = f"{date.day} {month} {'พ.ศ. ' if era else ''}{buddhist_year(date)}"
    return thai_digits(text) if numerals else text


def number(value: int | str, numerals: bool = False) -> str:
    text = str(value)
    return thai_digits(text) if numerals else text


def normalise_name(name: str) -> str:
    """A canonical form of a person's name for hashing and duplicate checks.

    NFC, ำ typed as ํ + า joined, invisible characters dropped, whitespace collapsed.
    """
    text = unicodedata.normalize("NFC", name)
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())
