"""`build.py certificates`: lock and load every cohort, plan, render into staging folders, then
swap in. `build.py build` and `check` use the same planning (plan_certificates, check_rosters), so a
bad roster row stops a build before anything is written.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from coursebuild.certificates.assembly import (
    PdfWriter,
    UnsupportedWeasyPrint,
    check_weasyprint_version,
)
from coursebuild.certificates.badges import (
    HOLDER_DIR,
    plan_badges,
    publish_badges,
    write_holder_badges,
)
from coursebuild.certificates.cells import spreadsheet_row
from coursebuild.certificates.fit import check_fixed_lines, check_printable
from coursebuild.certificates.html import (
    background_html,
    certificate_css,
    names_html,
    readable_files,
    sign_in_grid,
    sign_in_html,
    sign_in_pages,
    template_env,
    theme_dir,
)
from coursebuild.certificates.layout import SHEET
from coursebuild.certificates.plan import (
    CohortPlan,
    Outcome,
    plan_cohort,
    save_cohort_state,
)
from coursebuild.certificates.pool import (
    CHUNK,
    SIGN_IN_CHUNK,
    Job,
    default_workers,
    run_jobs,
)
from coursebuild.certificates.registry import (
    LOCK_FILE,
    REGISTRY_FILE,
    SECRET_FILE,
    secret_env_name,
)
from coursebuild.certificates.reuse import (
    placeholder_out,
    render_key,
    reusable,
    store_key,
)
from coursebuild.certificates.roster import ROSTER_DIR, Cohort, load_course_cohort
from coursebuild.certificates.verify import (
    PUBLIC_DIR,
    PublicCohort,
    verify_url,
    write_public_data,
)
from coursebuild.checks.learning_time import check_cohort_hours
from coursebuild.problems import ContentError, Problem, relpath
from coursebuild.report import format_human
from coursebuild.write import (
    Busy,
    exclusive_lock,
    private_files,
    replace_dir,
    staging_dir,
    uninterrupted,
)

OUTPUT_DIR = Path("dist") / "certificates"


SINGLES_DIR = "by-number"


PRINT_FILE = "print-all.pdf"


SIGN_IN_FILE = "sign-in-sheet.pdf"


SUMMARY_FILE = "summary.csv"


NOT_ELIGIBLE_FILE = "not-eligible.txt"


NO_COHORTS = f"certificates: no cohort folders in {ROSTER_DIR}/, nothing to issue"


def safe_file_name(number: str) -> str:
    """A certificate number as a file name on any system: letters, marks, digits, '-' and '_'."""
    text = unicodedata.normalize("NFC", number)
    text = "".join(ch if unicodedata.category(ch)[0] in "LMN" or ch in "-_" else "-" for ch in text)
    text = re.sub(r"-{2,}", "-", text).strip("-_")
    return text[:120] or "certificate"


def render_cohort(course, plan: CohortPlan, out: Path, workers: Optional[int] = None) -> None:
    """Write every output file of one cohort into the empty folder `out`."""
    cohort = plan.cohort
    issued = plan.issued
    (out / SINGLES_DIR).mkdir(parents=True)
    pages = sign_in_pages(cohort)
    workers = default_workers(len(issued) + len(cohort.trainees) // 3) if workers is None else workers
    problems: list[Problem] = []
    with contextlib.ExitStack() as stack:
        prints = PdfWriter(stack.enter_context(open(out / PRINT_FILE, "wb")),
                            f"วุฒิบัตร {cohort.config.title} (ชุดพิมพ์)") if issued else None
        sheet = PdfWriter(stack.enter_context(open(out / SIGN_IN_FILE, "wb")), f"ใบลงชื่อ {cohort.config.title}")
        for result in run_jobs(_jobs(course, cohort, issued, pages, out), workers):
            problems += result.problems
            if result.part is not None and not problems:
                (prints if result.certificates else sheet).add_part(result.part)
        if problems:
            raise ContentError(problems)
        if prints:
            prints.close()
        sheet.close()
    write_summary(plan, out)


def _jobs(course, cohort: Cohort, issued: list[Outcome], pages: list[dict], out: Path) -> Iterator[Job]:
    root = course.root
    base_url = cohort.folder.as_uri() + "/"
    allowed = readable_files(root, cohort)
    css = certificate_css(root)
    backgrounds = {w: background_html(course, cohort, w) for w in {o.trainee.wording for o in issued}}
    source = relpath(theme_dir(root) / "certificate.html", root)
    for chunk in _chunks_by_wording(issued):
        yield Job(css, base_url, names_html(root, chunk), backgrounds[chunk[0].trainee.wording],
                   urls=tuple(verify_url(course.config.site_url, o.number) for o in chunk),
                   singles=tuple((str(out / SINGLES_DIR / f"{safe_file_name(o.number)}.pdf"), f"วุฒิบัตร {o.number}")
                                 for o in chunk),
                   source=source, allowed=allowed)
    sheet_css = template_env(root).get_template("signin.css").render(sheet=SHEET)
    source = relpath(theme_dir(root) / "signin.html", root)
    for start in range(0, len(pages), SIGN_IN_CHUNK):
        chunk = pages[start:start + SIGN_IN_CHUNK]
        yield Job(sheet_css, base_url, sign_in_html(course, cohort, chunk, len(pages)),
                   overlays=tuple(sign_in_grid(p["first"], len(p["rows"])) for p in chunk), source=source,
                   allowed=allowed)


def _chunks_by_wording(issued: list[Outcome]) -> Iterator[list[Outcome]]:
    """Roster order, cut where the wording changes (one background per chunk) and every CHUNK."""
    run: list[Outcome] = []
    for outcome in issued:
        if run and (len(run) == CHUNK or outcome.trainee.wording != run[0].trainee.wording):
            yield run
            run = []
        run.append(outcome)
    if run:
        yield run


def summary_rows(plan: CohortPlan) -> list[list]:
    return [["number", "name", "eligible", "reason", "row"]] + [
        spreadsheet_row([o.number, o.trainee.full_name, "yes" if o.status == "issued" else "no", o.reason,
                         o.trainee.line]) for o in plan.outcomes]


def write_summary(plan: CohortPlan, out: Path) -> None:
    with open(out / SUMMARY_FILE, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(summary_rows(plan))
    lines = [f"{o.trainee.full_name} (แถว {o.trainee.line}): {o.reason}" for o in plan.outcomes if o.status != "issued"]
    (out / NOT_ELIGIBLE_FILE).write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def output_key(course, plan: CohortPlan) -> tuple[str, list[str]]:
    """The key of everything a cohort's folder is made from (reuse.py), and the files it holds."""
    cohort = plan.cohort
    jobs = _jobs(course, cohort, plan.issued, sign_in_pages(cohort), placeholder_out())
    summary = "\n".join(repr(row) for row in summary_rows(plan)).encode("utf-8")
    badges = plan_badges(course, plan)
    holders = badges.holders if badges is not None else {}
    key = render_key(plan, jobs, theme_dir(course.root), summary, holders)
    expected = [SUMMARY_FILE, NOT_ELIGIBLE_FILE, SIGN_IN_FILE] + ([PRINT_FILE] if plan.issued else [])
    expected += [f"{SINGLES_DIR}/{safe_file_name(o.number)}.pdf" for o in plan.issued]
    expected += [f"{HOLDER_DIR}/{safe_file_name(number)}.png" for number in holders]
    return key, expected


def report_lines(plan: CohortPlan, out: Path, root: Path, kept: bool = False) -> list[str]:
    cohort = plan.cohort
    where = relpath(out, root)
    lines = [f"{cohort.path}: {len(plan.issued)} certificate(s) → {where}/ "
             f"({SINGLES_DIR}/, {PRINT_FILE}, {SIGN_IN_FILE}, {SUMMARY_FILE})"
             + (": unchanged since the last run, kept" if kept else "")]
    skipped = [o for o in plan.outcomes if o.status != "issued"]
    if skipped:
        lines.append(f"{cohort.path}: {len(skipped)} without a certificate:")
        lines += [f"  row {o.trainee.line} {o.trainee.full_name}: {o.reason}" for o in skipped]
    if plan.new_entries:
        lines.append(f"{cohort.path}: {len(plan.new_entries)} new serial(s) kept in {cohort.path}/{REGISTRY_FILE}")
    if plan.new_secret:
        lines.append(f"{cohort.path}: created {cohort.path}/{SECRET_FILE}: back it up; it is never committed "
                     f"(a build machine may give it as the environment variable {secret_env_name(cohort.id)})")
    if plan.orphans:
        lines.append(f"{cohort.path}: {plan.orphans} earlier certificate(s) belong to no trainee in the roster now; "
                     "they verify as ไม่พบ (list them in revoked.txt to show ถูกเพิกถอน)")
    lines.append(f"{cohort.path}: verification hashes (no names) → {PUBLIC_DIR.as_posix()}/{cohort.id}.json; "
                 "publish with `python build.py site`, or commit it (roster/README.md, \"Publishing\")")
    return lines


def cohort_folders(root: Path, paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    if not paths:
        base = root / ROSTER_DIR
        found = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
            if base.is_dir() else []
        return found, []
    folders, problems = [], []
    for path in paths:
        candidates = [path] if path.is_absolute() else [Path.cwd() / path, root / path]
        folder = next((c for c in candidates if c.is_dir()), None)
        if folder is None:
            problems.append(Problem(path.as_posix(), 0, 0, "missing-file", f"no cohort folder {path}",
                                    f"give a folder under {ROSTER_DIR}/, e.g. {ROSTER_DIR}/sample-2565-bkk"))
        else:
            folders.append(folder.resolve())
    return folders, problems


@contextlib.contextmanager
def locked_cohorts(course, cohort_paths: list[Path]) -> Iterator[list[Path]]:
    """The cohort folders to issue (default: every folder in roster/), each locked for this run.

    One run per cohort at a time, from reading numbers.csv to writing it: two runs would both give
    the next serial to different trainees. Raises ContentError (nothing written) on another
    WeasyPrint than the pinned one, a missing folder or a cohort another run holds."""
    try:
        check_weasyprint_version()
    except UnsupportedWeasyPrint as exc:
        raise ContentError([Problem("requirements.txt", 0, 0, "weasyprint-version", str(exc),
                                    "run `make` to install the pinned versions")]) from None
    root = course.root
    folders, problems = cohort_folders(root, cohort_paths)
    with contextlib.ExitStack() as locks:
        for folder in folders:
            try:
                locks.enter_context(exclusive_lock(folder / LOCK_FILE))
            except Busy as busy:
                problems.append(Problem(relpath(folder, root), 0, 0, "cohort-busy",
                                        f"another `certificates` run ({busy.holder or 'another process'}) "
                                        "is working on this cohort", "wait for it to finish, then run again"))
        if any(p.is_error for p in problems):
            raise ContentError(problems)
        yield folders


@dataclass(frozen=True)
class CertificatePlan:
    """Every cohort of a run read, validated and numbered: what `issue_certificates` writes."""

    plans: list[CohortPlan]
    problems: list[Problem]  # reported with the result: warnings, and rows left out by --skip-invalid

    @property
    def public(self) -> list[PublicCohort]:
        """The verify page's data for these cohorts (no personal data), for the site build."""
        return [plan.public for plan in self.plans]


def plan_certificates(course, folders: list[Path], skip_invalid: bool = False
                      ) -> tuple[CertificatePlan | None, list[Problem]]:
    """Load, validate and number the cohorts in `folders`. Reads only, writes nothing.

    Returns None and every problem when anything stops the run; with `skip_invalid`, bad trainee
    rows are left out instead, and returned among the problems. The numbers are final only while
    the caller holds the cohorts' locks (locked_cohorts)."""
    problems: list[Problem] = []
    row_problems: list[Problem] = []
    cohorts: list[Cohort] = []
    for folder in folders:
        item = load_course_cohort(course, folder)
        problems += item.problems
        row_problems += item.row_problems
        if item.cohort is not None:
            problems += check_fixed_lines(course, item.cohort)
            problems += check_cohort_hours(course, item.cohort)
            row_problems += check_printable(item.cohort)
            cohorts.append(item.cohort)
    if any(p.is_error for p in problems) or (not skip_invalid and any(p.is_error for p in row_problems)):
        return None, problems + row_problems
    plans = []
    for cohort in (_without_bad_rows(c, row_problems) for c in cohorts):
        plan, sub = plan_cohort(cohort)
        problems += sub
        plans.append(plan)
    if any(p.is_error for p in problems):
        return None, problems + row_problems
    return CertificatePlan(plans, problems + row_problems), problems + row_problems


def check_rosters(course) -> list[Problem]:
    """For `check`: what `certificates` would report for every cohort folder in roster/ (cohort.yml,
    the trainees file, numbers.csv, revoked.txt, names that will not print), with positions.
    Nothing is issued, numbered for keeps or written; no lock is taken."""
    folders, problems = cohort_folders(course.root, [])
    _, sub = plan_certificates(course, folders)
    return problems + sub


def build_certificates(course, cohort_paths: list[Path], skip_invalid: bool = False,
                       workers: Optional[int] = None) -> list[str]:
    """Issue the certificates of the given cohorts (default: every folder in roster/).

    Raises ContentError, writing nothing, if anything is wrong; with `skip_invalid`, bad trainee
    rows are left out and returned as problem lines instead."""
    with locked_cohorts(course, cohort_paths) as folders:
        if not folders:
            return [NO_COHORTS]
        plan, problems = plan_certificates(course, folders, skip_invalid)
        if plan is None:
            raise ContentError(problems)
        return issue_certificates(course, plan, workers)


def issue_certificates(course, plan: CertificatePlan, workers: Optional[int] = None) -> list[str]:
    """Render every planned cohort into a private staging folder, then swap them in together with
    the serials, secrets and public hashes. The caller holds the cohorts' locks."""
    root = course.root
    lines: list[str] = []
    # Certificates, sign-in sheets and summaries name trainees: owner-only (0700 folders, 0600
    # files), in this process and in the workers it starts.
    with contextlib.ExitStack() as stack, private_files():
        (root / OUTPUT_DIR).mkdir(parents=True, exist_ok=True)
        (root / OUTPUT_DIR).chmod(0o700)  # it may be older than this rule
        staged = []
        for cohort_plan in plan.plans:
            dest = root / OUTPUT_DIR / cohort_plan.cohort.id
            key, expected = output_key(course, cohort_plan)
            if reusable(dest, key, expected):  # nothing that decides these files changed
                staged.append((cohort_plan, None, dest))
                continue
            tmp = stack.enter_context(staging_dir(dest, private=True))
            render_cohort(course, cohort_plan, tmp, workers)
            write_holder_badges(course, cohort_plan, tmp)
            store_key(tmp, key)
            staged.append((cohort_plan, tmp, dest))
        with uninterrupted():  # serials, secrets and output change together, or not at all
            for cohort_plan, tmp, dest in staged:
                save_cohort_state(cohort_plan)
                if tmp is not None:
                    replace_dir(tmp, dest)
                write_public_data(root, cohort_plan.public)
                lines += report_lines(cohort_plan, dest, root, kept=tmp is None)
                lines += publish_badges(course, cohort_plan)
    if plan.problems:
        lines += format_human(plan.problems).rstrip("\n").split("\n")
    return lines


def _without_bad_rows(cohort: Cohort, problems: list[Problem]) -> Cohort:
    bad = {p.line for p in problems if p.path == cohort.trainee_file and p.is_error}
    if not bad:
        return cohort
    return dataclasses.replace(cohort, trainees=[t for t in cohort.trainees if t.line not in bad])
