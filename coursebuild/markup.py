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


class _MkDocsYamlLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without importing MkDocs: the only tag we use is !!python/name."""


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    module, _, name = suffix.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


_MkDocsYamlLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)


PROJECT_ROOT = Path(__file__).resolve().parent.parent


def engine_root(root: Path) -> Path:
    """Where mkdocs.yml and theme/ are: the content folder's own, else this project's.

    Test fixtures and other courses hold only content; they share our site engine settings.
    """
    return root if (root / "mkdocs.yml").is_file() else PROJECT_ROOT


@functools.lru_cache(maxsize=4)
def load_site_config(root: Path) -> dict:
    with open(engine_root(root) / "mkdocs.yml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_MkDocsYamlLoader)  # noqa: S506 - restricted loader above


def markdown_extensions(root: Path) -> tuple[list[str], dict[str, dict]]:
    """The extension list and their configs, exactly as mkdocs.yml gives them to the site."""
    names: list[str] = []
    configs: dict[str, dict] = {}
    for entry in load_site_config(root).get("markdown_extensions", []):
        if isinstance(entry, dict):
            (name, cfg), = entry.items()
            names.append(name)
            configs[name] = cfg or {}
        else:
            names.append(entry)
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
    """
    if not sanitise:
        return _render_raw(root, text)
    names, configs = markdown_extensions(root)
    safe = SafeContent(source=source or "")
    return markdown.Markdown(extensions=[*names, safe], extension_configs=configs).convert(text)


@functools.lru_cache(maxsize=512)
def _render_raw(root: Path, text: str) -> str:
    """Uncleaned, for checks; cached because several checks read the same page."""
    md = _raw_converter(root)
    try:
        return md.convert(text)
    finally:
        md.reset()


@functools.lru_cache(maxsize=4)
def _raw_converter(root: Path) -> markdown.Markdown:
    # One converter, reset after each use: making one costs more than converting a quiz field.
    names, configs = markdown_extensions(root)
    return markdown.Markdown(extensions=names, extension_configs=configs)


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
