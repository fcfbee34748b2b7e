"""The real course meets the curriculum's structural minimums and cites its facts."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursebuild.checks import load_checked_course
from coursebuild.markup import admonition_blocks

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT.parent / "shared" / "facts-th.md"


@pytest.fixture(scope="module")
def course():
    course, problems = load_checked_course(ROOT)
    assert course is not None, "\n".join(f"{p.path}:{p.line}: {p.message}" for p in problems)
    return course


def test_course_is_the_nine_modules_of_at_least_18_hours(course):
    assert len(course.modules) == 9
    assert sum(m.meta.duration for m in course.modules) >= 18 * 60


@pytest.mark.parametrize("index", range(9))
def test_module_meets_the_minimums(course, index):
    module = course.modules[index]
    assert 2 <= len(module.meta.objectives) <= 4, module.id
    assert module.meta.key_points, module.id
    assert module.meta.references, module.id
    body = module.page.body
    assert admonition_blocks(body, "trainer"), f"{module.id} has no trainer notes"
    assert admonition_blocks(body, "activity"), f"{module.id} has no activity"
    assert admonition_blocks(body, "neighbour"), f"{module.id} has no help-a-neighbour box"
    quiz = course.quizzes[module.id]
    assert 8 <= len(quiz.data.questions) <= 12, module.id
    assert all(q.explanation.strip() for q in quiz.data.questions)
    assert len({q.type for q in quiz.data.questions}) >= 2, f"{module.id}: mix question types"


def _all_text(course) -> str:
    texts = [p.read_text(encoding="utf-8") for p in course.content_files if p.suffix in (".md", ".yml")]
    return "\n".join(texts)


def test_every_hotline_is_in_the_fact_sheet(course):
    """A wrong hotline number sends a scam victim to the wrong place; only sourced ones may appear."""
    if not FACTS.is_file():
        pytest.skip("shared/facts-th.md is not beside the checkout")
    facts = FACTS.read_text(encoding="utf-8")
    numbers = set(re.findall(r"(?<![\d.,/-])1\d{3}(?![\d.,/-])", _all_text(course)))
    unsourced = {n for n in numbers if n not in facts and not (2400 <= int(n) <= 2599)}  # พ.ศ. years aside
    assert not unsourced, f"hotline-like numbers not in the fact sheet: {sorted(unsourced)}"


def test_every_web_address_is_sourced(course):
    """Each domain named in the course is in the fact sheet or is an official (.go.th) page cited as a reference."""
    if not FACTS.is_file():
        pytest.skip("shared/facts-th.md is not beside the checkout")
    facts = FACTS.read_text(encoding="utf-8").lower()
    cited = {re.sub(r"^https?://(www\.)?", "", r.url).split("/")[0].lower()
             for m in course.modules for r in m.meta.references}
    domains = {d.lower() for d in re.findall(r"(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:go\.th|com|org|net|th))",
                                             _all_text(course), flags=re.I)}
    domains -= {"example.org", "osd-course.example.org"}
    unsourced = {d for d in domains if d not in facts and not (d.endswith(".go.th") and d in cited)}
    assert not unsourced, f"domains neither in the fact sheet nor cited official pages: {sorted(unsourced)}"
