"""Stage 3a, the engine: MkDocs 1.6 (with Material) or Zensical turns the generated docs folder into
HTML pages.

Both read the same mkdocs.yml. Our build fills in what comes from the course (site name and
address, navigation, copyright, and the settings quiz.js reads under extra.osd) and runs nothing
inside an engine: no hooks, no plugins, no Python in templates or in mkdocs.yml. Zensical runs
none of those (its templates are MiniJinja, and it ignores hooks and every plugin it has not
rewritten), so each feature of ours is made before the engine (the Markdown, with fixed heading
ids) or after it (search index, offline files), the same way for both.

Where the engines differ, this module evens it out:
- MkDocs runs in this process (its warnings are counted); Zensical runs as `python -m zensical
  build --strict` on a config file written beside the docs folder, since it wants docs and site
  folders under the config file's own folder and reports only on its terminal.
- Relative links in raw HTML: MkDocs leaves them as written, i.e. relative to the page's address
  (modules/x/); Zensical reads them as relative to the Markdown file (modules/x.md) and rewrites
  them. `_as_source_relative` converts ours before Zensical sees them, so both give the same page.
"""
from __future__ import annotations

import copy
import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from coursebuild.markup import PROJECT_ROOT, engine_root, load_site_config
from coursebuild.problems import ContentError, Problem

ENGINES = ("mkdocs", "zensical")
# Used when mkdocs.yml names no engine (extra: engine:).
FALLBACK_ENGINE = "mkdocs"
# What each engine ships for its own search, which mkdocs.yml switches off; no page loads it.
ENGINE_SEARCH_FILES = ("assets/javascripts/workers", "assets/javascripts/lunr", "search/search_index.json",
                       "search.json")
_CONFIG = "mkdocs.yml"


def _problem(code: str, message: str, hint: str, line: int = 0, column: int = 0) -> Problem:
    return Problem(_CONFIG, line, column, code, message, hint)


def setting_position(root: Path, *keys: str) -> tuple[int, int]:
    """Line and column of a setting in mkdocs.yml, for a problem report (0, 0 if not found)."""
    from coursebuild.source.yamlsource import load_yaml

    tree, _ = load_yaml((engine_root(root) / _CONFIG).read_text(encoding="utf-8"), _CONFIG)
    node = tree
    for key in keys:
        if node is None or not isinstance(node.value, dict) or key not in node.value:
            return (0, 0)
        node = node.value[key]
    return (node.line, node.column) if node is not None else (0, 0)


def default_engine(root: Path) -> str:
    """The engine mkdocs.yml names under `extra: engine:`, else FALLBACK_ENGINE."""
    extra = load_site_config(root).get("extra") or {}
    name = extra.get("engine", FALLBACK_ENGINE) if isinstance(extra, dict) else FALLBACK_ENGINE
    if name not in ENGINES:
        line, column = setting_position(root, "extra", "engine")
        raise ContentError([_problem("site-engine-setting", f"unknown site engine {name!r}",
                                     f"write one of: {', '.join(ENGINES)}", line, column)])
    return name


def choose_engine(root: Path, requested: str | None) -> str:
    """--engine when given, else the default from mkdocs.yml."""
    if requested is None:
        return default_engine(root)
    if requested not in ENGINES:
        raise ContentError([_problem("site-engine-setting", f"unknown site engine {requested!r}",
                                     f"use one of: {', '.join(ENGINES)}")])
    return requested


def check_engine_search_off(config: dict) -> list[Problem]:
    """Our search replaces the engines'. Both turn theirs on unless told (MkDocs when `plugins`
    is absent, Zensical always), so mkdocs.yml must say `search: {enabled: false}`."""
    plugins = config.get("plugins")
    entries = plugins if isinstance(plugins, list) else [plugins] if isinstance(plugins, dict) else []
    for entry in entries:
        settings = entry.get("search") if isinstance(entry, dict) else None
        if isinstance(settings, dict) and settings.get("enabled") is False:
            return []
    return [_problem("search-config", "the site engine's own search is not switched off",
                     "keep `plugins: [search: {enabled: false}]` in mkdocs.yml: the site uses our Thai search "
                     "(assets/search.js), which the engines' search would duplicate and cannot replace")]


def site_settings(course, nav: list, extra: dict, overrides: dict | None = None) -> dict:
    """What the build fills in over mkdocs.yml, the same for both engines. `overrides` are the
    site build's own (escaped titles, the Markdown extensions with our content cleaning)."""
    names = " และ ".join(o.name for o in course.config.organisers)
    return {"site_name": course.config.title, "site_url": course.config.site_url, "nav": nav,
            "copyright": f"{course.config.title} · {names}", "strict": True, "extra": extra,
            **(overrides or {})}


def run_engine(engine: str, course, docs: Path, out: Path, nav: list, extra: dict,
               overrides: dict | None = None, dirty: bool = False) -> list[Path]:
    """Build the pages of `docs` into the empty folder `out` with the chosen engine. Returns the
    engine's template folders, whose inline scripts the page policy allows (render/site/csp.py).

    `dirty` (MkDocs only; the live preview): `out` holds the previous build, and only pages whose
    Markdown is newer than their HTML are rendered again (MkDocs' own `--dirty`)."""
    config = load_site_config(course.root)
    problems = check_engine_search_off(config)
    if problems:
        raise ContentError(problems)
    settings = site_settings(course, nav, extra, overrides)
    if engine == "zensical":
        template_dirs = _run_zensical(course, config, settings, docs, out)
    else:
        template_dirs = _run_mkdocs(course, settings, docs, out, dirty)
    for name in ENGINE_SEARCH_FILES:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.is_file():
            target.unlink()
    return template_dirs


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def write_heading_ids(course, docs: Path) -> None:
    """Write each heading's id into the generated pages ({#id}), as coursebuild.markup.slugify
    makes it, so both engines give the anchors the checks and print use, Thai kept."""
    from coursebuild.markup import HeadingIdError, with_heading_ids

    problems = []
    for page in sorted(docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        front = _FRONT_MATTER.match(text)
        head, body = (text[:front.end()], text[front.end():]) if front else ("", text)
        try:
            page.write_text(head + with_heading_ids(course.root, body), encoding="utf-8")
        except HeadingIdError as exc:
            rel = page.relative_to(docs).as_posix()
            source = course.root / "course" / rel
            line = next((n for n, text in enumerate(source.read_text(encoding="utf-8").split("\n"), 1)
                         if exc.heading in text), 0) if source.is_file() else 0
            problems.append(Problem(f"course/{rel}", line, 0, "heading-style",
                                    f"heading '{exc.heading}' cannot be given a fixed id",
                                    "write headings with # marks (## Heading), not underlined with === or ---"))
    if problems:
        raise ContentError(problems)


# --- MkDocs ------------------------------------------------------------------------------------

class _CollectWarnings(logging.Handler):
    """MkDocs logs problems; we turn its warnings into Problems so the build fails loudly."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _not_the_dirty_notice(record: logging.LogRecord) -> bool:
    """MkDocs warns on every dirty build that navigation may be wrong (its strict mode would fail
    on it); our preview makes a build dirty only when that cannot happen (render/site/build.py)."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _run_mkdocs(course, settings: dict, docs: Path, out: Path, dirty: bool = False) -> list[Path]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = _CollectWarnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_notice)
    try:
        extra = settings.pop("extra")
        config = load_config(config_file=str(engine_root(course.root) / _CONFIG),
                             docs_dir=str(docs), site_dir=str(out), **settings)
        config.extra.update(extra)
        build(config, dirty=dirty)
    except MkDocsException as exc:
        handler.records.append(logging.LogRecord("mkdocs", logging.ERROR, "", 0, str(exc), None, None))
    finally:
        logger.removeHandler(handler)
        logging.getLogger("mkdocs.commands.build").removeFilter(_not_the_dirty_notice)
    if handler.records:
        raise ContentError([
            _problem("site-engine", r.getMessage().replace(str(docs) + "/", ""),
                     "MkDocs rejected the generated site; this is usually a theme or mkdocs.yml problem")
            for r in handler.records])
    return [Path(d) for d in config.theme.dirs]


# --- Zensical ----------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# "Warning: anchor does not exist" then, two lines on, "╭─[ glossary.md:11:47 ]"
_REPORT = re.compile(r"^(?:Warning|Error): (?P<message>.+?)\n(?:.*\n)*?.*?\[ (?P<where>[^\]]+?) \]", re.M)
_RAW_URL = re.compile(r'(<[a-zA-Z][^<>]*?\s(?:href|src)=")([^"]*)(")')
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|/|#|\?)", re.I)


def _plain(value):
    """Settings as plain YAML data for Zensical (safe_dump refuses str subclasses such as Markup).

    Titles stay escaped: like MkDocs' templates, Zensical's print the site name as HTML in most
    places (<title>, the header, aria-label). The few that escape again (`| e`, the logo's title
    attribute) then show "&amp;" for "&": a cosmetic flaw, where unescaped text would run script."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def zensical_config(course, config: dict, settings: dict) -> dict:
    """mkdocs.yml with our values filled in, as Zensical reads it from the folder holding docs/."""
    out = copy.deepcopy(config)
    out.update({k: _plain(v) for k, v in settings.items() if k != "extra"})
    out["extra"] = {**(out.get("extra") or {}), **settings["extra"]}
    out["docs_dir"], out["site_dir"] = "docs", "site"
    theme = dict(out.get("theme") or {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str(engine_root(course.root) / theme["custom_dir"])
    out["theme"] = theme
    return out


def _source_relative_converter(rel: str):
    """For the page at `rel` in docs/: a function turning relative URLs in raw HTML from
    relative-to-the-address (modules/x/) to relative-to-the-file (modules/x.md)."""
    address = posixpath.dirname(rel) + "/" + Path(rel).stem + "/" if "/" in rel else Path(rel).stem + "/"
    source_dir = posixpath.dirname(rel)

    def convert(match: re.Match) -> str:
        url = match.group(2)
        if not url or _EXTERNAL.match(url):
            return match.group(0)
        cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
        path, rest = url[:cut], url[cut:]
        target = posixpath.normpath(posixpath.join(address, path))
        new = posixpath.relpath(target, source_dir or ".")
        if path.endswith("/") and not new.endswith("/"):
            new += "/"
        return match.group(1) + new + rest + match.group(3)

    return convert


def _as_source_relative(docs: Path, trusted: dict[str, str]) -> None:
    """Rewrite relative URLs in the raw HTML of each non-index page (modules/x.md, served at
    modules/x/) from relative-to-the-address to relative-to-the-file, which is how Zensical reads
    them: "../../quiz/x/" becomes "../quiz/x/", and Zensical makes it "../../quiz/x/" again.

    Our own markup (render/site/docs.py TrustedBlocks) stands in the page as a placeholder and is
    put back inside the engine's Markdown run, so its HTML in `trusted` is converted for the page
    whose placeholder it is. Markdown links ([text](../glossary.md)) are already relative to the
    file in both engines.
    """
    for page in docs.rglob("*.md"):
        rel = page.relative_to(docs).as_posix()
        if page.name in ("index.md", "README.md"):
            continue
        convert = _source_relative_converter(rel)
        lines, fence = page.read_text(encoding="utf-8").split("\n"), None
        for index, line in enumerate(lines):
            marker = _FENCE.match(line)
            if marker and (fence is None or marker.group(1)[0] == fence):
                fence = None if fence else marker.group(1)[0]
            elif fence is None:
                if line.strip() in trusted:
                    trusted[line.strip()] = _RAW_URL.sub(convert, trusted[line.strip()])
                else:
                    lines[index] = _RAW_URL.sub(convert, line)
        page.write_text("\n".join(lines), encoding="utf-8")


def _trusted_blocks(settings: dict) -> dict[str, str]:
    """The placeholder → HTML map of our content cleaning extension in `settings`, if any."""
    for entry in settings.get("markdown_extensions") or []:
        if isinstance(entry, dict) and "coursebuild.markup:SafeContent" in entry:
            return entry["coursebuild.markup:SafeContent"].setdefault("trusted", {})
    return {}


def _run_zensical(course, config: dict, settings: dict, docs: Path, out: Path) -> list[Path]:
    work = out.parent / (out.name + ".zensical")
    work.mkdir()
    try:
        shutil.copytree(docs, work / "docs")
        settings = copy.deepcopy(settings)
        _as_source_relative(work / "docs", _trusted_blocks(settings))
        config_file = work / _CONFIG
        config_file.write_text(yaml.safe_dump(zensical_config(course, config, settings),
                                              allow_unicode=True, sort_keys=False), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "zensical", "build", "--strict", "--config-file", str(config_file)],
            cwd=work, capture_output=True, text=True, encoding="utf-8",
            # Our content cleaning (coursebuild.markup:SafeContent) is a Markdown extension the
            # engine's Markdown loads by name: it must find this package.
            env={**os.environ, "NO_COLOR": "1",
                 "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))},
            check=False)
        report = _ANSI.sub("", result.stdout + "\n" + result.stderr)
        found = [(m.group("message").strip(), m.group("where").strip()) for m in _REPORT.finditer(report)]
        if result.returncode != 0 or found:
            lines = [line for line in report.splitlines() if line.strip()]
            hint = "Zensical rejected the generated site; this is usually a theme or mkdocs.yml problem"
            raise ContentError(
                [_problem("site-engine", f"{where}: {message}", hint) for message, where in found]
                or [_problem("site-engine", f"Zensical failed: {lines[-1] if lines else result.returncode}",
                             "run the build again; if it persists, check mkdocs.yml and theme/")])
        out.mkdir(parents=True, exist_ok=True)  # MkDocs makes its site folder itself; do the same
        for child in (work / "site").iterdir():
            os.replace(child, out / child.name)
        # Zensical ships both of its looks; the pages link only the one mkdocs.yml chose.
        variant = (config.get("theme") or {}).get("variant") or "modern"
        for look in ("classic", "modern"):
            if look != variant:
                shutil.rmtree(out / "assets" / "stylesheets" / look, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    import zensical

    custom = (config.get("theme") or {}).get("custom_dir")
    return [*([engine_root(course.root) / custom] if custom else []), Path(zensical.__file__).parent / "templates"]
