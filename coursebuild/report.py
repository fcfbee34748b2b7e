"""The one reporter: turns Problems into text for people, GitHub annotations, or JSON."""
from __future__ import annotations

import json

from coursebuild.problems import Problem


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in file and position order. Every count is taken after this, so the
    summary always counts what is printed."""
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def summary(problems: list[Problem]) -> str:
    problems = sort_problems(problems)
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if not problems:
        return "ok: no problems found"
    files = len({p.path for p in problems})
    parts = []
    if errors:
        parts.append(f"{len(errors)} error{'s' if len(errors) != 1 else ''}")
    if warnings:
        parts.append(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    return f"{' and '.join(parts)} in {files} file{'s' if files != 1 else ''}"


def format_human(problems: list[Problem]) -> str:
    lines = []
    for p in sort_problems(problems):
        lines.append(f"{p.path}:{p.line}:{p.column}: {p.severity}[{p.code}]: {p.message}")
        if p.hint:
            lines.append(f"    hint: {p.hint}")
    lines.append(summary(problems))
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem]) -> str:
    """GitHub workflow commands, so each problem shows on its line in a pull request."""
    lines = []
    for p in sort_problems(problems):
        props = f"file={_escape_property(p.path)}"
        if p.line:
            props += f",line={p.line}"
        if p.column:
            props += f",col={p.column}"
        props += f",title={_escape_property(p.code)}"
        message = p.message + (f" Hint: {p.hint}" if p.hint else "")
        lines.append(f"::{p.severity} {props}::{_escape_data(message)}")
    lines.append(summary(problems))
    return "\n".join(lines) + "\n"


def format_json(problems: list[Problem]) -> str:
    data = {
        "problems": [
            {"path": p.path, "line": p.line, "column": p.column, "severity": p.severity,
             "code": p.code, "message": p.message, "hint": p.hint}
            for p in sort_problems(problems)
        ],
        "errors": sum(p.is_error for p in sort_problems(problems)),
        "warnings": sum(not p.is_error for p in sort_problems(problems)),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


FORMATS = {"human": format_human, "github": format_github, "json": format_json}
