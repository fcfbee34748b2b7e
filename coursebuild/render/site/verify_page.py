"""The public verify page: the page itself, its script, and every cohort's hash file.

The hash files come from `build.py certificates` (published/verify/, committed for real cohorts),
or in memory from the same run of `build.py build`; they hold no personal data (see
coursebuild/certificates/verify.py for how they are made).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from coursebuild import urls
from coursebuild.certificates.badges import PUBLIC_DIR as BADGES_DIR
from coursebuild.certificates.cohort_config import course_number_pattern, format_number
from coursebuild.certificates.verify import (
    CHECK_LENGTH,
    FORMAT,
    VERIFY_DATA_DIR,
    PublicCohort,
    public_files,
)
from coursebuild.markup import engine_root
from coursebuild.problems import ContentError, Problem, relpath
from coursebuild.render.site.docs import TrustedBlocks, front_matter
from coursebuild.templates import template_env


def write_verify_docs(course, docs: Path, blocks: TrustedBlocks, public: list[PublicCohort] | None = None) -> None:
    """The verify page, its script and every cohort's hash file, into the MkDocs docs folder.

    `public`: cohorts' data from this run (`build.py build` plans certificates first), published in
    place of their files in published/verify/; every other cohort's file there is published as it is."""
    out = docs / urls.VERIFY_DIR
    (out / VERIFY_DATA_DIR).mkdir(parents=True)
    given = {f"{cohort.cohort}.json": cohort for cohort in public or ()}
    files = {path.name: path for path in public_files(course.root) if path.name not in given}
    cohorts = []
    for name in sorted({*given, *files}):
        if name in given:
            (out / VERIFY_DATA_DIR / name).write_text(given[name].to_json(), encoding="utf-8")
            cohorts.append({"file": f"{VERIFY_DATA_DIR}/{name}", "prefix": given[name].prefix})
            continue
        path = files[name]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            prefix = data["prefix"] if data["format"] == FORMAT else None
        except (ValueError, KeyError, TypeError):
            prefix = None
        if not isinstance(prefix, str):
            raise ContentError([Problem(relpath(path, course.root), 0, 0, "verify-data",
                                        "this verification file is damaged or from another version",
                                        "run `python build.py certificates` again to rewrite it")])
        if data.get("course", course.config.id) != course.config.id:
            # Left behind by another course (the sample cohort's, after its folder was deleted by
            # hand): publishing it would make this site vouch for that course's certificates.
            raise ContentError([Problem(relpath(path, course.root), 0, 0, "verify-other-course",
                                        f"this verification file is of cohort '{data.get('cohort')}' of course "
                                        f"'{data['course']}', not of this course ('{course.config.id}')",
                                        f"delete it, and {BADGES_DIR.as_posix()}/{path.stem}/ if there is one "
                                        "(`python build.py init` removes the sample cohort's)")])
        shutil.copyfile(path, out / VERIFY_DATA_DIR / path.name)
        cohorts.append({"file": f"{VERIFY_DATA_DIR}/{path.name}", "prefix": prefix})
    theme = engine_root(course.root) / "theme" / "certificate"
    example = format_number(course_number_pattern(course), 2565, "ABC1", 1, "X" * CHECK_LENGTH)
    html = template_env(course.root, "certificate").get_template("verify.html").render(
        cohorts=json.dumps(cohorts, ensure_ascii=False), course_title=course.config.title, example_number=example,
        # Only the course's list: a cohort's own additions live in its private cohort.yml; a holder
        # with such a title types the name without it (the page says a prefix is optional).
        prefixes=json.dumps(course.prefixes.all_spellings() if course.prefixes else [], ensure_ascii=False))
    page = front_matter("ตรวจสอบวุฒิบัตร", search={"exclude": True}) + "# ตรวจสอบวุฒิบัตร\n\n" + blocks.add(html)
    (out / "index.md").write_text(page, encoding="utf-8")
    for name in ("verify.js", "verify.css"):
        shutil.copyfile(theme / name, out / name)
