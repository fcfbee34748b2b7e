"""Moodle XML: one file per quiz, imported into a question bank (Question bank → Import → Moodle XML).

The file opens with a category question, so each quiz lands in its own category that keeps the
quiz title, and every question keeps `<module>/<question id>` as its name and ID number. Moodle XML
has nowhere to put a quiz's pass mark (a quiz is not part of the file, only its questions), so it
is written in the category's description and in README.md's import steps.
"""
from __future__ import annotations

import base64

import jinja2
from markupsafe import Markup

from coursebuild.export.view import ExportQuiz
from coursebuild.markup import engine_root
from coursebuild.render.views import needed_to_pass
from coursebuild.source.load import Course

FOLDER = "moodle"


def cdata(text: str) -> Markup:
    """Text as one CDATA section; "]]>" inside it is split across two sections."""
    return Markup("<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>")


def category_path(*names: str) -> str:
    """Moodle's category path: "/" separates levels, so a "/" inside a name is written "//"."""
    return "/".join(" ".join(name.split()).replace("/", "//") for name in ("$course$", "top", *names))


def template_env(course: Course) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(engine_root(course.root) / "theme" / "templates" / "export"),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["cdata"] = cdata
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    return env


def render_moodle(course: Course, quiz: ExportQuiz) -> str:
    return template_env(course).get_template("moodle.xml").render(
        quiz=quiz, course_title=course.config.title,
        category=category_path(course.config.title, quiz.title),
        need=needed_to_pass(len(quiz.questions), quiz.pass_mark))


def moodle_files(course: Course, quizzes: list[ExportQuiz]) -> dict[str, bytes]:
    """{file name: content} for dist/export/moodle/."""
    return {f"{quiz.module}.xml": render_moodle(course, quiz).encode("utf-8") for quiz in quizzes}
