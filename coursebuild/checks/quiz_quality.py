"""Cheap warnings about how quiz items are written, not whether their facts hold.

- A true/false statement with a negation ("ไม่", "มิได้"): to answer "ผิด" to a negated statement
  is a double negative, which trips readers who know the answer.
- A single-choice item whose correct choice is the only one that repeats the topic of the
  question: a trainee can pick it for the echo, without knowing the answer.
"""
from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

from coursebuild.checks.prose import Prose, course_prose
from coursebuild.problems import Problem
from coursebuild.source.load import Course, Quiz

# ไม่ is always the negation syllable (ไ ม ่ never ends another Thai word, since ไ starts one), so
# it is found as a substring. Left alone: ไม่ว่า ("whatever", a universal, not a denial) and the
# limits of a quantity (ไม่เกิน 5 ปี, ไม่น้อยกว่า 18 ชั่วโมง), which state a fact as the law does.
# มิ starts many words (มิถุนายน, มิตร), so only its negating forms are listed.
_NEGATION = re.compile("ไม่(?!ว่า|เกิน|น้อยกว่า|ต่ำกว่า|ถึง)|มิได้|มิใช่|มิให้")

# Thai letters, vowels and marks; Latin words; numbers (the parts a topic word is made of).
_WORDS = re.compile("[\u0e01-\u0e3a\u0e40-\u0e4e]+|[A-Za-z][A-Za-z0-9-]*|[0-9๐-๙][0-9๐-๙,.]*")
_THAI = re.compile("[\u0e01-\u0e4e]")
# How many of the prompt's longest content words make its topic: the longest ones name what the
# question is about (การไฟฟ้าส่วนภูมิภาค, ThaID); shorter ones are often shared by every choice.
TOPIC_WORDS = 2


@functools.lru_cache(maxsize=2)
def _dictionary(extra: frozenset[str]) -> tuple[frozenset[str], frozenset[str], int]:
    """PyThaiNLP's Thai word list (with the course's own words) and its stop words.

    A plain set and longest-match cutting: building PyThaiNLP's tokenizer trie would cost most of a
    second on every `check`, and the topic of a question needs no better cutting than this.
    """
    words = corpus_words("words_th.txt") | extra
    return words, corpus_words("stopwords_th.txt"), max(map(len, words))


def corpus_words(name: str) -> frozenset[str]:
    """A word list shipped with PyThaiNLP, read as its `get_corpus` reads it.

    Importing `pythainlp.corpus` imports most of PyThaiNLP (a tenth of a second on every `check`),
    so the file is read from the installed package directly, and through the library only if a
    later version moves it (tests/test_quiz_quality.py compares both ways on the pinned version).
    """
    spec = importlib.util.find_spec("pythainlp")  # finds the package without importing it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "corpus" / name
        if path.is_file():
            lines = path.read_text(encoding="utf-8-sig").splitlines()
            return frozenset(w for w in (line.strip() for line in lines) if w)
    from pythainlp.corpus import get_corpus

    return get_corpus(name)


def content_words(text: str, extra: frozenset[str] = frozenset()) -> list[str]:
    """The words of `text` that carry meaning: Thai cut by longest dictionary match, stop words
    and one-letter pieces left out, in order of first appearance."""
    words, stop, longest = _dictionary(extra)
    out: dict[str, None] = {}
    for m in _WORDS.finditer(text):
        run = m.group()
        pieces = [run]
        if _THAI.match(run):
            pieces, at = [], 0
            while at < len(run):
                size = next((n for n in range(min(longest, len(run) - at), 1, -1) if run[at:at + n] in words), 1)
                pieces.append(run[at:at + size])
                at += size
        for piece in pieces:
            if len(piece) >= 2 and piece not in stop:
                out.setdefault(piece, None)
    return list(out)


def topic_words(prompt: str, extra: frozenset[str] = frozenset()) -> list[str]:
    """The prompt's `TOPIC_WORDS` longest content words (the first written wins a tie)."""
    return sorted(content_words(prompt, extra), key=len, reverse=True)[:TOPIC_WORDS]


def check_quiz_quality(course: Course, prose: list[Prose] | None = None) -> list[Problem]:
    prose = course_prose(course) if prose is None else prose
    by_place = {(p.path, p.line, p.column): p for p in prose}
    extra = frozenset(s.text for s in course.terms.spellings) | frozenset(course.terms.words) \
        if course.terms is not None else frozenset()
    problems: list[Problem] = []
    for quiz in course.quizzes.values():
        problems += _check_quiz(quiz, by_place, extra)
    return problems


def _located(quiz: Quiz, question_index: int, *keys) -> tuple[int, int] | None:
    """The position of a field of question `question_index`, from the parsed quiz."""
    item = quiz.tree
    for key in ("questions", question_index, *keys):
        value = item.value if item is not None else None
        if isinstance(key, int):
            item = value[key] if isinstance(value, list) and key < len(value) else None
        else:
            item = value.get(key) if isinstance(value, dict) else None
    return (item.line, item.column) if item is not None else None


def _check_quiz(quiz: Quiz, by_place: dict, extra: frozenset[str]) -> list[Problem]:
    problems = []
    for index, question in enumerate(quiz.data.questions):
        at = _located(quiz, index, "prompt")
        prompt = by_place.get((quiz.path, *at)) if at else None
        if prompt is None:
            continue
        if question.type == "true_false":
            m = _NEGATION.search(prompt.for_terms)
            if m:
                line, column = prompt.position(m.start(), len(m.group()))
                problems.append(Problem(
                    quiz.path, line, column, "quiz-negated-statement",
                    f"true/false question {question.id} states a negation ('{m.group()}'), so answering "
                    "ผิด means a double negative",
                    "state it positively (e.g. 'X ควรทำ Y' rather than 'X ไม่ควรทำ Y') and swap which answer is "
                    "correct", severity="warning"))
        elif question.type == "single":
            problems += _check_topic(quiz, index, question, prompt, by_place, extra)
    return problems


def _check_topic(quiz: Quiz, index: int, question, prompt: Prose, by_place: dict,
                 extra: frozenset[str]) -> list[Problem]:
    topic = topic_words(prompt.for_terms, extra)
    mentions = [[w for w in topic if w in choice.text] for choice in question.choices]
    hits = [i for i, words in enumerate(mentions) if words]
    if len(hits) != 1 or not question.choices[hits[0]].correct:
        return []
    word = mentions[hits[0]][0]
    at = _located(quiz, index, "choices", hits[0], "text")
    choice = by_place.get((quiz.path, *at)) if at else None
    line, column = (choice.position(choice.text.find(word), len(word)) if choice is not None
                    else (question.choices[hits[0]].line, question.choices[hits[0]].column))
    return [Problem(
        quiz.path, line, column, "quiz-topic-echo",
        f"in question {question.id} only the correct choice repeats '{word}' from the question, so it can "
        "be picked without knowing the answer",
        f"let a wrong choice mention '{word}' too, or say it in other words in the correct one",
        severity="warning")]
