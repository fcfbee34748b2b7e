"""`build.py export`: every quiz as Moodle XML, GIFT and Open edX OLX, into dist/export/<format>/.

Everything is rendered in memory first; only then is each format's folder replaced whole, so a
failed export leaves the previous files where they were.
"""
from __future__ import annotations

from pathlib import Path

from coursebuild.export.gift import gift_files
from coursebuild.export.moodle import moodle_files
from coursebuild.export.olx import olx_archive
from coursebuild.export.view import credit_problems, export_view
from coursebuild.problems import ContentError, relpath
from coursebuild.write import replace_dir, staging_dir

OUTPUT_DIR = Path("dist") / "export"
WRITERS = {"moodle": moodle_files, "gift": gift_files, "olx": olx_archive}
FORMATS = tuple(WRITERS)


def build_export(course, formats: list[str] | None = None) -> list[str]:
    formats = list(formats or FORMATS)
    quizzes = export_view(course)
    if not quizzes:
        return ["export: the course has no quizzes; nothing written"]
    if {"moodle", "gift"} & set(formats):
        problems = credit_problems(quizzes)
        if problems:
            raise ContentError(problems)
    rendered = {name: WRITERS[name](course, quizzes) for name in formats}
    lines = []
    for name, files in rendered.items():
        dest = course.root / OUTPUT_DIR / name
        with staging_dir(dest) as tmp:
            for file_name, data in sorted(files.items()):
                (tmp / file_name).write_bytes(data)
            replace_dir(tmp, dest)
        lines.append(f"export: {name}: {len(files)} file(s) for {len(quizzes)} quiz(zes) → "
                     f"{relpath(dest, course.root)}/")
    return lines
