"""The public verify page: the page itself, its script, and every cohort's hash file.

The hash files come from `build.py certificates` (dist/verify/); they hold no personal data
(see coursebuild/certificates/verify.py for how they are made).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import jinja2

from coursebuild import urls
from coursebuild.certificates.verify import FORMAT, VERIFY_DATA_DIR, public_files
from coursebuild.markup import engine_root
from coursebuild.problems import ContentError, Problem, relpath


def write_verify_docs(course, docs: Path) -> None:
    """The verify page, its script and every cohort's hash file, into the MkDocs docs folder."""
    out = docs / urls.VERIFY_DIR
    (out / VERIFY_DATA_DIR).mkdir(parents=True)
    cohorts = []
    for path in public_files(course.root):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            prefix = data["prefix"] if data["format"] == FORMAT else None
        except (ValueError, KeyError, TypeError):
            prefix = None
        if not isinstance(prefix, str):
            raise ContentError([Problem(relpath(path, course.root), 0, 0, "verify-data",
                                        "this verification file is damaged or from another version",
                                        "run `python build.py certificates` again to rewrite it")])
        shutil.copyfile(path, out / VERIFY_DATA_DIR / path.name)
        cohorts.append({"file": f"{VERIFY_DATA_DIR}/{path.name}", "prefix": prefix})
    theme = engine_root(course.root) / "theme" / "certificate"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    page = env.get_template("verify.md").render(cohorts=json.dumps(cohorts, ensure_ascii=False),
                                                course_title=course.config.title)
    (out / "index.md").write_text(page, encoding="utf-8")
    for name in ("verify.js", "verify.css"):
        shutil.copyfile(theme / name, out / name)
