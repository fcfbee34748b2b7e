"""Quiz export (issue 17): Moodle XML, GIFT and Open edX OLX, each read back and compared with the YAML.

Every exported file is parsed by the readers in export_readers.py, which follow the importers'
rules (Moodle's qformat_xml and qformat_gift, the OLX course tree), and compared field by field with
the quiz YAML: every question, choice, credit, piece of feedback and explanation. Thai text is
compared byte for byte after Unicode NFC. One golden file per format comes from the small
tests/fixtures/export course, whose quiz holds every character the formats give a meaning to.
"""
from __future__ import annotations

import html
import os
import re
import unicodedata
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from conftest import build, copy_course
from export_readers import (
    html_events,
    inner_xml,
    read_gift,
    read_moodle,
    read_olx,
    text_content,
)

from coursebuild.checks import load_checked_course
from coursebuild.export.gift import gift_escape
from coursebuild.export.moodle import cdata
from coursebuild.export.xhtml import append_html
from coursebuild.markup import render_inline, render_markdown
from coursebuild.source.load import Course, Quiz
from coursebuild.source.model import Question

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "export"
EPOCH = "1646960400"  # 2022-03-11, the sample cohort's first day


def moodle_grades() -> list[Fraction]:
    """Moodle's grade list, from its definition (question_bank::ensure_fraction_options_initialised)."""
    grades = {Fraction(p, q) for q in range(1, 7) for p in range(q + 1)}
    grades |= {Fraction(p, 10) for p in range(11)} | {Fraction(1, q) for q in range(1, 11)} | {Fraction(1, 20)}
    return sorted(grades | {-g for g in grades})


GRADES = moodle_grades()


def moodle_accepts(percent: str) -> bool:
    """What match_grade_options('error') accepts: within 0.00001 of a listed grade."""
    return any(abs(float(percent) / 100 - float(g)) < 0.00001 for g in GRADES)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def thai_runs(text: str) -> list[str]:
    return re.findall(r"[\u0E00-\u0E7F]+", nfc(text))


def assert_thai_survives(source: str, exported_html: str) -> None:
    """Every run of Thai letters of the YAML text is in the exported text, byte for byte after NFC."""
    content = nfc(text_content(exported_html))
    for run in thai_runs(source):
        assert run in content, f"{run!r} lost from {content!r}"


class Expected:
    """What the YAML says a question should look like in any format: rendered with the site's Markdown."""

    def __init__(self, course: Course, quiz: Quiz, question: Question):
        root = course.root
        self.q = question
        self.name = f"{quiz.module}/{question.id}"
        self.prompt = str(render_inline(root, question.prompt))
        self.explanation = render_markdown(root, question.explanation).strip()
        self.feedback = [str(render_inline(root, c.feedback)) if c.feedback else "" for c in question.choices]
        right = sum(c.correct for c in question.choices)
        wrong = len(question.choices) - right
        if question.type == "multiple":
            self.credit = [Fraction(100, right) if c.correct else -Fraction(100, wrong) for c in question.choices]
        else:
            self.credit = [Fraction(100) if c.correct else Fraction(0) for c in question.choices]
        texts = {c.text for c in question.choices}
        self.truefalse = question.type == "true_false" and texts == {"ถูก", "ผิด"}
        self.image = None
        if question.image:
            self.image = (quiz.source.parent / question.image.src).read_bytes()

    def check_texts(self, prompt: str, explanation: str, feedback: list[str]) -> None:
        assert_thai_survives(self.q.prompt, prompt)
        assert_thai_survives(self.q.explanation, explanation)
        for choice, text in zip(self.q.choices, feedback):
            assert_thai_survives(choice.feedback, text)


def exported(root: Path, monkeypatch) -> tuple[Course, Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert build(root, "export") == 0
    course, problems = load_checked_course(root)
    assert course is not None, problems
    return course, root / "dist" / "export"


# --- readers against the YAML -------------------------------------------------------------------

def check_moodle(course: Course, out: Path) -> int:
    checked = 0
    for quiz in course.quizzes.values():
        data = read_moodle((out / "moodle" / f"{quiz.module}.xml").read_bytes())
        title = quiz.data.title.replace("/", "//")
        assert data.category == f"$course$/top/{course.config.title}/{title}"
        assert data.category_idnumber == quiz.module
        assert f"เกณฑ์ผ่านร้อยละ {quiz.pass_mark}" in data.category_info and quiz.data.title in html.unescape(
            data.category_info)
        assert [q.name for q in data.questions] == [f"{quiz.module}/{q.id}" for q in quiz.data.questions]
        for q, got in zip(quiz.data.questions, data.questions):
            want = Expected(course, quiz, q)
            assert got.idnumber == want.name
            assert got.generalfeedback == want.explanation
            prompt = got.questiontext
            if want.image is not None:
                name, = got.files
                assert got.files[name] == want.image
                prompt, _, picture = prompt.partition("<p><img ")
                assert f'src="@@PLUGINFILE@@/{name}"' in picture
                assert f'alt="{html.escape(q.image.alt)}"' in picture
            else:
                assert got.files == {}
            assert prompt == want.prompt
            if want.truefalse:
                assert got.type == "truefalse"
                by_text = {c.text: (c, fb) for c, fb in zip(q.choices, want.feedback)}
                answers = {a.text: a for a in got.answers}
                assert set(answers) == {"true", "false"}
                for text, said in (("ถูก", "true"), ("ผิด", "false")):
                    choice, feedback = by_text[text]
                    assert answers[said].fraction == ("100" if choice.correct else "0")
                    assert answers[said].feedback == feedback
                got_feedback = [answers["true" if c.text == "ถูก" else "false"].feedback for c in q.choices]
            else:
                assert got.type == "multichoice"
                assert got.single == ("false" if q.type == "multiple" else "true")
                assert len(got.answers) == len(q.choices)
                for choice, answer, credit, feedback in zip(q.choices, got.answers, want.credit, want.feedback):
                    assert answer.format == "html"
                    assert nfc(html.unescape(answer.text)) == nfc(choice.text)
                    assert abs(float(answer.fraction) - float(credit)) < 0.001 and moodle_accepts(answer.fraction)
                    assert answer.feedback == feedback
                positive = sum(float(a.fraction) for a in got.answers if float(a.fraction) > 0)
                assert round(positive, 2) == 100  # Moodle: "the positive grades must add up to 100%"
                got_feedback = [a.feedback for a in got.answers]
            want.check_texts(prompt, got.generalfeedback, got_feedback)
            checked += 1
    return checked


def check_gift(course: Course, out: Path) -> int:
    checked = 0
    for quiz in course.quizzes.values():
        data = read_gift((out / "gift" / f"{quiz.module}.txt").read_text(encoding="utf-8"))
        assert data.category == f"$course$/top/{course.config.title}/{quiz.data.title.replace('/', '//')}"
        assert any(f"เกณฑ์ผ่านร้อยละ {quiz.pass_mark}" in c for c in data.comments)
        assert [q.name for q in data.questions] == [f"{quiz.module}/{q.id}" for q in quiz.data.questions]
        for q, got in zip(quiz.data.questions, data.questions):
            want = Expected(course, quiz, q)
            assert got.questiontext.format == "html"
            assert got.generalfeedback == want.explanation
            prompt = got.questiontext.text
            if want.image is not None:
                prompt, _, picture = prompt.partition("<p><img ")
                site = course.config.site_url
                assert re.search(rf'src="{re.escape(site)}images/[^"]+"', picture)
            assert prompt == want.prompt
            if want.truefalse:
                assert got.type == "truefalse"
                right = next(c for c in q.choices if c.correct)
                assert got.correct == (right.text == "ถูก")
                feedback = dict(zip((c.text for c in q.choices), want.feedback))
                assert (got.feedback_true, got.feedback_false) == (feedback["ถูก"], feedback["ผิด"])
                got_feedback = [got.feedback_true if c.text == "ถูก" else got.feedback_false for c in q.choices]
            else:
                assert got.type == "multichoice" and got.single == (q.type != "multiple")
                assert len(got.answers) == len(q.choices)
                for choice, (fraction, text, feedback), credit, want_feedback in zip(
                        q.choices, got.answers, want.credit, want.feedback):
                    assert nfc(html.unescape(text)) == nfc(choice.text)
                    assert abs(fraction * 100 - float(credit)) < 0.001 and moodle_accepts(str(fraction * 100))
                    assert feedback == want_feedback
                got_feedback = [a[2] for a in got.answers]
            want.check_texts(prompt, got.generalfeedback, got_feedback)
            checked += 1
    return checked


def check_olx(course: Course, out: Path) -> int:
    (archive,) = (out / "olx").iterdir()
    assert archive.name == f"{course.config.id}.tar.gz"
    data = read_olx(archive.read_bytes())
    assert [m.name for m in data.members] == sorted(m.name for m in data.members)
    assert all(m.uid == 0 and m.gid == 0 and m.uname == "" and m.mtime == int(EPOCH) for m in data.members)
    assert data.title == course.config.title
    assert data.grading["GRADE_CUTOFFS"] == {"Pass": course.config.pass_mark / 100}
    assert data.grading["GRADER"][0]["min_count"] == len(course.quizzes)
    modules = [m for m in course.modules if m.id in course.quizzes]
    assert [q.module for q in data.quizzes] == [m.id for m in modules]
    checked = 0
    for module, got_quiz in zip(modules, data.quizzes):
        quiz = course.quizzes[module.id]
        number = course.modules.index(module) + 1
        assert got_quiz.chapter == f"{number}. {module.meta.title}"
        assert (got_quiz.title, got_quiz.graded) == (quiz.data.title, "true")
        assert f"เกณฑ์ผ่านร้อยละ {quiz.pass_mark}" in got_quiz.intro_html
        assert [p.url_name for p in got_quiz.problems] == [f"{quiz.module}_{q.id}" for q in quiz.data.questions]
        for index, (q, problem) in enumerate(zip(quiz.data.questions, got_quiz.problems), 1):
            want = Expected(course, quiz, q)
            element = problem.element
            assert problem.display_name == f"ข้อ {index}"
            multiple = q.type == "multiple"
            response = element.find("choiceresponse" if multiple else "multiplechoiceresponse")
            assert response is not None and len(element.findall("*response")) == 0
            if want.image is not None:
                img = element.find("p/img")
                assert img.get("alt") == q.image.alt
                assert data.files[f"course{img.get('src')}"] == want.image  # /static/x.svg
            label = response.find("label")
            assert html_events(inner_xml(label)) == html_events(want.prompt)
            group = response.find("checkboxgroup" if multiple else "choicegroup")
            choices = group.findall("choice")
            assert len(choices) == len(q.choices)
            got_feedback = []
            for choice, got, feedback in zip(q.choices, choices, want.feedback):
                assert got.get("correct") == ("true" if choice.correct else "false")
                assert nfc(got.text) == nfc(choice.text)
                hints = got.findall("choicehint")
                if feedback:
                    (hint,) = hints
                    assert hint.get("selected") == ("true" if multiple else None)
                    assert html_events(inner_xml(hint)) == html_events(feedback)
                    got_feedback.append(inner_xml(hint))
                else:
                    assert hints == []
                    got_feedback.append("")
            detail = response.find("solution/div")
            assert detail.get("class") == "detailed-solution" and detail[0].text == "คำอธิบาย"
            detail.remove(detail[0])
            assert html_events(inner_xml(detail)) == html_events(want.explanation)
            want.check_texts(inner_xml(label), inner_xml(detail), got_feedback)
            checked += 1
    return checked


@pytest.mark.parametrize("fixture", ["export", "minimal", "unicode"])
def test_every_export_reads_back_as_the_yaml(fixture, tmp_path, monkeypatch):
    course, out = exported(copy_course(fixture, tmp_path), monkeypatch)
    total = sum(len(q.data.questions) for q in course.quizzes.values())
    assert check_moodle(course, out) == check_gift(course, out) == check_olx(course, out) == total


def test_build_export_writes_all_three_formats_for_the_nine_quizzes(tmp_path, monkeypatch, capsys):
    course, out = exported(copy_course("sample", tmp_path), monkeypatch)
    assert len(course.quizzes) == 9
    assert sorted(p.name for p in (out / "moodle").iterdir()) == sorted(f"{m}.xml" for m in course.quizzes)
    assert sorted(p.name for p in (out / "gift").iterdir()) == sorted(f"{m}.txt" for m in course.quizzes)
    total = sum(len(q.data.questions) for q in course.quizzes.values())
    assert check_moodle(course, out) == check_gift(course, out) == check_olx(course, out) == total
    assert "export: olx: 1 file(s) for 9 quiz(zes) → dist/export/olx/" in capsys.readouterr().out


# --- the formats' special characters -------------------------------------------------------------

def test_gift_escapes_every_special_character_in_thai_and_latin():
    text = "ข้อ {๑}: ~ก~ = #แท็ก \\ C:\\new {a} b=c #d ~e"
    escaped = gift_escape(text)
    assert not re.search(r"(?<!\\)[~=#{}:]", escaped.replace("\\\\", ""))
    block = f"::q::[html]{escaped}{{\n=ถูก\n~{escaped}#{escaped}\n####{escaped}\n}}\n"
    (question,) = read_gift(block).questions
    assert question.questiontext.text == question.answers[1][1] == question.answers[1][2] == text
    assert question.generalfeedback == text


def test_gift_keeps_a_leading_bracket_or_percent_from_being_read_as_syntax():
    for text in ("[plain] ข้อความ", "%50% ส่วนลด"):
        (question,) = read_gift(f"::q::[html]ถาม{{\n~{gift_escape(text)}\n={gift_escape(text)}x\n}}\n").questions
        assert [html.unescape(a[1]) for a in question.answers] == [text, text + "x"]
        assert [a[0] for a in question.answers] == [0.0, 1.0]


def test_cdata_splits_its_own_end_marker():
    from xml.etree import ElementTree

    text = "a ]]> b ]]]]> c"
    assert ElementTree.fromstring(f"<t>{cdata(text)}</t>").text == text


def test_markdown_html_becomes_well_formed_xml():
    from xml.etree import ElementTree

    fragment = 'ก&nbsp;<strong>ข</strong><br>ค <img src="x.svg" alt="ง"> &amp; จ'
    parent = append_html(ElementTree.Element("label"), fragment)
    xml = ElementTree.tostring(parent, encoding="unicode")
    assert ElementTree.fromstring(xml).tag == "label"
    assert html_events(inner_xml(parent)) == html_events(fragment.replace("&nbsp;", "\u00a0"))


def test_a_multiple_answer_share_moodle_cannot_write_is_reported_at_its_line(tmp_path, capsys):
    root = copy_course("minimal", tmp_path)
    path = root / "quizzes" / "fake-news.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"].append({"id": "eleven", "type": "multiple", "prompt": "เลือกทุกข้อ",
                              "choices": [{"text": f"ตัวเลือก {i}", "correct": True} for i in range(11)],
                              "explanation": "ทุกข้อถูก"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "eleven" in text)
    assert build(root, "export") == 1
    assert f"quizzes/fake-news.yml:{line}:" in capsys.readouterr().out
    assert not (root / "dist" / "export" / "moodle").exists()
    assert build(root, "export", "--format", "olx") == 0  # Open edX has no grade list


def test_credits_are_grades_moodle_accepts_and_add_up_to_100():
    from coursebuild.export.view import share_of_100

    for count in range(1, 25):
        share = share_of_100(count)
        exact = Fraction(100, count)
        if share is None:
            assert not moodle_accepts(str(float(exact)))
        else:
            assert moodle_accepts(share) and moodle_accepts("-" + share)
            assert round(float(share) * count, 2) == 100


# --- output files ---------------------------------------------------------------------------------

def test_one_format_replaces_only_its_own_folder(tmp_path, monkeypatch):
    root = copy_course("minimal", tmp_path)
    course, out = exported(root, monkeypatch)
    (out / "olx" / "stale.txt").write_text("old", encoding="utf-8")
    (out / "gift" / "stale.txt").write_text("old", encoding="utf-8")
    assert build(root, "export", "--format", "gift") == 0
    assert not (out / "gift" / "stale.txt").exists() and (out / "olx" / "stale.txt").exists()


def test_the_olx_archive_is_the_same_bytes_on_every_build(tmp_path, monkeypatch):
    root = copy_course("export", tmp_path)
    _, out = exported(root, monkeypatch)
    first = (out / "olx" / "export-demo.tar.gz").read_bytes()
    os.utime(root / "quizzes" / "symbols.yml")
    assert build(root, "export", "--format", "olx") == 0
    assert (out / "olx" / "export-demo.tar.gz").read_bytes() == first


def olx_listing(data: bytes) -> str:
    """The archive as text for a golden file: each member's header fields, then each file's text."""
    course = read_olx(data)
    parts = []
    for member in course.members:
        parts.append(f"== {member.name} {'dir' if member.isdir() else member.size} {oct(member.mode)} "
                     f"{member.uid}:{member.gid} {member.mtime}")
        if member.isfile():
            content = course.files[member.name]
            parts.append(content.decode("utf-8") if not member.name.endswith((".png", ".jpg"))
                         else f"<{len(content)} bytes>")
    return "\n".join(parts) + "\n"


GOLDEN_FILES = {"moodle/symbols.xml": "symbols.moodle.xml", "gift/symbols.txt": "symbols.gift.txt",
                "olx/export-demo.tar.gz": "export-demo.olx.txt"}


@pytest.mark.parametrize("produced", sorted(GOLDEN_FILES))
def test_export_matches_golden_file(produced, tmp_path, monkeypatch):
    _, out = exported(copy_course("export", tmp_path), monkeypatch)
    data = (out / produced).read_bytes()
    actual = olx_listing(data) if produced.endswith(".tar.gz") else data.decode("utf-8")
    path = GOLDEN / GOLDEN_FILES[produced]
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run make golden"
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} changed: run make golden and review the diff"
