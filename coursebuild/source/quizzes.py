"""Quizzes (quizzes/<module>.yml): read, converted to the model, and held to the question rules.

Every question is checked on its own, so one run reports every rule a quiz breaks: a mistake on
question 1 never hides one on question 3, nor does a field error elsewhere in the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coursebuild.problems import Problem, relpath
from coursebuild.source.files import read_yaml_file
from coursebuild.source.limits import MarkdownGuard
from coursebuild.source.model import Question, QuizFile, convert
from coursebuild.source.yamlsource import Located


@dataclass(frozen=True)
class Quiz:
    data: QuizFile
    path: str
    source: Path
    pass_mark: int  # percent, resolved against the course default
    tree: Located | None = field(default=None, compare=False, repr=False)  # as parsed, for positions

    @property
    def module(self) -> str:
        return self.data.module


def load_quizzes(root: Path, pass_mark: int, module_ids: set[str]) -> tuple[dict[str, Quiz], list[Path], list[Problem]]:
    from coursebuild.source.load import (  # here: load.py imports this module
        QUIZ_DIR,
        yaml_texts,
    )

    problems: list[Problem] = []
    quizzes: dict[str, Quiz] = {}
    files = sorted((root / QUIZ_DIR).glob("*.y*ml"))
    for path in files:
        rel = relpath(path, root)
        data, tree, sub = read_yaml_file(path, root, QuizFile, "quiz")
        problems += sub
        if tree is None:
            continue
        # The quiz rules look at each question on its own: check every question that could be
        # read, even when another one (or the file's header) has an error, so that a mistake on
        # question 1 never hides one on question 3 until the next run.
        problems += check_question_rules(data.questions if data is not None else _readable_questions(tree), rel)
        if data is None:
            continue
        guard = MarkdownGuard(rel)  # each quiz text is rendered on its own
        for item in yaml_texts(tree):
            guard.add(item.value, item.line, item.column, exact=False)
        sub = guard.finish()
        if sub:
            problems += sub
            continue
        module_item = tree.value["module"]
        if data.module not in module_ids:
            close = sorted(module_ids)
            problems.append(Problem(rel, module_item.line, module_item.column, "quiz-unknown-module",
                                    f"this quiz is for module '{data.module}', which is not in course.yml",
                                    f"use one of: {', '.join(close)}" if close else "add the module first"))
            continue
        if path.stem != data.module:
            problems.append(Problem(rel, module_item.line, module_item.column, "id-mismatch",
                                    f"quiz file name '{path.name}' differs from its module '{data.module}'",
                                    f"rename the file to {data.module}.yml"))
            continue
        if data.module in quizzes:
            problems.append(Problem(rel, module_item.line, module_item.column, "duplicate-id",
                                    f"module '{data.module}' already has a quiz ({quizzes[data.module].path})",
                                    "keep one quiz per module"))
            continue
        quizzes[data.module] = Quiz(data, rel, path, data.pass_mark or pass_mark, tree)
    return quizzes, files, problems


def _readable_questions(tree: Located) -> list[Question]:
    """The questions of a quiz that could not be read whole, each one that can be read on its own
    (their own problems were already reported by reading the whole file)."""
    items = tree.value.get("questions") if isinstance(tree.value, dict) else None
    if items is None or not isinstance(items.value, list):
        return []
    questions = [convert(Question, item, "", "question")[0] for item in items.value]
    return [q for q in questions if q is not None]


def check_question_rules(questions: list[Question], path: str) -> list[Problem]:
    """The rules each question must keep, all of them for every question."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for q in questions:
        if q.id in seen:
            problems.append(Problem(path, q.line, q.column, "duplicate-id",
                                    f"question id '{q.id}' is used twice (first on line {seen[q.id]})",
                                    "give every question its own id, and never reuse an old one"))
        seen.setdefault(q.id, q.line)
        correct = sum(c.correct for c in q.choices)
        if q.type in ("single", "true_false") and correct != 1:
            problems.append(Problem(path, q.line, q.column, "quiz-correct-count",
                                    f"question {q.id} is '{q.type}' but has {correct} correct choices",
                                    "mark exactly one choice with correct: true"))
        if q.type == "multiple" and correct == 0:
            problems.append(Problem(path, q.line, q.column, "quiz-no-correct",
                                    f"question {q.id} has no correct choice",
                                    "mark at least one choice with correct: true"))
        if q.type == "true_false" and len(q.choices) != 2:
            problems.append(Problem(path, q.line, q.column, "quiz-true-false-choices",
                                    f"true/false question {q.id} has {len(q.choices)} choices",
                                    "give exactly two choices: ถูก and ผิด"))
        texts: dict[str, int] = {}
        for c in q.choices:
            if c.text in texts:
                problems.append(Problem(path, c.line, c.column, "duplicate-choice",
                                        f"question {q.id} has the choice '{c.text}' twice",
                                        "make every choice different"))
            texts[c.text] = c.line
    return problems
