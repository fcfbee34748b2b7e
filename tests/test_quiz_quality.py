"""Cheap warnings on how quiz items are written: negated true/false statements, and a correct
choice that is the only one echoing the question's topic."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, copy_course

from coursebuild.checks.quiz_quality import (
    check_quiz_quality,
    content_words,
    corpus_words,
    topic_words,
)
from coursebuild.source.load import load_course

QUESTION = """  - id: {id}
    type: {type}
    prompt: {prompt}
    choices:
{choices}    explanation: อธิบาย
"""


def _quiz(root: Path, *questions: str) -> None:
    path = root / "quizzes" / "fake-news.yml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + "".join(questions), encoding="utf-8")


def _question(id: str, type: str, prompt: str, *choices: tuple[str, bool]) -> str:
    lines = "".join(f"      - text: {text}\n        correct: {'true' if ok else 'false'}\n" for text, ok in choices)
    return QUESTION.format(id=id, type=type, prompt=prompt, choices=lines)


def _found(root: Path) -> list[tuple[str, int, int]]:
    course, problems = load_course(root)
    assert course is not None, problems
    return sorted((p.code, p.line, p.column) for p in check_quiz_quality(course))


@pytest.fixture
def minimal(tmp_path) -> Path:
    root = copy_course("minimal", tmp_path)
    shutil.copy(SAMPLE / "course" / "terms.yml", root / "course" / "terms.yml")
    return root


def _line_of(root: Path, needle: str) -> tuple[int, int]:
    for number, line in enumerate((root / "quizzes" / "fake-news.yml").read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def test_negated_true_false_statement_is_reported_at_the_negation(minimal):
    _quiz(minimal, _question("no-check", "true_false", "ข่าวจากคนรู้จักไม่ต้องตรวจสอบก่อนแชร์", ("ถูก", False),
                             ("ผิด", True)),
          _question("formal", "true_false", "อสด. มิได้เป็นเจ้าหน้าที่รัฐ", ("ถูก", True), ("ผิด", False)))
    assert _found(minimal) == [("quiz-negated-statement", *_line_of(minimal, "ไม่ต้อง")),
                               ("quiz-negated-statement", *_line_of(minimal, "มิได้"))]


@pytest.mark.parametrize("prompt", [
    "โทษตามมาตรา 14 คือจำคุกไม่เกิน 5 ปี",  # a limit of a quantity states the law's fact
    "หลักสูตรกำหนดให้เรียนไม่น้อยกว่า 18 ชั่วโมง",
    "ไม่ว่าใครส่งข่าวมา ควรตรวจสอบก่อนแชร์",  # "whatever": not a denial
    "ข้อมูลส่วนบุคคลคุ้มครองตั้งแต่วันที่ 1 มิถุนายน 2565",  # มิ starting another word
    "ควรตรวจสอบข่าวก่อนแชร์",
])
def test_statements_without_a_negation_are_left_alone(minimal, prompt):
    _quiz(minimal, _question("fine", "true_false", prompt, ("ถูก", True), ("ผิด", False)))
    assert _found(minimal) == []


def test_correct_choice_alone_echoing_the_topic_is_reported_at_the_echo(minimal):
    _quiz(minimal, _question("pea", "single", "มีคนโทรมาอ้างเป็นเจ้าหน้าที่การไฟฟ้าส่วนภูมิภาค ควรทำอย่างไร",
                             ("วางสาย แล้วโทรหาการไฟฟ้าส่วนภูมิภาคด้วยเบอร์ที่รู้จักเอง", True),
                             ("ทำตามที่เขาบอก", False), ("โอนเงินให้ก่อน", False)))
    assert _found(minimal) == [("quiz-topic-echo", *_line_of(minimal, "การไฟฟ้าส่วนภูมิภาคด้วย"))]


@pytest.mark.parametrize("choices", [
    # A wrong choice mentions the topic too: no cue.
    [("วางสาย แล้วโทรหาการไฟฟ้าส่วนภูมิภาคเอง", True), ("ติดตั้งแอปที่การไฟฟ้าส่วนภูมิภาคส่งมา", False)],
    # Only a wrong choice echoes it: a tempting distractor, which is fair.
    [("วางสาย แล้วโทรหาเบอร์ที่รู้จักเอง", True), ("ทำตามที่การไฟฟ้าส่วนภูมิภาคบอก", False)],
    # Nobody echoes it.
    [("วางสาย", True), ("ทำตามที่เขาบอก", False)],
])
def test_no_echo_warning_without_a_giveaway(minimal, choices):
    _quiz(minimal, _question("pea", "single", "มีคนโทรมาอ้างเป็นเจ้าหน้าที่การไฟฟ้าส่วนภูมิภาค ควรทำอย่างไร",
                             *choices))
    assert _found(minimal) == []


def test_topic_is_the_longest_content_words_of_the_prompt():
    assert topic_words("มีคนโทรมาอ้างเป็นเจ้าหน้าที่การไฟฟ้าส่วนภูมิภาค ควรทำอย่างไร") == [
        "การไฟฟ้าส่วนภูมิภาค", "เจ้าหน้าที่"]
    # The course's terms (terms.yml) are words too, whatever PyThaiNLP's list knows.
    assert topic_words("แอป ThaID ใช้ทำอะไร", frozenset({"แอป"})) == ["ThaID", "แอป"]
    assert "ควร" not in content_words("ควรทำอย่างไร")  # stop words are not a topic


def test_course_quizzes_give_no_quiz_wording_warning():
    """The corrected quizzes are clean. unsure-dont-share was the last echo (only the correct choice
    said แหล่งทางการ); a third choice that also names it fixed the cue."""
    course, _ = load_course(SAMPLE)
    assert [(p.code, p.path, p.message) for p in check_quiz_quality(course)] == []


def test_word_lists_are_read_as_pythainlp_reads_them():
    # corpus_words reads the pinned PyThaiNLP's files directly (importing it costs a tenth of a
    # second per check); if a version moves them, this fails and the fallback still works.
    from pythainlp.corpus import thai_stopwords, thai_words

    assert corpus_words("words_th.txt") == thai_words()
    assert corpus_words("stopwords_th.txt") == thai_stopwords()
