"""Golden files for what editors read: the whole check report on the broken fixture, in each
format. After an intended change, refresh with `make golden` (UPDATE_GOLDEN=1) and review the diff."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coursebuild.cli import main

HERE = Path(__file__).resolve().parent
BROKEN = HERE / "fixtures" / "broken"
GOLDEN = HERE / "golden"
FORMATS = {"human": "check-broken.txt", "github": "check-broken.github.txt", "json": "check-broken.json"}


def _report(fmt: str, capsys) -> str:
    code = main(["--root", str(BROKEN), "check", "--format", fmt])
    assert code == 1
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_check_report_matches_golden_file(fmt, capsys):
    actual = _report(fmt, capsys)
    path = GOLDEN / FORMATS[fmt]
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run make golden"
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} changed: run make golden and review the diff"


def test_github_format_puts_each_problem_on_its_line():
    lines = (GOLDEN / FORMATS["github"]).read_text(encoding="utf-8").splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(json.loads((GOLDEN / FORMATS["json"]).read_text(encoding="utf-8"))["problems"])
    assert "::error file=quizzes/typos.yml,line=4,col=5,title=missing-field::" in "\n".join(annotations)
    assert all(",line=" in line and ",col=" in line for line in annotations)


def test_json_format_is_machine_readable():
    data = json.loads((GOLDEN / FORMATS["json"]).read_text(encoding="utf-8"))
    severities = [p["severity"] for p in data["problems"]]
    assert (data["errors"], data["warnings"]) == (severities.count("error"), severities.count("warning"))
    assert data["warnings"] and data["errors"] + data["warnings"] == len(data["problems"])
    assert set(data["problems"][0]) == {"path", "line", "column", "severity", "code", "message", "hint"}
