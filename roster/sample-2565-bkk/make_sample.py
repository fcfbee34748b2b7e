#!/usr/bin/env python3
"""Write trainees.csv for the sample cohort: SYNTHETIC people, made from Thai name parts.

No row is a real person. The same seed always gives the same file, so the sample and the
numbers in numbers.csv stay stable. bench/certificates.py imports `make_trainees` to make
bigger rosters.

    .venv/bin/python roster/sample-2565-bkk/make_sample.py          # rewrites trainees.csv
"""
from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

HEADER = ["ลำดับ", "คำนำหน้า", "ชื่อ", "นามสกุล", "จังหวัด", "อำเภอ", "ตำบล", "หมู่บ้าน", "ชั่วโมงอบรม", "คะแนน"]

MALE = ["ธนากร", "ณัฐวุฒิ", "กิตติพงษ์", "วีระพงษ์", "อนุชา", "ประเสริฐ", "สุริยา", "ชัยวัฒน์", "พงศกร",
        "ภานุวัฒน์", "ศุภชัย", "อภิสิทธิ์", "จิรายุ", "ธีรเดช", "วรวุฒิ", "เกียรติศักดิ์", "ปิยะพงษ์", "ก้องภพ"]
FEMALE = ["สุภาพร", "กาญจนา", "วิไลวรรณ", "ปวีณา", "ศิริพร", "อรอุมา", "ณัฐธิดา", "พิมพ์ชนก", "รัตนาภรณ์",
          "จันทร์เพ็ญ", "นภัสสร", "กมลชนก", "ชุติมา", "ธิดารัตน์", "วราภรณ์", "เพ็ญศรี", "ขวัญใจ", "ปิ่นมณี"]
LAST = ["ใจงาม", "ศรีสุข", "รักษ์ถิ่น", "บุญมา", "แก้วประเสริฐ", "ทองคำ", "สุขสวัสดิ์", "วงศ์ใหญ่", "พึ่งบุญ",
        "เพ็ชรรัตน์", "ชื่นบาน", "กิ่งแก้ว", "นาคสุข", "คำแสน", "ศรีวงศ์", "มั่นคง", "อินทร์แก้ว", "ดวงดี",
        "สายทอง", "บัวขาว", "จันทร์หอม", "เรืองศรี", "พรหมมา", "ศักดิ์ดี", "หอมจันทร์", "ปัญญาดี", "ใฝ่เรียน",
        "น้ำใจดี", "ทุ่งทอง", "ภูผาเงิน"]
# Provinces are real; each district is the province's own อำเภอเมือง. The subdistrict and village
# names are common Thai place words combined at random: not real addresses.
PROVINCES = ["เชียงใหม่", "ขอนแก่น", "นครราชสีมา", "สงขลา", "อุบลราชธานี", "พิษณุโลก", "ชลบุรี",
             "นครศรีธรรมราช", "อุดรธานี", "ลำปาง"]
SUBDISTRICTS = ["หนองบัว", "ดอนแก้ว", "โนนสูง", "ท่าช้าง", "ป่าตึง", "นาดี", "ห้วยทราย", "โคกกลาง"]
VILLAGES = ["บ้านหนองบัว", "บ้านดอนแก้ว", "บ้านโนนสว่าง", "บ้านท่าข้าม", "บ้านป่าสัก", "บ้านนาเหนือ",
            "บ้านห้วยทราย", "บ้านโคกเจริญ", "บ้านใหม่พัฒนา", "บ้านสันติสุข", "บ้านทุ่งรวงทอง", "บ้านหนองแวง"]

# Deliberately hard names, each testing one thing in shaping, normalising or fitting.
TRICKY = [
    ("นางสาว", "น้ำผึ้ง", "กุ้งนาง"),  # a tone mark stacked over ำ and over a vowel
    ("นาง", "ฤทัย", "พฤกษ์ชาติ"),  # ฤ
    ("เด็กหญิง", "ปิ่นแก้ว", "ชื่นชมยิ่ง"),  # stacked upper vowel + tone mark
    ("ด.ช.", "คํานึง", "ลําดวน"),  # ำ typed as ํ + า: normalised to ำ
    ("นาย", "สุข\u200bใจ", "ดีงาม"),  # a zero-width space pasted in: dropped
    ("น.ส.", "แก้วใจ", "งามๆ"),  # ๆ (ไม้ยมก)
    ("นาย", "John", "Smith"),  # Latin letters
    ("นางสาว", "กัลยาณมิตรศรีสวัสดิ์วัฒนาพร",
     "เจริญรุ่งเรืองพิพัฒน์มงคลชัยศรีสุวรรณ"),  # very long: printed smaller
]
# Every other trainee attended the whole course: 18 hours of learning time, as cohort.yml's
# course_hours (the modules' durations added up; breaks are no learning time).
COURSE_HOURS = 18
# (row index, hours, score) of trainees who are not eligible: too few hours (half the course),
# low score, no score.
INELIGIBLE = {41: (9, 85), 95: (COURSE_HOURS, 48), 163: (COURSE_HOURS, None)}


def make_trainees(n: int, seed: int = 2565, tricky: bool = True) -> list[list[str]]:
    """n synthetic rows (without the header), all with different names and villages."""
    rng = random.Random(seed)
    firsts = len(MALE) + len(FEMALE)
    space = firsts * len(LAST) * len(VILLAGES) * len(PROVINCES)
    if n > space:
        raise ValueError(f"at most {space} distinct synthetic trainees")
    rows = []
    for i, code in enumerate(rng.sample(range(space), n)):
        code, first = divmod(code, firsts)
        code, last = divmod(code, len(LAST))
        province, village = divmod(code, len(VILLAGES))
        male = first < len(MALE)
        name = MALE[first] if male else FEMALE[first - len(MALE)]
        child = rng.random() < 0.25
        if child:
            prefix = rng.choice(["เด็กชาย", "ด.ช."] if male else ["เด็กหญิง", "ด.ญ."])
        else:
            prefix = "นาย" if male else rng.choice(["นางสาว", "น.ส.", "นาง"])
        hours, score = COURSE_HOURS, rng.randint(62, 100)
        if tricky and i in INELIGIBLE:
            hours, score = INELIGIBLE[i]
        p = PROVINCES[province]
        rows.append([str(i + 1), prefix, name, LAST[last], p, f"เมือง{p}", SUBDISTRICTS[(first + last) % len(SUBDISTRICTS)],
                     VILLAGES[village], str(hours), "" if score is None else str(score)])
    if tricky:
        for j, (prefix, first, last) in enumerate(TRICKY):
            row = rows[10 + j * 20]
            row[1:4] = [prefix, first, last]
    return rows


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")  # as Excel writes it
        writer.writerow(HEADER)
        writer.writerows(rows)


if __name__ == "__main__":
    target = Path(__file__).with_name("trainees.csv")
    write_csv(target, make_trainees(180))
    sys.stdout.write(f"wrote {target}\n")
