"""Can a trainer find a lesson's words in its handout? The measure behind the Thai-text fix.

A PDF keeps text only as glyphs mapped back to characters; Thai lost ำ and the order of its marks
on the way (coursebuild/weasyprint_thai.py). This module lists a lesson's Thai words, as the
trainee reads them in its handout, and which of them a PDF's extracted text does not contain.
tests/test_print_thai_text.py and bench/print_text.py compare it with what pdftotext reads.
"""
from __future__ import annotations

import html
import re

from coursebuild.markup import render_markdown, strip_admonitions
from coursebuild.render.site.search import ThaiSegmenter, load_search_words
from coursebuild.source.load import Course, Module

_THAI_RUN = re.compile(r"[\u0e01-\u0e3a\u0e40-\u0e4e]+")
_TAG = re.compile(r"<[^>]+>")
# Line breaks and the invisible characters print adds (word joiner, soft hyphen, zero-width space).
_LAYOUT = re.compile(r"[\n\r\f\u2060\u00ad\u200b]")


def lesson_text(course: Course, module: Module) -> str:
    """What a trainee reads of a module on paper: objectives, the lesson without trainer notes,
    key points. Plain text; links' addresses and images' file names are not words of the lesson."""
    body = render_markdown(course.root, strip_admonitions(module.page.body, "trainer"))
    parts = [module.meta.title, *module.meta.objectives, html.unescape(_TAG.sub(" ", body)), *module.meta.key_points]
    return "\n".join(parts)


def thai_words(text: str, segmenter: ThaiSegmenter) -> list[str]:
    """The distinct Thai words of `text`, in order of first use."""
    words: dict[str, None] = {}
    for run in _THAI_RUN.findall(text):
        for word in segmenter.words(run):
            words.setdefault(word)
    return list(words)


def course_segmenter(course: Course) -> ThaiSegmenter:
    extra, _ = load_search_words(course.root)
    return ThaiSegmenter(extra.words)


def searchable_text(extracted: str) -> str:
    """Extracted PDF text as a search box sees it: lines joined, invisible characters dropped.

    Thai wraps between words without a space, so a line break inside a Thai run is no space."""
    return _LAYOUT.sub("", extracted)


def missing_words(words: list[str], extracted: str) -> list[str]:
    """The words that a search of the extracted text would not find."""
    text = searchable_text(extracted)
    return [word for word in words if word not in text]
