"""The course's own rules, declared under `requirements:` in course/course.yml.

A curriculum fixes how many modules a course has, how many objectives each states, how long each
quiz is and which parts every lesson must have. Those numbers belong to the course, not to the
tool: the อสด. course asks for nine modules of 2–4 objectives and quizzes of 8–12 questions, an
agency's two-module course asks for what its own curriculum says. `check` enforces whatever the
course declares; with nothing declared, nothing is required. (`min_hours` is checked with the
other learning-time rules, in learning_time.py.)
"""
from __future__ import annotations

from coursebuild.checks.learning_time import config_position
from coursebuild.markup import admonition_blocks
from coursebuild.problems import Problem
from coursebuild.source.load import Course, Module
from coursebuild.source.model import Range

CONFIG = "course/course.yml"

# How each requirable section is found, and what an editor adds to satisfy it.
_FRONT_MATTER = {"key_points": "key_points:", "references": "references:"}
_BOXES = {"activity": '!!! activity "กิจกรรม: …"', "neighbour": '!!! neighbour "ช่วยเพื่อนบ้าน"',
          "trainer": '!!! trainer "บันทึกสำหรับวิทยากร"'}


def check_requirements(course: Course) -> list[Problem]:
    rules = course.config.requirements
    if rules is None:
        return []
    problems = _check_ranges(course)
    if problems:
        return problems  # a range that cannot be met would make every module fail it
    if rules.modules is not None:
        count = len(course.modules)
        if not _within(count, rules.modules):
            line, column = config_position(course.root, "modules", at_key=True)
            problems.append(Problem(CONFIG, line, column, "requirement-modules",
                                    f"the course has {count} module(s); its requirements ask for {_span(rules.modules)}",
                                    "add or remove modules, or change requirements: modules: in course/course.yml "
                                    "if the curriculum allows it"))
    for module in course.modules:
        problems += _check_module(course, module)
    return problems


def _check_ranges(course: Course) -> list[Problem]:
    rules = course.config.requirements
    problems = []
    for name in ("modules", "objectives_per_module", "questions_per_quiz", "question_types_per_quiz"):
        span = getattr(rules, name)
        if span is not None and span.min is not None and span.max is not None and span.min > span.max:
            line, column = config_position(course.root, "requirements", name, at_key=True)
            problems.append(Problem(CONFIG, line, column, "requirement-range",
                                    f"requirements: {name} asks for at least {span.min} but at most {span.max}",
                                    "make min no larger than max"))
    return problems


def _check_module(course: Course, module: Module) -> list[Problem]:
    rules = course.config.requirements
    page = module.page
    meta = module.meta
    fields = page.front_matter.value if page.front_matter is not None else {}
    top = (page.front_matter.line, page.front_matter.column) if page.front_matter is not None else (1, 1)
    problems = []
    if rules.objectives_per_module is not None and not _within(len(meta.objectives), rules.objectives_per_module):
        at = fields.get("objectives")
        line, column = (at.key_line or at.line, at.key_column or at.column) if at is not None else top
        problems.append(Problem(page.path, line, column, "requirement-objectives",
                                f"module {module.id} has {len(meta.objectives)} objective(s); the course's "
                                f"requirements ask for {_span(rules.objectives_per_module)}",
                                "write each objective as one thing a trainee can do after the lesson"))
    for section in rules.module_sections:
        problems += _check_section(course, module, section, top)
    quiz = course.quizzes.get(module.id)
    if quiz is None:
        return problems
    questions = quiz.data.questions
    at = quiz.tree.value.get("questions") if quiz.tree is not None else None
    line, column = (at.key_line or at.line, at.key_column or at.column) if at is not None else (1, 1)
    if rules.questions_per_quiz is not None and not _within(len(questions), rules.questions_per_quiz):
        problems.append(Problem(quiz.path, line, column, "requirement-questions",
                                f"the quiz of {module.id} has {len(questions)} question(s); the course's "
                                f"requirements ask for {_span(rules.questions_per_quiz)}",
                                "add or remove questions (give each new one its own id)"))
    types = {q.type for q in questions}
    if rules.question_types_per_quiz is not None and not _within(len(types), rules.question_types_per_quiz):
        problems.append(Problem(quiz.path, line, column, "requirement-question-types",
                                f"the quiz of {module.id} uses {len(types)} kind(s) of question "
                                f"({', '.join(sorted(types))}); the course's requirements ask for "
                                f"{_span(rules.question_types_per_quiz)}",
                                "mix single, multiple and true_false questions"))
    return problems


def _check_section(course: Course, module: Module, section: str, top: tuple[int, int]) -> list[Problem]:
    page = module.page
    if section in _FRONT_MATTER:
        if getattr(module.meta, section):
            return []
        fields = page.front_matter.value if page.front_matter is not None else {}
        at = fields.get(section)
        line, column = (at.key_line or at.line, at.key_column or at.column) if at is not None else top
        return [Problem(page.path, line, column, "requirement-section",
                        f"module {module.id} has no {section}, which the course's requirements ask of every module",
                        f"add at least one item under {_FRONT_MATTER[section]} in the front matter")]
    if section in _BOXES:
        if admonition_blocks(page.body, section):
            return []
        return [Problem(page.path, page.body_line, 1, "requirement-section",
                        f"module {module.id} has no '!!! {section}' box, which the course's requirements ask of "
                        "every module", f"add one to the lesson, e.g. {_BOXES[section]}")]
    if module.id in course.quizzes:
        return []
    return [Problem(page.path, top[0], top[1], "requirement-section",
                    f"module {module.id} has no quiz, which the course's requirements ask of every module",
                    f"create quizzes/{module.id}.yml (python build.py new-module writes a stub)")]


def _within(count: int, span: Range) -> bool:
    return (span.min is None or count >= span.min) and (span.max is None or count <= span.max)


def _span(span: Range) -> str:
    if span.min is not None and span.max is not None:
        return f"exactly {span.min}" if span.min == span.max else f"{span.min} to {span.max}"
    return f"at least {span.min}" if span.min is not None else f"at most {span.max}"
