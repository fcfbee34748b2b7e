"""`build.py build`: everything `make` builds, planned before anything is written.

1. Plan. The caller has loaded and checked the course. Every cohort folder in roster/ is locked,
   loaded, validated and numbered (certificates.command.plan_certificates), every print
   document's HTML is made and its images checked (render.print.handouts.plan_print), and the site
   engine is chosen. Any error stops the build here, with every problem of every part in one
   report, and nothing in site/, dist/ or roster/ has been written or replaced.
2. Write, in order, each step replacing its output atomically: the certificates (with the serials
   and secrets they need), the public handouts, the site, then the trainer copies. Print jobs
   render in a process pool from the start of the print step; the site is built from the public
   handouts' manifest while the trainer copies still render (render/print/handouts.PrintRun).
   The site gets the handout manifest and the verify hashes from the steps before it in memory,
   not by reading back site/ and dist/.

A step can still fail while writing (a full disk, a PDF engine warning): the steps before it
keep their new output, the failed one and those after it keep their old.
"""
from __future__ import annotations

from collections.abc import Iterator

from coursebuild.problems import ContentError


def build_everything(course, engine: str | None = None) -> Iterator[str]:
    """Build certificates, handouts and site for the checked `course`; yields report lines."""
    from coursebuild.certificates.command import (
        NO_COHORTS,
        issue_certificates,
        locked_cohorts,
        plan_certificates,
    )
    from coursebuild.render.print.handouts import PrintRun, plan_print
    from coursebuild.render.site.build import build_site
    from coursebuild.render.site.engines import choose_engine

    engine = choose_engine(course.root, engine)
    with locked_cohorts(course, []) as folders:
        certificates, problems = plan_certificates(course, folders) if folders else (None, [])
        jobs, print_problems = plan_print(course)
        problems = problems + print_problems
        if (folders and certificates is None) or print_problems:
            raise ContentError(problems)
        yield from issue_certificates(course, certificates) if certificates else [NO_COHORTS]
    with PrintRun(course, jobs) as print_run:
        lines, manifest = print_run.finish_public()
        yield from lines
        # The site needs only the public handouts' manifest: it is built while the trainer copies
        # (the trainer book is the longest document) still render in the pool.
        site = build_site(course, engine, handouts=manifest, public=certificates.public if certificates else None)
        yield f"site: wrote {site}"
        yield from print_run.finish_trainer()
