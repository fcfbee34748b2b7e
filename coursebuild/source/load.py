"""Stage 1: read every content file into typed objects, keeping source positions.

Nothing is written here. `load_course` returns the course (as far as it could be read) and every
problem found; the caller decides whether to go on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from coursebuild.problems import Problem, relpath
from coursebuild.source.claims import Claims, load_claims
from coursebuild.source.files import read_text, read_yaml_file
from coursebuild.source.limits import MarkdownGuard
from coursebuild.source.model import (
    CourseConfig,
    ModuleMeta,
    PageMeta,
    convert,
)
from coursebuild.source.prefixes import Prefixes, load_prefixes
from coursebuild.source.quizzes import Quiz, load_quizzes
from coursebuild.source.terms import Terms, load_terms
from coursebuild.source.yamlsource import Located, load_yaml

COURSE_DIR = "course"
QUIZ_DIR = "quizzes"
MODULE_DIR = "modules"
IMAGE_DIR = "images"
HOME_PAGE = "index.md"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class Page:
    """A Markdown file: a module lesson, the home page or an extra page such as the glossary."""

    source: Path  # absolute
    path: str  # relative to the project root, for messages
    name: str  # relative to course/, e.g. "modules/fake-news.md"
    body: str
    body_line: int  # line of the file where the body starts (1-based)
    title: str
    # The front matter as parsed, so checks can point into its fields (the terms and claims checks).
    front_matter: Located | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Module:
    meta: ModuleMeta
    page: Page

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Course:
    root: Path
    config: CourseConfig
    home: Page
    modules: list[Module]
    quizzes: dict[str, Quiz]  # by module id
    pages: list[Page]  # extra pages in course.yml order
    content_files: list[Path] = field(default_factory=list)  # every source file, for text checks
    terms: Terms | None = None  # course/terms.yml, when the course has one
    claims: Claims | None = None  # course/claims.yml, when the course has one
    prefixes: Prefixes | None = None  # name prefixes for rosters: theme's defaults + course/prefixes.yml

    @property
    def course_dir(self) -> Path:
        return self.root / COURSE_DIR

    def module(self, module_id: str) -> Module:
        return next(m for m in self.modules if m.id == module_id)


def split_front_matter(text: str, path: str) -> tuple[Located | None, str, int, list[Problem]]:
    """Return (front matter tree, body, body start line, problems)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text, 1, []
    tree, problems = load_yaml(match.group(1) or "", path, line_offset=1)
    body_line = text[: match.end()].count("\n") + 1
    return tree, text[match.end():], body_line, problems


def load_page(path: Path, root: Path, meta_cls: type) -> tuple[Page | None, object, list[Problem]]:
    rel = relpath(path, root)
    text, problems = read_text(path, root)
    if text is None:
        return None, None, problems
    tree, body, body_line, sub = split_front_matter(text, rel)
    problems += sub
    if tree is None:
        if not sub:
            problems.append(Problem(rel, 1, 1, "missing-front-matter", "the file has no front matter",
                                    "start the file with a block between two '---' lines, holding at least 'title:'"))
        return None, None, problems
    meta, sub = convert(meta_cls, tree, rel, "front matter")
    problems += sub
    if meta is None:
        return None, None, problems
    # The site joins the front matter's texts (objectives, key points…) and the body into one page.
    guard = MarkdownGuard(rel, span=len(text))
    guard.add(body, body_line)
    for item in yaml_texts(tree):
        guard.add(item.value, item.line, item.column, exact=False)
    sub = guard.finish()
    if sub:
        return None, None, problems + sub
    name = path.relative_to(root / COURSE_DIR).as_posix()
    return Page(path, rel, name, body, body_line, meta.title, tree), meta, problems


def load_course(root: Path) -> tuple[Course | None, list[Problem]]:
    """Load course.yml, every listed module and page, and every quiz."""
    root = root.resolve()
    problems: list[Problem] = []
    course_dir = root / COURSE_DIR
    config_path = course_dir / "course.yml"
    config_rel = relpath(config_path, root)
    if not config_path.is_file():
        return None, [Problem(config_rel, 0, 0, "missing-file", "course/course.yml is missing",
                              "create it; see docs/editors.md for its fields")]
    config, tree, sub = read_yaml_file(config_path, root, CourseConfig, "course.yml")
    problems += sub
    if config is None:
        # Still read every other file: a slip in course.yml must not hide their problems until
        # the next run (every error in one run).
        return None, problems + _problems_without_config(root, tree)

    content_files = [config_path]
    modules: list[Module] = []
    seen: dict[str, int] = {}
    # Ids as the model read them ('- 2565' is the text "2565"), positions from the tree.
    for module_id, item in zip(config.modules, tree.value["modules"].value):
        if module_id in seen:
            problems.append(Problem(config_rel, item.line, item.column, "duplicate-id",
                                    f"module '{module_id}' is listed twice (first on line {seen[module_id]})",
                                    "list each module once"))
            continue
        seen[module_id] = item.line
        path = course_dir / MODULE_DIR / f"{module_id}.md"
        if not path.is_file():
            problems.append(Problem(config_rel, item.line, item.column, "unknown-module",
                                    f"module '{module_id}' has no file {COURSE_DIR}/{MODULE_DIR}/{module_id}.md",
                                    "create the file (python build.py new-module) or fix the id"))
            continue
        content_files.append(path)
        page, meta, sub = load_page(path, root, ModuleMeta)
        problems += sub
        if page is None:
            continue
        if meta.id != module_id:
            problems.append(Problem(page.path, 2, 1, "id-mismatch",
                                    f"front matter id '{meta.id}' differs from the file name '{module_id}.md'",
                                    "the id and the file name must be the same"))
            continue
        modules.append(Module(meta, page))

    for path in sorted((course_dir / MODULE_DIR).glob("*.md")):
        if path.stem not in seen:
            problems.append(Problem(relpath(path, root), 1, 1, "unlisted-module",
                                    f"module file '{path.name}' is not listed in course.yml",
                                    f"add '- {path.stem}' under modules: in course/course.yml, or delete the file"))

    home = None
    home_path = course_dir / HOME_PAGE
    if home_path.is_file():
        content_files.append(home_path)
        home, _, sub = load_page(home_path, root, PageMeta)
        problems += sub
    else:
        problems.append(Problem(relpath(home_path, root), 0, 0, "missing-file", "course/index.md (the home page) is missing",
                                "create it with front matter 'title: หน้าแรก' and a short introduction"))

    pages: list[Page] = []
    page_items = tree.value["pages"].value if "pages" in tree.value else []
    for name, item in zip(config.pages, page_items):
        path = course_dir / name
        if not is_inside_course(name, course_dir):
            # Refused before reading: the build writes each page out again, so a page outside
            # course/ would be read into the site and the file itself rewritten.
            problems.append(Problem(config_rel, item.line, item.column, "path-outside",
                                    f"page '{name}' is outside {COURSE_DIR}/",
                                    "list .md files inside course/, e.g. glossary.md (no '..', no '/' at the start)"))
            continue
        if not name.endswith(".md") or not path.is_file():
            problems.append(Problem(config_rel, item.line, item.column, "missing-file",
                                    f"page '{name}' does not exist in {COURSE_DIR}/",
                                    "give a .md file name relative to course/, e.g. glossary.md"))
            continue
        content_files.append(path)
        page, _, sub = load_page(path, root, PageMeta)
        problems += sub
        if page is not None:
            pages.append(page)

    quizzes, quiz_files, sub = load_quizzes(root, config.pass_mark, set(seen))
    problems += sub
    content_files += quiz_files
    terms, sub = load_terms(root)
    problems += sub
    claims, sub = load_claims(root)
    problems += sub
    prefixes, sub = load_prefixes(root)
    problems += sub
    if home is None:
        return None, problems
    return Course(root, config, home, modules, quizzes, pages, content_files, terms, claims, prefixes), problems


def _listed(tree: Located | None, key: str) -> list[str] | None:
    """course.yml's list under `key` as far as it can be read, when the file as a whole could not."""
    item = tree.value.get(key) if tree is not None and isinstance(tree.value, dict) else None
    if item is None or not isinstance(item.value, list):
        return None
    return [str(x.value) for x in item.value if isinstance(x.value, (str, int)) and not isinstance(x.value, bool)]


def _problems_without_config(root: Path, tree: Located | None) -> list[Problem]:
    """Every module, page, quiz and list file read and checked on its own, when course.yml is
    unreadable: the modules it lists if that much can be read, else every file in modules/."""
    course_dir = root / COURSE_DIR
    problems: list[Problem] = []
    module_ids = _listed(tree, "modules")
    if module_ids is None:
        module_ids = [p.stem for p in sorted((course_dir / MODULE_DIR).glob("*.md"))]
    for module_id in dict.fromkeys(module_ids):
        path = course_dir / MODULE_DIR / f"{module_id}.md"
        if path.is_file():
            problems += load_page(path, root, ModuleMeta)[2]
    pages = [HOME_PAGE] + [name for name in (_listed(tree, "pages") or []) if is_inside_course(name, course_dir)]
    for name in dict.fromkeys(pages):
        if name.endswith(".md") and (course_dir / name).is_file():
            problems += load_page(course_dir / name, root, PageMeta)[2]
    # The default pass mark stands in for course.yml's; it changes no problem a quiz can have.
    problems += load_quizzes(root, CourseConfig.__dataclass_fields__["pass_mark"].default, set(module_ids))[2]
    problems += load_terms(root)[1]
    problems += load_claims(root)[1]
    problems += load_prefixes(root)[1]
    return problems


def is_inside_course(name: str, course_dir: Path) -> bool:
    """A page name from course.yml names a file inside course/: relative, no '..', no link out."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts or "\\" in name or "\0" in name:
        return False
    try:
        return (course_dir / name).resolve().is_relative_to(course_dir.resolve())
    except (OSError, ValueError, RuntimeError):
        return False


def yaml_texts(item: Located):
    """Every text value in a YAML tree: the build may render any of them as Markdown."""
    if isinstance(item.value, dict):
        for value in item.value.values():
            yield from yaml_texts(value)
    elif isinstance(item.value, list):
        for value in item.value:
            yield from yaml_texts(value)
    elif isinstance(item.value, str):
        yield item


def locate(page: Page, needle: str) -> tuple[int, int]:
    """Line and column of `needle` in the page's source, or the body start if not found."""
    for offset, line in enumerate(page.body.split("\n")):
        col = line.find(needle)
        if col >= 0:
            return page.body_line + offset, col + 1
    return page.body_line, 1
