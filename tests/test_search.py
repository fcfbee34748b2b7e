"""Thai search preparation without a browser: how the index is cut, the spellings file, the build.

The browser side (what a trainee's query finds) is in test_search_browser.py.
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT, build, copy_course

from coursebuild.problems import ContentError
from coursebuild.render.site.search import (
    SCRIPT_MARKER,
    ZWSP,
    ThaiSegmenter,
    icu_words,
    load_search_words,
    prepare_search_index,
)


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
    words, problems = load_search_words(ROOT)
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


def test_build_cuts_the_index_and_puts_spellings_in_the_query_script(tmp_path):
    root = copy_course("minimal", tmp_path)
    (root / "course" / "terms.yml").write_text("terms:\n  - term: แอป\n    misspellings: [แอพ]\n", encoding="utf-8")
    assert build(root, "site") == 0
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {d["location"]: d for d in index["docs"]}
    assert f"ข่าว{ZWSP}ปลอม" in docs["modules/fake-news/#check"]["text"]
    # Quiz questions, choices and explanations are in the index, under the quiz page.
    quiz = docs["quiz/first-steps/"]["text"].replace(ZWSP, "")
    assert "ขอรหัสผ่านของเพื่อนบ้าน" in quiz and "ห้ามขอรหัสผ่านของผู้อื่นเด็ดขาด" in quiz
    script = (root / "site" / "assets" / "thai-search.js").read_text(encoding="utf-8")
    assert SCRIPT_MARKER not in script
    assert 'var GROUPS = [["แอป","แอพ"]];' in script


def fake_site(tmp_path: Path, separator: str, lang: list[str]) -> Path:
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "search" / "search_index.json").write_text(json.dumps(
        {"config": {"lang": lang, "separator": separator}, "docs": [{"location": "", "title": "ข่าวปลอม", "text": ""}]}))
    (site / "assets" / "thai-search.js").write_text(f"var GROUPS = {SCRIPT_MARKER};")
    (site / "index.html").write_text('<script src="assets/thai-search.js"></script>')
    return site


@pytest.mark.parametrize("separator, lang", [(r"[\s\-]+", ["en"]), (r"[\s\u200b\-]+", ["th"])])
def test_build_refuses_a_search_setup_that_would_not_find_thai(tmp_path, separator, lang):
    # Without U+200B in the separator the cut index is one long token per phrase; with lang th the
    # page downloads lunr's wordcut dictionary again. Either way: stop, and say where to fix it.
    site = fake_site(tmp_path, separator, lang)
    with pytest.raises(ContentError) as failure:
        prepare_search_index(SimpleNamespace(root=tmp_path), site)
    assert [(p.path, p.code) for p in failure.value.problems] == [("mkdocs.yml", "search-config")]


def test_build_accepts_our_search_setup(tmp_path):
    site = fake_site(tmp_path, r"[\s\u200b\-]+", ["en"])
    prepare_search_index(SimpleNamespace(root=tmp_path), site)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"][0]["title"] == f"ข่าว{ZWSP}ปลอม"
