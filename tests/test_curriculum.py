"""The real course meets the curriculum's structural minimums and cites its facts."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursebuild.checks import load_checked_course
from coursebuild.checks.claims import check_claims
from coursebuild.checks.learning_time import check_claimed_durations, check_time_boxes
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
    assert sum(m.meta.duration for m in course.modules) >= course.config.requirements.min_hours * 60


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


def test_every_claim_is_registered_with_a_source_that_exists(course):
    """A wrong hotline number sends a scam victim to the wrong place: every number, domain, law and
    app name of the course is in course/claims.yml (check_claims finds none outside it, see
    tests/test_claims.py for the warning on a new one), and each entry's fact-sheet section exists."""
    assert course.claims is not None
    assert check_claims(course) == []
    if not FACTS.is_file():
        pytest.skip("shared/facts-th.md is not beside the checkout")
    facts = FACTS.read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (.+?)\s*$", facts, re.M))
    for claim in course.claims.claims:
        source = claim.data.source
        assert source.fact_sheet or source.url or source.course, claim.data.id
        if source.fact_sheet:
            assert source.fact_sheet in sections, f"{claim.data.id}: no section '{source.fact_sheet}' in facts-th.md"


def test_every_phone_number_and_domain_claim_is_in_the_fact_sheet(course):
    """Hotlines and web addresses come from the fact sheet (or a cited official page), never from memory."""
    if not FACTS.is_file():
        pytest.skip("shared/facts-th.md is not beside the checkout")
    facts = FACTS.read_text(encoding="utf-8").lower()
    cited = {re.sub(r"^https?://(www\.)?", "", r.url).split("/")[0].lower()
             for m in course.modules for r in m.meta.references}
    for claim in course.claims.claims:
        if claim.data.kind == "phone":
            for number in (re.findall(r"\d{3,}", m.text) for m in claim.match):
                assert all(n in facts for n in number), f"{claim.data.id}: {number} not in the fact sheet"
        if claim.data.kind in ("domain", "url", "phone", "app"):
            for match in claim.match:
                for domain in re.findall(r"(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:go\.th|or\.th|com|org|net|th))",
                                         match.text.lower()):
                    assert domain in facts or domain in cited, f"{claim.data.id}: {domain} is unsourced"


def test_learning_time_adds_up_to_what_the_curriculum_requires(course):
    requirements = course.config.requirements
    assert requirements is not None and requirements.min_hours == 18
    assert sum(m.meta.duration for m in course.modules) >= requirements.min_hours * 60
    assert check_time_boxes(course) == [] and check_claimed_durations(course) == []
