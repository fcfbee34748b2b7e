"""Markdown as the course uses it: one set of extensions (read from mkdocs.yml) for the site,
the checks and print, cleaned by the content allow-list (SafeContent, rules in trust.py),
Thai-friendly heading anchors, plain-text titles (markdown_text), and trainer-note removal."""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import markdown
import yaml
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from coursebuild import trust

_INVALID_SLUG_CHAR = re.compile(r"[^\w\u0E00-\u0E7F\- ]")


def slugify(value: str, separator: str) -> str:
    """Heading anchor that keeps Thai intact (pymdownx drops Thai vowel and tone marks).

    "ตรวจสอบก่อนแชร์ (Fake news)" → "ตรวจสอบก่อนแชร์-fake-news".
    """
    text = unicodedata.normalize("NFC", re.sub(r"</?[^>]*>", "", value)).strip().lower()
    text = _INVALID_SLUG_CHAR.sub("", text)
    return re.sub(r"[ ]+", separator, text)


PROJECT_ROOT = Path(__file__).resolve().parent.parent


def engine_root(root: Path) -> Path:
    """Where mkdocs.yml and theme/ are: the content folder's own, else this project's.

    Test fixtures and other courses hold only content; they share our site engine settings.
    """
    return root if (root / "mkdocs.yml").is_file() else PROJECT_ROOT


@functools.lru_cache(maxsize=4)
def load_site_config(root: Path) -> dict:
    """mkdocs.yml as plain data. Both site engines read it, and Zensical cannot call Python, so
    a `!!python/...` tag (or any YAML error) is reported as a problem, not loaded."""
    from coursebuild.problems import ContentError, Problem

    try:
        with open(engine_root(root) / "mkdocs.yml", encoding="utf-8") as fh:
            return yaml.safe_load(fh) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ContentError([Problem(
            "mkdocs.yml", line, column, "site-config",
            f"mkdocs.yml is not plain YAML: {getattr(exc, 'problem', None) or exc}",
            "both site engines read mkdocs.yml and Zensical cannot call Python: no !!python tags; "
            "heading ids come from coursebuild.markup.slugify without one")]) from exc


def markdown_extensions(root: Path) -> tuple[list[str], dict[str, dict]]:
    """The extension list and their configs as mkdocs.yml gives them to the site, with our
    Thai-preserving slugify for heading ids.

    The site gets the same ids without Python in mkdocs.yml: the build writes every heading's
    id into the generated Markdown (`with_heading_ids`), computed here.
    """
    names: list[str] = []
    configs: dict[str, dict] = {}
    for entry in load_site_config(root).get("markdown_extensions", []):
        if isinstance(entry, dict):
            (name, cfg), = entry.items()
            names.append(name)
            configs[name] = dict(cfg or {})
        else:
            names.append(entry)
    if "toc" not in names:  # both engines always add it
        names.insert(0, "toc")
    configs["toc"] = {**configs.get("toc", {}), "slugify": slugify}
    return names, configs


class SafeContent(Extension):
    """Content HTML through the allow-list (coursebuild/trust.py), wherever Markdown is rendered.

    Used by our own rendering (print, quiz fields) and by the site engine's run, so a lesson is
    cleaned whatever `check` said. Two steps:

    - before the table of contents is made: ids outside the safe form are removed, so the page's
      navigation (built from heading ids) never carries one;
    - last of all: the finished HTML is cleaned with nh3. `trusted` maps placeholder paragraphs to
      our own markup (quiz forms, navigation, built by templates from theme/templates/); they are
      put in after cleaning. The placeholders carry a random per-build token that content cannot
      know, so it cannot summon our markup.
    """

    def __init__(self, **kwargs):
        self.config = {
            "source": ["", "the content file's path relative to the project, for the path rule"],
            "trusted": [{}, "placeholder text → our own HTML, put in after cleaning"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # attr_list runs at 8 and the table of contents at 5: ids are checked between the two.
        md.treeprocessors.register(_SafeIds(md), "osd-safe-ids", 7)
        source = self.getConfig("source") or None
        md.postprocessors.register(_Clean(md, source, dict(self.getConfig("trusted"))), "osd-clean", 0)


class _SafeIds(Treeprocessor):
    def run(self, root) -> None:
        for element in root.iter():
            value = element.get("id")
            if value is not None and not trust.is_safe_id(value):
                del element.attrib["id"]


class _Clean(Postprocessor):
    def __init__(self, md: markdown.Markdown, source: str | None, trusted: dict[str, str]):
        super().__init__(md)
        self.source = source
        self.trusted = trusted

    def run(self, text: str) -> str:
        text = trust.clean(text, self.source)
        for placeholder, html in self.trusted.items():
            text = text.replace(f"<p>{placeholder}</p>", html)
        return text


def render_markdown(root: Path, text: str, source: str | None = None, *, sanitise: bool = True) -> str:
    """Markdown to HTML with the site's extensions, cleaned by the allow-list.

    `source` (the content file, relative to the project) also holds relative links and images to
    the content folders. `sanitise=False` is for checks that must see what the author wrote.
    Results are remembered for the mkdocs.yml they were made with: the site, print and export
    render the same quiz fields and lessons several times, and a preview rebuilds them on every save.
    """
    return _render(root, text, source or "", sanitise)


# (root) -> (the mkdocs.yml settings the entries were made with, {(text, source, sanitise): html})
_RENDERED: dict[Path, tuple[dict, dict[tuple[str, str, bool], str]]] = {}
_RENDERED_MAX = 4096
# (root, source, sanitise) -> Markdown converter, reset after each use: making one costs more than
# converting a quiz field (Python-Markdown builds every extension again).
_CONVERTERS: dict[tuple[Path, str, bool], tuple[dict, markdown.Markdown]] = {}


def _render(root: Path, text: str, source: str, sanitise: bool) -> str:
    config = load_site_config(root)
    cached = _RENDERED.get(root)
    if cached is None or cached[0] is not config or len(cached[1]) > _RENDERED_MAX:
        cached = _RENDERED[root] = (config, {})
    html = cached[1].get((text, source, sanitise))
    if html is None:
        md = _converter(root, source, sanitise, config)
        try:
            html = md.convert(text)
        finally:
            md.reset()
        cached[1][(text, source, sanitise)] = html
    return html


def _converter(root: Path, source: str, sanitise: bool, config: dict) -> markdown.Markdown:
    entry = _CONVERTERS.get((root, source, sanitise))
    if entry is None or entry[0] is not config:
        names, configs = markdown_extensions(root)
        extensions = [*names, SafeContent(source=source)] if sanitise else names
        entry = _CONVERTERS[(root, source, sanitise)] = (
            config, markdown.Markdown(extensions=extensions, extension_configs=configs))
    return entry[1]


def render_inline(root: Path, text: str, source: str | None = None) -> Markup:
    """One line of Markdown (a quiz prompt, an objective) without the wrapping <p>, cleaned."""
    html = render_markdown(root, text, source).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


# Python-Markdown's backslash escapes, and the HTML specials (written as entities instead).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def markdown_text(text: str) -> str:
    """Plain text as Markdown that renders to exactly that text: a title is never markup.

    "<img src=x onerror=…>" stays visible text; "**x**" keeps its stars; "{: onclick}" is not read
    as attributes.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


_ADMONITION_START = re.compile(r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)\b")


def strip_admonitions(text: str, kind: str) -> str:
    """Remove every `!!! kind` (or collapsible `??? kind`) block, keeping the line count.

    Trainer notes leave the trainee site this way, before any HTML or search index is made, so
    they cannot leak through a template or the search index. Removed lines become blank so that
    later positions still match the source file.
    """
    out: list[str] = []
    skipping_indent: int | None = None
    for line in text.split("\n"):
        if skipping_indent is not None:
            stripped = line.strip()
            indent = len(line) - len(line.lstrip(" \t"))
            if not stripped or indent > skipping_indent:
                out.append("")
                continue
            skipping_indent = None
        match = _ADMONITION_START.match(line)
        if match and match.group("kind") == kind:
            skipping_indent = len(match.group("indent"))
            out.append("")
            continue
        out.append(line)
    return "\n".join(out)


def admonition_blocks(text: str, kind: str) -> list[tuple[int, str]]:
    """(line index, block text) for each `!!! kind` block, e.g. to find a module's activity."""
    lines = text.split("\n")
    blocks = []
    for index, line in enumerate(lines):
        match = _ADMONITION_START.match(line)
        if match and match.group("kind") == kind:
            base = len(match.group("indent"))
            end = index + 1
            while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > base):
                end += 1
            blocks.append((index, "\n".join(lines[index:end]).rstrip()))
    return blocks


# --- fixed heading ids for the site engines -----------------------------------------------------

# An ATX heading line ("## Title", also indented inside an admonition); a trailing attribute list
# ("{#id .class}" or "{: ...}") is kept. Setext headings ("Title" over "====") are not matched:
# `with_heading_ids` reports them, since they cannot be given a fixed id here.
_ATX = re.compile(r"^(?P<lead>[ \t]*#{1,6}[ \t]+)(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_ATTR_LIST = re.compile(r"\{:?(?P<attrs>[^{}]*)\}$")
_PLACEHOLDER = "osd-heading-"
_NO_ID = "osd-no-fixed-id"


class HeadingIdError(ValueError):
    """A heading the build could not give a fixed id; `heading` is its text."""

    def __init__(self, heading: str):
        super().__init__(heading)
        self.heading = heading


class _Slug:
    """The toc extension's slugify, switchable on one Markdown instance (building one is the slow
    part: two conversions a page, for every page of the site)."""

    def __init__(self) -> None:
        self.function = slugify

    def __call__(self, value: str, separator: str) -> str:
        return self.function(value, separator)


_TOC_MARKDOWN: dict[Path, tuple[dict, markdown.Markdown, _Slug]] = {}


def _toc_markdown(root: Path) -> tuple[markdown.Markdown, _Slug]:
    """One Markdown instance per mkdocs.yml as loaded (a reloaded mkdocs.yml gets a new one)."""
    config = load_site_config(root)
    cached = _TOC_MARKDOWN.get(root)
    if cached is None or cached[0] is not config:
        slug = _Slug()
        names, configs = markdown_extensions(root)
        configs = {**configs, "toc": {**configs["toc"], "slugify": slug}}
        cached = _TOC_MARKDOWN[root] = (config, markdown.Markdown(extensions=names, extension_configs=configs), slug)
    return cached[1], cached[2]


def _toc_ids(root: Path, text: str, slug) -> list[tuple[str, str]]:
    """(id, text) of every heading Python-Markdown's toc sees, in document order."""
    md, switch = _toc_markdown(root)
    switch.function = slug
    try:
        md.reset().convert(text)
    finally:
        switch.function = slugify
    out: list[tuple[str, str]] = []

    def walk(tokens: list[dict]) -> None:
        for token in tokens:
            out.append((token["id"], token["name"]))
            walk(token["children"])

    walk(md.toc_tokens)
    return out


_WITH_IDS: dict[Path, tuple[dict, dict[str, str]]] = {}


def with_heading_ids(root: Path, text: str) -> str:
    """Markdown with every heading's id written out as `{#id}`, the id our slugify gives it.

    Remembered per text for the mkdocs.yml it was made with: a preview writes every page again
    on each save. See _heading_ids for how.
    """
    config = load_site_config(root)
    cached = _WITH_IDS.get(root)
    if cached is None or cached[0] is not config or len(cached[1]) > _RENDERED_MAX:
        cached = _WITH_IDS[root] = (config, {})
    result = cached[1].get(text)
    if result is None:
        result = cached[1][text] = _heading_ids(root, text)
    return result


def _heading_ids(root: Path, text: str) -> str:
    """with_heading_ids, worked out.

    Engines slugify headings each their own way (Zensical's drops Thai: "2. รู้เท่าทันข่าวปลอม"
    becomes "2") and neither may call our Python, but both honour an explicit attribute list.
    Which lines are headings is Python-Markdown's own answer, not a guess: each candidate line gets
    a numbered placeholder id, the text is converted, and the placeholders that came back as
    heading ids get the real ones; the rest (a "# comment" in a code block) are left as they were.
    Raises HeadingIdError for a heading that has no line of its own to annotate (setext style).
    """
    lines = text.split("\n")
    candidates: dict[int, int] = {}  # line index -> placeholder number
    for index, line in enumerate(lines):
        match = _ATX.match(line)
        if not match or not match.group("text").strip():
            continue
        body = match.group("text").rstrip()
        attrs = _ATTR_LIST.search(body)
        if attrs and "#" in attrs.group("attrs"):
            continue  # the editor fixed the id already
        number = len(candidates)
        candidates[index] = number
        if attrs:  # keep the classes: {.x} -> {#id .x}
            body = f"{body[:attrs.start()]}{{#{_PLACEHOLDER}{number} {attrs.group('attrs').lstrip(': ')}}}"
        else:
            body = f"{body} {{#{_PLACEHOLDER}{number}}}"
        lines[index] = match.group("lead") + body
    wanted = _toc_ids(root, text, slugify)
    marked = _toc_ids(root, "\n".join(lines), lambda value, separator: _NO_ID)
    found: dict[int, str] = {}
    for (want, _), (got, name) in zip(wanted, marked, strict=True):
        if got.startswith(_NO_ID):
            raise HeadingIdError(name)
        if got.startswith(_PLACEHOLDER):
            found[int(got.removeprefix(_PLACEHOLDER))] = want
    original = text.split("\n")
    for index, number in candidates.items():
        placeholder = f"#{_PLACEHOLDER}{number}"
        lines[index] = (lines[index].replace(placeholder, "#" + found[number], 1) if number in found
                        else original[index])
    return "\n".join(lines)
