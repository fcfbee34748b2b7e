"""Thai search preparation without a browser: how the index is cut, the spellings file, the index
made from the built pages.

The browser side (what a trainee's query finds) is in test_search_browser.py.
"""
from __future__ import annotations

import re

import pytest
from conftest import ROOT, SAMPLE, build, copy_course

from coursebuild.render.site.search import (
    ZWSP,
    ThaiSegmenter,
    icu_words,
    load_search_words,
)
from coursebuild.render.site.search_index import page_sections, read_search_index


@pytest.fixture(scope="module")
def cutter() -> ThaiSegmenter:
    return ThaiSegmenter()


def tokens(cutter: ThaiSegmenter, text: str) -> list[str]:
    return cutter.segment(text).split(ZWSP)


@pytest.mark.parametrize("phrase, expected", [
    # The words, from inside unspaced phrases: each must be a token of its own.
    ("รู้เท่าทันข่าวปลอม", ["รู้", "เท่า", "ทัน", "ข่าว", "ปลอม"]),
    ("อาสาสมัครดิจิทัลประจำหมู่บ้าน", ["อาสา", "สมัคร", "ดิจิทัล", "ประจำ", "หมู่บ้าน"]),
    ("กลุ่มเยาวชนในตำบล", ["กลุ่ม", "เยาวชน", "ใน", "ตำบล"]),
    # newmm alone reads บอ|กว่า and หลอ|กลวง here; ICU's reading is the one a phone types.
    ("เพจไม่ได้บอกว่าเป็นของจริง", ["เพจ", "ไม่", "ได้", "บอก", "ว่า", "เป็น", "ของ", "จริง"]),
    ("การหลอกลวงแบบนี้", ["การ", "หลอก", "ลวง", "แบบ", "นี้"]),
])
def test_words_inside_unspaced_phrases_become_tokens(cutter, phrase, expected):
    assert tokens(cutter, phrase) == expected


def test_loanword_icu_cuts_into_non_words_keeps_newmm_reading(cutter):
    # ICU's word list lacks เฟซบุ๊ก and reads ลงเฟ|ซบุ๊ก: pieces nobody types. newmm knows the word.
    assert tokens(cutter, "โพสต์ลงเฟซบุ๊ก") == ["โพสต์", "ลง", "เฟซบุ๊ก"]
    assert tokens(cutter, "ซิมการ์ดใหม่") == ["ซิม", "การ์ด", "ใหม่"]


def test_newmm_words_inside_an_icu_word_are_cut_too(cutter):
    # ICU keeps ไม่ใช่ whole; newmm reads ไม่|ใช่, and "ใช่" must be findable.
    assert tokens(cutter, "ไม่ใช่ของจริง") == ["ไม่", "ใช่", "ของ", "จริง"]


def test_course_words_teach_the_cutter():
    # A loanword neither word list has: ICU reads pieces that are no words, newmm needs the entry.
    assert tokens(ThaiSegmenter(), "เปิดติ๊กต็อก") == ["เปิด", "ติ๊ก", "ต็อก"]
    assert tokens(ThaiSegmenter(frozenset({"ติ๊กต็อก"})), "เปิดติ๊กต็อก") == ["เปิด", "ติ๊กต็อก"]


def test_thai_touching_latin_or_digits_is_cut_and_markup_is_kept(cutter):
    assert cutter.segment("<li>1ก้าวแรก</li>") == f"<li>1{ZWSP}ก้าว{ZWSP}แรก</li>"
    assert cutter.segment('ดาวน์โหลดแอปThaiD <a href="x">ลิงก์</a>') == (
        f'ดาวน์โหลด{ZWSP}แอป{ZWSP}ThaiD <a href="x">ลิงก์</a>')
    assert cutter.segment("Fake news (PDF) 1441") == "Fake news (PDF) 1441"


@pytest.mark.parametrize("run, icu", [
    # What Chromium's Intl.Segmenter (ICU 78) says for these; our port of ICU's algorithm must agree.
    ("ศูนย์ต่อต้านข่าวปลอม", ["ศูนย์", "ต่อ", "ต้าน", "ข่าว", "ปลอม"]),
    ("ขอความช่วยเหลือ", ["ขอ", "ความ", "ช่วย", "เหลือ"]),
    ("ความคิดเห็นทางการเมือง", ["ความ", "คิด", "เห็น", "ทางการ", "เมือง"]),
    ("จากร้านอื่นมาใช้", ["จาก", "ร้าน", "อื่น", "มา", "ใช้"]),
    ("เร็วๆนี้", ["เร็วๆ", "นี้"]),
])
def test_icu_port_reads_like_chromium(cutter, run, icu):
    assert icu_words(run, cutter._icu) == icu


def test_spelling_groups_and_words_load_from_the_course_file():
    words, problems = load_search_words(SAMPLE)
    assert problems == []
    groups = {g.spelling: g.variants for g in words.groups}
    assert "ดิจิตอล" in groups["ดิจิทัล"]
    assert {"แอพ", "แอพพลิเคชั่น"} <= set(groups["แอป"])
    assert "อินเตอร์เน็ต" in groups["อินเทอร์เน็ต"]
    assert {"เวปไซต์", "เว็ปไซต์"} <= set(groups["เว็บไซต์"])
    assert "ไลน์" in groups["LINE"]
    assert {"Facebook", "เฟสบุ๊ค"} <= set(groups["เฟซบุ๊ก"])
    assert "ติ๊กต็อก" in words.words


def test_search_groups_are_derived_from_the_terms_file_as_its_header_says(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "terms.yml").write_text(
        "terms:\n"
        "  - term: แอป\n"
        "    group: app\n"
        "    misspellings: [แอพ]\n"
        "  - term: แอปพลิเคชัน\n"
        "    group: app\n"
        "    misspellings: [แอพพลิเคชั่น]\n"
        "  - term: ThaID\n"
        "    misspellings: [ThaiD, Thai ID]\n"  # same letters to search, and a space: lint-only
        "    synonyms: [ไทยดี]\n"
        "  - term: ดิจิทัล\n"  # no other spelling: nothing for search
        "words: [ติ๊กต็อก]\n", encoding="utf-8")
    words, problems = load_search_words(tmp_path)
    assert problems == []
    assert [(g.spelling, g.variants) for g in words.groups] == [
        ("แอป", ("แอปพลิเคชัน", "แอพ", "แอพพลิเคชั่น")), ("ThaID", ("ไทยดี",))]
    assert words.words == {"ติ๊กต็อก"}


def test_mistakes_in_the_terms_file_point_at_their_line(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "terms.yml").write_text(
        "terms:\n"
        "  - term: แอป\n"
        "    misspellings: [แอพ]\n"
        "  - term: แอปพลิเคชัน\n"
        "    misspellings: [แอพ]\n"
        "  - term: LINE\n"
        "  - term: line\n"
        "    synonym: [ไลน์]\n"
        "words:\n"
        "  - ThaiD\n", encoding="utf-8")
    words, problems = load_search_words(tmp_path)
    found = {(p.line, p.code) for p in problems}
    assert found == {(5, "terms-duplicate"), (7, "terms-duplicate"), (8, "unknown-field"), (10, "terms-word")}
    assert all(p.path == "course/terms.yml" for p in problems)


def test_build_cuts_the_index_and_puts_the_spellings_in_it(tmp_path, site_engine):
    root = copy_course("minimal", tmp_path)
    (root / "course" / "terms.yml").write_text("terms:\n  - term: แอป\n    misspellings: [แอพ]\n", encoding="utf-8")
    assert build(root, "site", engine=site_engine) == 0
    index = read_search_index(root / "site")
    docs = {index["pages"][d["p"]]["u"] + ("#" + d["a"] if d["a"] else ""): d for d in index["docs"]}
    assert f"ข่าว{ZWSP}ปลอม" in docs["modules/fake-news/#check"]["x"]
    assert docs["modules/fake-news/#check"]["t"] == f"ตรวจ{ZWSP}สอบ{ZWSP}ก่อน{ZWSP}แชร์"  # as ICU cuts it
    # Quiz questions, choices and explanations are in the index, under the quiz page.
    quiz = docs["quiz/first-steps/"]["x"].replace(ZWSP, "")
    assert "ขอรหัสผ่านของเพื่อนบ้าน" in quiz and "ห้ามขอรหัสผ่านของผู้อื่นเด็ดขาด" in quiz
    assert index["groups"] == [["แอป", "แอพ"]]
    # Not in search: the progress page (search: exclude), trainer notes, the permalink signs.
    assert "progress/" not in [page["u"] for page in index["pages"]]
    text = " ".join(d["t"] + " " + d["x"] for d in index["docs"])
    assert "ความลับของวิทยากร" not in text.replace(ZWSP, "") and "¶" not in text


def test_sections_follow_headings_and_keep_words_whole():
    html = """<html><body><nav>เมนู</nav><article class="md-content__inner md-typeset">
    <h1 id="x">บท<b>เรียน</b><a class="headerlink" href="#x">&para;</a></h1>
    <p>ข่าว<strong>ปลอม</strong>ระบาด</p><p>ย่อหน้า</p><script>var x = "ไม่ใช่เนื้อหา";</script>
    <h2 id="check">ตรวจสอบ</h2><ul><li>หนึ่ง</li><li>สอง</li></ul>
    <div data-search-exclude>ซ่อน</div><h3>ไม่มี id</h3><p>ต่อ</p>
    </article><footer>ท้าย</footer></body></html>"""
    assert page_sections(html) == [
        ("", "บทเรียน", "ข่าวปลอมระบาด ย่อหน้า"),
        ("check", "ตรวจสอบ", "หนึ่ง สอง ไม่มี id ต่อ"),
    ]
    assert page_sections("<html><body><p>no article</p></body></html>") is None


def test_pages_that_do_not_load_the_search_are_refused(tmp_path, capsys):
    import shutil

    root = copy_course("minimal", tmp_path)
    shutil.copytree(ROOT / "theme", root / "theme")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(re.sub(r"(?m)^  - assets/search\.js\n", "", config), encoding="utf-8")
    assert build(root, "site") == 1
    line = (root / "mkdocs.yml").read_text(encoding="utf-8").split("\n").index("extra_javascript:") + 2
    assert f"mkdocs.yml:{line}:3: error[search-config]: the pages do not load assets/search.js" in (
        capsys.readouterr().out)
