"""GIFT: one text file per quiz, imported into a question bank (Question bank → Import → GIFT).

Every text is HTML (the `[html]` marker after each question's name), so Markdown formatting survives
as it does in Moodle XML. GIFT gives `~ = # { } :` a meaning anywhere in a question, in Thai text as
in Latin, and reads `\\` as an escape, so each of them is written with a backslash before it; line
breaks are written as `\\n`, which keeps every question text on one line (a line that starts with
`//` would otherwise be dropped as a comment, and a blank line would end the question). GIFT cannot
carry files: a question's picture is linked from the published course site instead.
"""
from __future__ import annotations

import html

import jinja2
from markupsafe import Markup

from coursebuild.export.moodle import category_path
from coursebuild.export.view import ExportChoice, ExportQuestion, ExportQuiz
from coursebuild.markup import engine_root
from coursebuild.render.views import needed_to_pass
from coursebuild.source.load import Course

FOLDER = "gift"
_SPECIAL = str.maketrans({"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}",
                          ":": "\\:", "\n": "\\n", "\r": ""})


def gift_escape(text: str) -> str:
    """Backslash before every GIFT special character; `[` or `%` opening a text becomes an HTML
    character reference, as Moodle would otherwise read `[plain]` as a format or `%50%` as a grade."""
    if text[:1] in ("[", "%"):
        text = f"&#{ord(text[0])};{text[1:]}"
    return text.translate(_SPECIAL)


def _finalize(value: object) -> object:
    """Every {{ value }} of the template is text to escape, unless Python marked it as GIFT syntax."""
    if isinstance(value, Markup):
        return str(value)
    return gift_escape(str(value))


def weight(question: ExportQuestion, choice: ExportChoice) -> Markup:
    """`=` marks the one right answer; a multiple-answer choice carries its share, e.g. `~%50%`."""
    if question.kind == "multiple":
        return Markup(f"~%{choice.credit}%")
    return Markup("=" if choice.correct else "~")


def question_html(question: ExportQuestion) -> str:
    """The prompt, and its picture linked from the course site (GIFT has no place for the file)."""
    if question.image is None:
        return question.prompt_html
    image = question.image
    return question.prompt_html + str(Markup('<p><img src="{}" alt="{}"></p>').format(image.published_url, image.alt))


def comment(text: str) -> Markup:
    """Text for a // comment line: on one line, not escaped (Moodle skips comments whole)."""
    return Markup(" ".join(str(text).split()))


def render_gift(course: Course, quiz: ExportQuiz) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(engine_root(course.root) / "theme" / "templates" / "export"),
        autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True, finalize=_finalize)
    env.filters["html"] = lambda text: html.escape(text, quote=False)
    # Moodle reads the $CATEGORY line as it is, without undoing escapes.
    category = Markup(category_path(course.config.title, quiz.title))
    return env.get_template("gift.txt").render(
        quiz=quiz, course_title=course.config.title, category=category, comment=comment,
        weight=weight, question_html=question_html, need=needed_to_pass(len(quiz.questions), quiz.pass_mark))


def gift_files(course: Course, quizzes: list[ExportQuiz]) -> dict[str, bytes]:
    """{file name: content} for dist/export/gift/."""
    return {f"{quiz.module}.txt": render_gift(course, quiz).encode("utf-8") for quiz in quizzes}
