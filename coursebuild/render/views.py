"""What site and print both show, computed once: durations, pass marks and the quiz view.

Renderers never import each other; what they share lives here. The quiz view is the one place a
quiz's Markdown becomes HTML, so the site and the paper quiz never disagree (a choice's **bold**
was once rendered on paper but shown raw on the site).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from coursebuild import trust
from coursebuild.markup import render_inline, render_markdown
from coursebuild.source.load import Course, Quiz

# What a multiple-choice question tells the trainee. Editors sometimes typed it into the prompt
# too, which then showed twice on the site: the view takes it out of the prompt and adds it once.
MULTIPLE_HINT = "เลือกได้มากกว่าหนึ่งข้อ"
_TYPED_HINT = re.compile(r"\s*\(\s*เลือกได้มากกว่า\s*(?:1|๑|หนึ่ง)\s*ข้อ\s*\)\s*$")


def needed_to_pass(total: int, pass_mark: int) -> int:
    return math.ceil(total * pass_mark / 100)


def format_duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} ชั่วโมง {rest} นาที"
    if hours:
        return f"{hours} ชั่วโมง"
    return f"{rest} นาที"


@dataclass(frozen=True)
class ChoiceView:
    index: int  # 0-based, in the quiz file's order
    text_html: Markup
    correct: bool
    feedback_html: Markup  # empty when the editor gave none


@dataclass(frozen=True)
class QuestionView:
    id: str
    number: int  # 1-based
    type: str  # single | multiple | true_false
    prompt_html: Markup
    hint: str  # MULTIPLE_HINT for multiple-choice questions, else ""
    image_file: Path | None  # the image on disk; each renderer makes its own URL
    image_alt: str
    choices: list[ChoiceView]
    explanation_html: Markup

    @property
    def correct_choices(self) -> list[ChoiceView]:
        return [c for c in self.choices if c.correct]


@dataclass(frozen=True)
class QuizView:
    module: str
    path: str  # the quiz file, for messages about it
    title: str
    pass_mark: int  # percent
    questions: list[QuestionView]

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def need(self) -> int:
        return needed_to_pass(self.total, self.pass_mark)


def make_quiz_view(course: Course, quiz: Quiz) -> QuizView:
    """Every field rendered and cleaned by the allow-list; an image outside the course's own
    folders is left out (check reports it as path-outside)."""
    root, source = course.root, quiz.path
    roots = [root / name for name in trust.CONTENT_ROOTS]
    questions = []
    for number, q in enumerate(quiz.data.questions, 1):
        prompt = _TYPED_HINT.sub("", q.prompt) if q.type == "multiple" else q.prompt
        choices = [ChoiceView(index, render_inline(root, c.text, source), c.correct,
                              render_inline(root, c.feedback, source) if c.feedback else Markup(""))
                   for index, c in enumerate(q.choices)]
        image = (quiz.source.parent / q.image.src).resolve() if q.image else None
        questions.append(QuestionView(
            id=q.id, number=number, type=q.type, prompt_html=render_inline(root, prompt, source),
            hint=MULTIPLE_HINT if q.type == "multiple" else "",
            image_file=image if image and trust.is_inside(image, roots) else None,
            image_alt=q.image.alt if q.image else "",
            choices=choices, explanation_html=Markup(render_markdown(root, q.explanation, source))))
    return QuizView(quiz.module, quiz.path, quiz.data.title, quiz.pass_mark, questions)
