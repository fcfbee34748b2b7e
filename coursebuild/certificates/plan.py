"""Who gets which certificate number: eligibility, serials from numbers.csv, check codes, state kept.
"""
from __future__ import annotations

import csv
import io
import os
import secrets
from dataclasses import dataclass

from coursebuild import thai
from coursebuild.certificates.cells import spreadsheet_row
from coursebuild.certificates.cohort_config import format_number, number_prefix
from coursebuild.certificates.registry import (
    PATTERN_FILE,
    REGISTRY_FILE,
    REGISTRY_HEADER,
    SECRET_FILE,
    RegistryEntry,
    pattern_file_text,
)
from coursebuild.certificates.roster import Cohort
from coursebuild.certificates.trainees import Trainee, not_eligible_reasons
from coursebuild.certificates.verify import (
    PublicCohort,
    certificate_hash,
    check_code,
    revocation_hash,
)
from coursebuild.problems import Problem
from coursebuild.write import write_private


@dataclass(frozen=True)
class Outcome:
    trainee: Trainee
    status: str  # "issued", "not-eligible" or "revoked"
    number: str = ""
    reason: str = ""


@dataclass(frozen=True)
class CohortPlan:
    cohort: Cohort
    outcomes: list[Outcome]
    secret: str
    new_secret: bool
    new_entries: list[RegistryEntry]
    orphans: int  # registry serials whose trainee is no longer in the roster
    public: PublicCohort

    @property
    def issued(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "issued"]


def plan_cohort(cohort: Cohort) -> tuple[CohortPlan, list[Problem]]:
    """Decide eligibility and numbers. Serials come from the registry (numbers.csv): a trainee
    keeps theirs forever, and a new eligible trainee gets the next unused one, so adding or
    removing rows renumbers nobody."""
    secret = cohort.secret or secrets.token_hex(32)
    year = thai.buddhist_year(cohort.start)

    def number(serial: int) -> str:
        check = check_code(secret, cohort.id, serial)
        return format_number(cohort.number_pattern, year, cohort.config.code, serial, check)

    serials = {entry.key: entry.serial for entry in cohort.registry}
    next_serial = max(serials.values(), default=0) + 1
    known = {number(entry.serial) for entry in cohort.registry}
    revoked: dict[str, str] = {}
    problems: list[Problem] = []
    revoked_path = f"{cohort.path}/revoked.txt"
    for revocation in cohort.revocations:
        if revocation.number in known:
            revoked[revocation.number] = revocation.reason
        else:
            problems.append(Problem(revoked_path, revocation.line, 1, "revoked-unknown",
                                    f"'{revocation.number}' is not a certificate number of this cohort",
                                    "copy the number exactly from summary.csv, check code included"))
    outcomes: list[Outcome] = []
    new_entries: list[RegistryEntry] = []
    for trainee in cohort.trainees:
        reasons = not_eligible_reasons(trainee, cohort.config.eligibility)
        if reasons:
            outcomes.append(Outcome(trainee, "not-eligible", reason="; ".join(reasons)))
            continue
        serial = serials.get(trainee.key)
        if serial is None:
            serial = serials[trainee.key] = next_serial
            next_serial += 1
            new_entries.append(RegistryEntry(serial, f"{trainee.first_name} {trainee.last_name}", trainee.place, 0))
        text = number(serial)
        if text in revoked:
            outcomes.append(Outcome(trainee, "revoked", text, "ถูกเพิกถอน" + (f": {revoked[text]}" if revoked[text] else "")))
        else:
            outcomes.append(Outcome(trainee, "issued", text))
    in_roster = {t.key for t in cohort.trainees}
    orphans = sum(1 for e in cohort.registry if e.key not in in_roster and number(e.serial) not in revoked)
    public = PublicCohort(
        cohort=cohort.id, prefix=number_prefix(cohort.number_pattern, cohort.config, cohort.start),
        title=cohort.config.title, issued=thai.thai_date(cohort.issued, era=True),
        valid=[certificate_hash(o.number, o.trainee.name_key) for o in outcomes if o.status == "issued"],
        revoked=[revocation_hash(n) for n in revoked], course=cohort.config.course)
    return CohortPlan(cohort, outcomes, secret, not cohort.secret, new_entries, orphans, public), problems


def save_cohort_state(plan: CohortPlan) -> None:
    """Keep the secret (first build) and append new serials: both live in the roster folder.

    Each file is replaced whole (write_private): a full disk or a kill never leaves half a row,
    and both end up readable by their owner only. The caller holds the cohort's lock, so nothing
    else writes them meanwhile."""
    folder = plan.cohort.folder
    if plan.new_secret:
        write_private(folder / SECRET_FILE, (plan.secret + "\n").encode("ascii"))
    if plan.cohort.issued_pattern != plan.cohort.number_pattern and (plan.new_entries or plan.cohort.registry):
        # First numbers (or a cohort from before the pattern was kept): from now on it is fixed.
        write_private(folder / PATTERN_FILE, pattern_file_text(plan.cohort.number_pattern).encode("utf-8"))
    if plan.new_entries:
        path = folder / REGISTRY_FILE
        old = path.read_bytes() if path.exists() else b""
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        if not old:
            out.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a byte-order mark
            writer.writerow(REGISTRY_HEADER)
        elif not old.endswith(b"\n"):
            out.write("\n")
        writer.writerows(spreadsheet_row([e.serial, e.name, e.place]) for e in plan.new_entries)
        write_private(path, old + out.getvalue().encode("utf-8"))
    # Files copied in (the sample cohort from git, a backup) keep their mode until we rewrite them:
    # make them private now, since they name trainees (numbers.csv) or are the key (.secret).
    for name in (REGISTRY_FILE, SECRET_FILE):
        if (folder / name).is_file():
            os.chmod(folder / name, 0o600)
