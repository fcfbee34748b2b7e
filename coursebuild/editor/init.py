"""`python build.py init`: turn a fresh clone (the sample course) into a new, empty course.

What it does, in this order, and only after every check passed:

1. removes the sample content: course/, quizzes/, the sample cohort roster/sample-2565-bkk/
   and its public files in published/;
2. removes old outputs: site/, dist/, build/ (the verify page would otherwise keep publishing
   the sample cohort);
3. writes a skeleton course from theme/skeleton/ (course.yml with the new id, title, organiser
   and short name; home, glossary and trainers' pages; terms.yml; an empty claims.yml) and one
   module with its quiz (editor/scaffold.py, as `new-module` writes them).

The theme, the tool, its tests and the docs stay. What makes content "real", so that init refuses
without --force: a course.yml whose id is not the sample's (a course made by init, or edited
into another), uncommitted changes to course/ or quizzes/ (git would not give them back), a
cohort folder in roster/ other than the sample, and public files of another cohort in published/
(certificates were issued). Even with --force, a real cohort's folder is never deleted: it holds
the only copy of its serial numbers and secret.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from coursebuild.certificates.badges import PUBLIC_DIR as BADGES_DIR
from coursebuild.certificates.verify import PUBLIC_DIR as VERIFY_DIR
from coursebuild.editor.scaffold import module_text, quiz_text
from coursebuild.problems import Problem
from coursebuild.source.load import COURSE_DIR, MODULE_DIR, QUIZ_DIR
from coursebuild.source.model import SHORT_NAME_PATTERN, SLUG_PATTERN
from coursebuild.source.yamlsource import load_yaml
from coursebuild.templates import template_env

SAMPLE_COURSE_ID = "osd-village"
SAMPLE_COHORT = "sample-2565-bkk"
OUTPUTS = ("site", "dist", "build")
FIRST_MODULE = "introduction"
FIRST_MODULE_TITLE = "บทนำ"
SKELETON = "skeleton"  # theme/skeleton/
PAGES = ("index.md", "glossary.md", "trainers.md")
LISTS = ("terms.yml", "claims.yml")


@dataclass
class InitPlan:
    remove: list[Path] = field(default_factory=list)
    write: dict[Path, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)  # real cohorts left in place (--force)


def init_course(root: Path, course_id: str, title: str, organiser: str, short_name: str = "",
                force: bool = False) -> tuple[list[str], list[Problem]]:
    """Make the project at `root` a new course. Returns (report lines, problems); nothing is
    removed or written when there is any problem."""
    root = root.resolve()
    problems = _check_arguments(course_id, title, organiser, short_name)
    if problems:
        return [], problems
    real = real_content(root)
    if real and not force:
        return [], [Problem(path, 0, 0, "init-real-content", message,
                            "init replaces the course in this folder: run it in a fresh clone, or add --force to "
                            "replace this content (commit or copy it first; real cohorts in roster/ are kept)")
                    for path, message in real]
    plan = plan_init(root, course_id, title.strip(), organiser.strip(), short_name.strip())
    for path in plan.remove:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    for path, text in plan.write.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    lines = [f"removed {_rel(p, root)}" for p in plan.remove]
    lines += [f"created {_rel(p, root)}" for p in plan.write]
    lines += [f"kept roster/{name}: a cohort of the old course; move it out of roster/ before `make`"
              for name in plan.kept]
    lines.append(f"next: set site_url in {COURSE_DIR}/course.yml, write the lesson, then run: make")
    return lines, []


def _check_arguments(course_id: str, title: str, organiser: str, short_name: str) -> list[Problem]:
    problems = []
    if not re.match(SLUG_PATTERN, course_id):
        problems.append(Problem("", 0, 0, "bad-format", f"course id '{course_id}' has the wrong form",
                                "use lower-case English letters, digits and '-', e.g. health-osm"))
    for name, value, example in (("--title", title, "การใช้ดิจิทัลเพื่อสุขภาพสำหรับ อสม."),
                                 ("--organiser", organiser, "สำนักงานสาธารณสุขจังหวัดขอนแก่น")):
        if not value.strip() or "\n" in value:
            problems.append(Problem("", 0, 0, "empty-text", f"{name} is empty or on several lines",
                                    f'give it on one line, e.g. {name} "{example}"'))
    if short_name and not re.match(SHORT_NAME_PATTERN, short_name.strip()):
        problems.append(Problem("", 0, 0, "bad-format", f"--short-name '{short_name}' has the wrong form",
                                "keep it to 12 characters or fewer on one line: it is shown under the app icon"))
    return problems


def real_content(root: Path) -> list[tuple[str, str]]:
    """(path, why) for everything init would destroy that is not the shipped sample course."""
    found = []
    config = root / COURSE_DIR / "course.yml"
    if config.is_file():
        course_id = _course_id(config)
        if course_id != SAMPLE_COURSE_ID:
            found.append((f"{COURSE_DIR}/course.yml", f"this folder holds the course '{course_id or '?'}', "
                                                      "not the sample course init replaces"))
    changed = _uncommitted(root, COURSE_DIR, QUIZ_DIR)
    if changed:
        found.append((changed[0], f"{len(changed)} uncommitted change(s) in {COURSE_DIR}/ or {QUIZ_DIR}/ "
                                  f"(first: {changed[0]})"))
    for folder in _real_cohorts(root):
        found.append((f"roster/{folder}", "a cohort other than the sample: its numbers and secret exist only here"))
    for path in _published(root):
        found.append((_rel(path, root), "public files of issued certificates"))
    return found


def _course_id(config: Path) -> str:
    try:
        tree, _ = load_yaml(config.read_text(encoding="utf-8-sig"), "course.yml")
    except (OSError, UnicodeDecodeError):
        return ""
    item = tree.value.get("id") if tree is not None and isinstance(tree.value, dict) else None
    return str(item.value) if item is not None else ""


def _uncommitted(root: Path, *folders: str) -> list[str]:
    """Files git says differ from the last commit, when this is a git checkout with git at hand."""
    if not (root / ".git").exists():
        return []
    try:
        done = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", *folders],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    return [line[3:].strip() for line in done.stdout.splitlines() if line.strip()]


def _real_cohorts(root: Path) -> list[str]:
    roster = root / "roster"
    if not roster.is_dir():
        return []
    return sorted(p.name for p in roster.iterdir()
                  if p.is_dir() and p.name != SAMPLE_COHORT and not p.name.startswith((".", "_")))


def _published(root: Path) -> list[Path]:
    """Public files in published/ of any cohort but the sample."""
    found = [p for p in sorted((root / VERIFY_DIR).glob("*.json")) if p.stem != SAMPLE_COHORT]
    badges = root / BADGES_DIR
    if badges.is_dir():
        found += [p for p in sorted(badges.iterdir()) if p.name != SAMPLE_COHORT and not p.name.startswith(".")]
    return found


def plan_init(root: Path, course_id: str, title: str, organiser: str, short_name: str) -> InitPlan:
    plan = InitPlan()
    for name in (COURSE_DIR, QUIZ_DIR, *OUTPUTS):
        if (root / name).exists():
            plan.remove.append(root / name)
    if (root / "roster" / SAMPLE_COHORT).exists():
        plan.remove.append(root / "roster" / SAMPLE_COHORT)
    for path in (root / VERIFY_DIR / f"{SAMPLE_COHORT}.json", root / BADGES_DIR / SAMPLE_COHORT):
        if path.exists():
            plan.remove.append(path)
    plan.remove += _published(root)  # only with --force: refused above otherwise
    plan.kept = _real_cohorts(root)

    values = {"id": course_id, "title": _yaml(title), "organiser": _yaml(organiser),
              "short_name": _yaml(short_name) if short_name else "", "module": FIRST_MODULE}
    env = template_env(root, SKELETON)
    course = root / COURSE_DIR
    plan.write[course / "course.yml"] = env.get_template("course.yml").render(
        {k: Markup(v) for k, v in values.items()})
    markdown = {"title": Markup(_inline(title)), "organiser": Markup(_inline(organiser))}
    for name in PAGES:
        plan.write[course / name] = env.get_template(name).render(markdown)
    for name in LISTS:
        plan.write[course / name] = env.get_template(name).render()
    plan.write[course / MODULE_DIR / f"{FIRST_MODULE}.md"] = module_text(FIRST_MODULE, FIRST_MODULE_TITLE)
    plan.write[root / QUIZ_DIR / f"{FIRST_MODULE}.yml"] = quiz_text(FIRST_MODULE, FIRST_MODULE_TITLE)
    return plan


def _inline(text: str) -> str:
    """Text inside a line of Markdown, shown as typed: only what starts markup there is escaped
    (a dot, as in อสม., stays a dot for the editor who edits the page next)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]{}])", r"\\\1", text)


def _yaml(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: safe for ':', '#', quotes and Thai.
    return json.dumps(text, ensure_ascii=False)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
