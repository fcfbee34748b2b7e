"""The one quiz view that every export format reads: texts as HTML, credits, images as bytes.

Markdown is rendered once, with the site's own extensions (markup.render_markdown), so a quiz reads
the same in Moodle, in Open edX and on our site. Prompts and choice feedback are inline HTML, as on
the site; the explanation is block HTML. Choice texts are plain text in the YAML and stay plain
here; each writer escapes them for its format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote

from coursebuild import urls
from coursebuild.markup import render_inline, render_markdown
from coursebuild.problems import Problem
from coursebuild.source.load import IMAGE_DIR, Course, Quiz
from coursebuild.source.model import Question

# Moodle accepts only its fixed list of answer grades (question_bank::fraction_options_full: every
# p/q for q <= 6, p/10, 1/q for q <= 10, and 1/20), written as it writes them itself. A multiple
# answer question gives each correct choice 100/k and each wrong choice -100/w, so the correct ones
# add up to 100 and ticking every box scores 0; only these k and w can be written.
SHARE_OF_100 = {1: "100", 2: "50", 3: "33.33333", 4: "25", 5: "20", 6: "16.66667", 7: "14.28571",
                8: "12.5", 9: "11.11111", 10: "10", 20: "5"}

# What a true/false choice says, so it can become Moodle's own true/false question. Anything else
# is exported as a one-answer question, which keeps the wording.
TRUE_TEXTS = {"ถูก", "จริง", "ใช่", "true"}
FALSE_TEXTS = {"ผิด", "ไม่จริง", "ไม่ใช่", "false"}


@dataclass(frozen=True)
class ExportImage:
    name: str  # ASCII file name inside an export: <module>_<question><suffix>
    data: bytes
    alt: str
    published_url: str  # the same image on the course site (GIFT cannot carry files)


@dataclass(frozen=True)
class ExportChoice:
    text: str  # plain text, exactly as in the YAML
    correct: bool
    credit: Optional[str]  # Moodle grade in percent ("100", "33.33333", "-50", "0"); None if Moodle has none
    feedback_html: str  # inline HTML; "" when the YAML has no feedback
    truth: Optional[bool]  # for a true/false question: True for ถูก, False for ผิด


@dataclass(frozen=True)
class ExportQuestion:
    module: str
    id: str
    type: str  # as in the YAML: single, multiple or true_false
    kind: str  # how it is exported: single, multiple or truefalse
    prompt_html: str  # inline HTML
    choices: tuple[ExportChoice, ...]
    explanation_html: str  # block HTML
    image: Optional[ExportImage]
    line: int
    column: int

    @property
    def name(self) -> str:
        """Module and question id: the name and id number an LMS keeps for the question."""
        return f"{self.module}/{self.id}"


@dataclass(frozen=True)
class ExportQuiz:
    module: str
    number: int  # the module's place in course.yml, from 1
    module_title: str
    title: str
    pass_mark: int  # percent
    path: str  # quizzes/<module>.yml, for messages
    questions: tuple[ExportQuestion, ...]


def share_of_100(count: int, sign: str = "") -> Optional[str]:
    text = SHARE_OF_100.get(count)
    return None if text is None else sign + text


def choice_truth(text: str) -> Optional[bool]:
    key = text.strip().lower()
    if key in TRUE_TEXTS:
        return True
    if key in FALSE_TEXTS:
        return False
    return None


def _credits(question: Question) -> list[Optional[str]]:
    if question.type != "multiple":
        return ["100" if c.correct else "0" for c in question.choices]
    right = sum(c.correct for c in question.choices)
    wrong = len(question.choices) - right
    return [share_of_100(right) if c.correct else share_of_100(wrong, "-") for c in question.choices]


def _kind(question: Question) -> str:
    if question.type != "true_false":
        return question.type
    truths = [choice_truth(c.text) for c in question.choices]
    return "truefalse" if sorted(truths, key=str) == [False, True] else "single"


def export_image(course: Course, quiz: Quiz, question: Question) -> Optional[ExportImage]:
    if question.image is None:
        return None
    path = quiz.source.parent / question.image.src
    suffix = path.suffix.lower()
    # LMS file stores and tar archives are happiest with ASCII names; ids are ASCII slugs.
    name = f"{quiz.module}_{question.id}{re.sub(r'[^a-z0-9.]', '', suffix)}"
    published = urls.absolute(course.config.site_url, f"{IMAGE_DIR}/{quote(path.name)}")
    return ExportImage(name, path.read_bytes(), question.image.alt, published)


def export_view(course: Course) -> list[ExportQuiz]:
    """Every quiz of the course in course.yml order. Reads image files; writes nothing."""
    root = course.root
    quizzes = []
    for number, module in enumerate(course.modules, 1):
        quiz = course.quizzes.get(module.id)
        if quiz is None:
            continue
        questions = []
        for q in quiz.data.questions:
            kind = _kind(q)
            choices = tuple(
                ExportChoice(c.text, c.correct, credit,
                             str(render_inline(root, c.feedback)) if c.feedback else "",
                             choice_truth(c.text) if kind == "truefalse" else None)
                for c, credit in zip(q.choices, _credits(q)))
            questions.append(ExportQuestion(
                module=quiz.module, id=q.id, type=q.type, kind=kind,
                prompt_html=str(render_inline(root, q.prompt)), choices=choices,
                explanation_html=render_markdown(root, q.explanation).strip(),
                image=export_image(course, quiz, q), line=q.line, column=q.column))
        quizzes.append(ExportQuiz(quiz.module, number, module.meta.title, quiz.data.title, quiz.pass_mark,
                                  quiz.path, tuple(questions)))
    return quizzes


def credit_problems(quizzes: list[ExportQuiz]) -> list[Problem]:
    """Multiple-answer questions whose equal shares are not grades Moodle accepts (Moodle XML, GIFT)."""
    problems = []
    for quiz in quizzes:
        for q in quiz.questions:
            if any(c.credit is None for c in q.choices):
                right = sum(c.correct for c in q.choices)
                problems.append(Problem(
                    quiz.path, q.line, q.column, "export-moodle-credit",
                    f"question {q.id} has {right} correct and {len(q.choices) - right} wrong choices; Moodle "
                    "cannot give each an equal share of the mark",
                    "Moodle splits a mark only into 1–10 or 20 equal shares: give the question at most 10 "
                    "correct and at most 10 wrong choices, or split it in two"))
    return problems
