"""The project's own course, whichever it is: the sample อสด. course or one made by `build.py init`.

Only what holds for any course is tested here: it passes `check --strict` (which enforces the
course's own `requirements:` from course.yml: module count, hours, quiz length, sections) and,
when the fact sheet is beside the checkout, its registered hotlines and addresses come from it.
The tool itself is tested on the fixtures in tests/fixtures/, never on this course."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursebuild.checks import load_checked_course
from coursebuild.checks.claims import check_claims

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT.parent / "shared" / "facts-th.md"


@pytest.fixture(scope="module")
def course():
    # strict: every warning counts. check itself enforces course.yml's requirements (module count,
    # hours, quiz length, required sections: checks/requirements.py), so they hold here too.
    course, problems = load_checked_course(ROOT, strict=True)
    assert course is not None and problems == [], "\n".join(f"{p.path}:{p.line}: {p.message}" for p in problems)
    return course


def test_the_course_passes_check_strict(course):
    assert course.modules and course.config.title


def test_every_claim_is_registered_with_a_source_that_exists(course):
    """A wrong hotline number sends a scam victim to the wrong place: every number, domain, law and
    app name of the course is in course/claims.yml (check_claims finds none outside it, see
    tests/test_claims.py for the warning on a new one), and each entry's fact-sheet section exists."""
    if course.claims is None:
        pytest.skip("the course keeps no claims register")
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
