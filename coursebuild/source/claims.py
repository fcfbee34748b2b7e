"""course/claims.yml: the register of every concrete claim, read with the position of each string.

`checks/claims.py` holds the content to it (every number, domain, law and app name must lie inside
a registered match string) and holds it to the content (match strings must be where it says).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coursebuild.problems import Problem, relpath
from coursebuild.source.files import read_yaml_file
from coursebuild.source.model import Claim, ClaimsFile
from coursebuild.source.yamlsource import Located

CLAIMS_FILE = "course/claims.yml"


@dataclass(frozen=True)
class Placed:
    """A string of the register and where it is written in claims.yml."""

    text: str
    line: int
    column: int


@dataclass(frozen=True)
class RegisteredClaim:
    data: Claim
    match: tuple[Placed, ...]
    where: tuple[Placed, ...]
    key: Located  # the entry, for positions of its other fields

    def field_position(self, name: str) -> tuple[int, int]:
        item = self.key.value.get(name) if isinstance(self.key.value, dict) else None
        return (item.line, item.column) if item is not None else (self.data.line, self.data.column)


@dataclass(frozen=True)
class Claims:
    path: str
    claims: tuple[RegisteredClaim, ...]


def load_claims(root: Path) -> tuple[Claims | None, list[Problem]]:
    """Read course/claims.yml. A missing file means the course keeps no register (nothing to check)."""
    path = root / CLAIMS_FILE
    if not path.is_file():
        return None, []
    rel = relpath(path, root)
    data, tree, problems = read_yaml_file(path, root, ClaimsFile, "claims.yml")
    if data is None:
        return None, problems
    claims = []
    seen: dict[str, int] = {}
    for claim, item in zip(data.claims, tree.value["claims"].value):
        if claim.id in seen:
            at = item.value["id"]
            problems.append(Problem(rel, at.line, at.column, "claims-duplicate-id",
                                    f"the claim id '{claim.id}' is used twice (first on line {seen[claim.id]})",
                                    "give every claim its own id; reviews cite them"))
        seen.setdefault(claim.id, item.value["id"].line)
        source = claim.source
        if not (source.fact_sheet or source.url or source.course):
            at = item.value["source"]
            problems.append(Problem(rel, at.line, at.column, "claims-no-source",
                                    f"claim '{claim.id}' does not say where it comes from",
                                    "give source: {fact_sheet: \"<section>\", checked: <date>}, {url: …, checked: …} "
                                    "or {course: \"<what in this repository decides it>\"}"))
        claims.append(RegisteredClaim(claim, _placed(claim.match, item.value["match"]),
                                      _placed(claim.where, item.value["where"]), item))
    return Claims(rel, tuple(claims)), problems


def _placed(values: list[str], node: Located) -> tuple[Placed, ...]:
    return tuple(Placed(text, at.line, at.column) for text, at in zip(values, node.value))
