"""The trust boundary for content: what HTML a lesson may contain and which files it may name.

Lessons and quizzes arrive by pull request, so they are untrusted input (see SECURITY.md). Three
rules hold wherever content is turned into a page or a PDF:

- **HTML is cleaned by an allow-list** (`clean`, with nh3, a binding of Rust's ammonia). The
  allow-list is what Python-Markdown makes from the extensions in mkdocs.yml (admonitions,
  details, tables, definition lists, attr_list ids and classes, images, links, abbreviations,
  code) plus a few harmless text tags. Everything else is dropped: script, style, iframe, object,
  embed, form, meta, base, link, event handlers, `javascript:`/`data:`/`file:` URLs. `check`
  reports what would be dropped (`dropped`), so a reviewer sees it in the pull request; the build
  cleans it whatever check said.
- **Paths stay inside the content** (`content_path`): a relative link or image named in
  `course/modules/x.md` must resolve inside course/, quizzes/ or theme/; no `..` escape, no
  absolute path, no `file:` URL.
- **No symbolic links** in content folders (`find_symlinks`): one link in course/images/ would
  otherwise publish whatever it points at.

Changing the allow-list widens what every pull request may put on trainees' phones: it needs a
review by a maintainer (SECURITY.md says how).
"""
from __future__ import annotations

import collections
import functools
import html.parser
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from coursebuild.problems import Problem

# --- the allow-list -----------------------------------------------------------------------------

# What Python-Markdown and our extensions produce, plus harmless inline text tags editors might
# type by hand. No form controls, no embedded content other than images, no SVG or MathML.
ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "div", "span", "blockquote", "pre", "code",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "details", "summary", "figure", "figcaption",
    "a", "img", "abbr",
    "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "kbd", "samp", "var", "q", "cite", "dfn", "wbr",
})

# Attributes per tag ("*": any allowed tag). No event handlers, no style except text-align on
# table cells (Python-Markdown writes column alignment that way), no rel (WeasyPrint turns
# rel="attachment" into a file attached to the PDF), no name (it can shadow our page's forms).
ALLOWED_ATTRIBUTES = {
    "*": frozenset({"id", "class", "title", "lang", "dir"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "th": frozenset({"colspan", "rowspan", "scope", "style"}),
    "td": frozenset({"colspan", "rowspan", "style"}),
    "details": frozenset({"open"}),
}
STYLE_PROPERTIES = frozenset({"text-align"})

# Links may go to the web, to an e-mail address or to a phone number (hotlines such as 1441).
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Images: web addresses pass the sanitiser so that `check` can name them (external-image); the
# page's Content-Security-Policy and the PDF renderer's URL fetcher both refuse to load them.
IMAGE_SCHEMES = frozenset({"http", "https"})
URL_ATTRIBUTES = frozenset({"href", "src"})

# Tags removed together with everything inside them (the rest lose only the tag itself).
DROP_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "textarea", "title", "iframe",
                               "noembed", "noframes", "xmp", "object", "select", "svg", "math"})

# Where content may point: the folders editors own.
CONTENT_ROOTS = ("course", "quizzes", "theme")

# Ids our pages and Material's use (__config, __search, osd-config …). A content id that equals
# one would shadow it in document.getElementById and friends.
RESERVED_ID_PREFIXES = ("__", "osd-", "md-")
_SAFE_ID = re.compile(r"^[\w\u0E00-\u0E7F][\w\u0E00-\u0E7F.:-]*$")


def is_safe_id(value: str) -> bool:
    return bool(_SAFE_ID.match(value)) and not value.startswith(RESERVED_ID_PREFIXES)


# --- paths --------------------------------------------------------------------------------------

def content_path(source: str, target: str) -> str | None:
    """The project-relative path a relative link or image in `source` points at, or None if it
    leaves the content folders (course/, quizzes/, theme/) or is absolute.

    `source` is the content file's path relative to the project ("course/modules/x.md").
    """
    path = unquote(urlsplit(target).path)
    if not path:
        return source  # "#anchor" or "?q": this same file
    if path.startswith("/") or "\\" in path:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    if joined.split("/", 1)[0] not in CONTENT_ROOTS:
        return None
    return joined


def url_problem(url: str, attribute: str, source: str | None) -> str | None:
    """Why a URL in href/src is refused ("unsafe-url" or "path-outside"), or None if it is fine."""
    value = url.strip()
    if any(ord(c) < 0x20 for c in value) or "\\" in value or value.startswith("//"):
        return "unsafe-url"  # browsers read "/\host" and "//host" as another host
    scheme = urlsplit(value).scheme.lower() if ":" in value else ""
    if scheme:
        allowed = LINK_SCHEMES if attribute == "href" else IMAGE_SCHEMES
        if scheme == "file":
            return "path-outside"
        return None if scheme in allowed else "unsafe-url"
    if value.startswith("/"):
        return "path-outside"
    if source is not None and content_path(source, value) is None:
        return "path-outside"
    return None


def is_inside(path: Path, roots: list[Path]) -> bool:
    """Whether `path`, with every symbolic link followed, is one of `roots` or inside one."""
    try:
        real = path.resolve()
    except (OSError, ValueError, RuntimeError):
        return False
    return any(real == root or real.is_relative_to(root) for root in (r.resolve() for r in roots))


def find_symlinks(folder: Path) -> list[Path]:
    """Every symbolic link under `folder` (not followed), sorted."""
    if not folder.is_dir() or folder.is_symlink():
        return [folder] if folder.is_symlink() else []
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                found.append(path)
    return sorted(found)


def symlink_problems(root: Path, folders: list[Path]) -> list[Problem]:
    """A `symlink` problem for every symbolic link in (or as) one of `folders`."""
    problems = []
    for folder in folders:
        for link in find_symlinks(folder):
            try:
                rel = link.relative_to(root).as_posix()
            except ValueError:
                rel = link.as_posix()
            problems.append(Problem(rel, 0, 0, "symlink",
                                    "a symbolic link in a content folder: the build would read or publish what it points at",
                                    "replace the link with a copy of the real file (or delete it)"))
    return problems


# --- cleaning -----------------------------------------------------------------------------------

def _attribute_filter(source: str | None):
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if is_safe_id(value) else None
        if attribute in URL_ATTRIBUTES:
            return None if url_problem(value, attribute, source) else value
        return value
    return keep


@functools.lru_cache(maxsize=64)
def _cleaner(source: str | None):
    import nh3

    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter(source),
        url_schemes=set(LINK_SCHEMES | IMAGE_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        strip_comments=True,
        link_rel=None,
    )


def clean(fragment: str, source: str | None = None) -> str:
    """`fragment` with everything outside the allow-list removed.

    With `source` (the content file's project-relative path), relative links and images must also
    stay inside the content folders.
    """
    if not fragment:
        return fragment
    return _cleaner(source).clean(fragment)


# --- what cleaning would drop, for `check` ------------------------------------------------------

@dataclass(frozen=True)
class Dropped:
    """One thing the allow-list removes. `code` is the Problem code check reports it with."""

    code: str  # "unsafe-html", "unsafe-url" or "path-outside"
    what: str  # e.g. "<script>", "onerror= on <img>", "javascript:alert(1)"
    needle: str  # text to look for in the source to find its position

    @property
    def message(self) -> str:
        if self.code == "unsafe-html":
            return f"{self.what} is not allowed in course content and is removed from the site and print"
        if self.code == "path-outside":
            return f"'{self.what}' points outside course/, quizzes/ and theme/"
        return f"the address '{self.what}' is not allowed in course content"

    @property
    def hint(self) -> str:
        if self.code == "unsafe-html":
            return "use Markdown (text, lists, tables, images, links, !!! boxes); SECURITY.md lists the allowed HTML"
        if self.code == "path-outside":
            return "link only to files of the course, e.g. ../images/name.svg or ../glossary.md"
        return "use an https:// address, mailto: or tel:, or a relative link to a course file"


class _Tags(html.parser.HTMLParser):
    """Start tags and their attributes, as a multiset, the way html.parser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: collections.Counter = collections.Counter()
        self.order: list[tuple] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(("tag", tag))
        for name, value in attrs:
            if name == "style":
                for prop in sorted(_style_properties(value or "")):
                    self._add(("style", tag, prop))
            else:
                self._add(("attr", tag, name, value or ""))

    handle_startendtag = handle_starttag

    def _add(self, item: tuple) -> None:
        if item not in self.items:
            self.order.append(item)
        self.items[item] += 1


def _style_properties(style: str) -> set[str]:
    return {part.split(":", 1)[0].strip().lower() for part in style.split(";") if ":" in part}


def _tags(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def dropped(fragment: str, source: str | None = None) -> list[Dropped]:
    """What `clean` removes from `fragment`, in document order: tags, attributes and URLs.

    Found by comparing the tags of the fragment before and after cleaning, so it reports exactly
    what nh3 dropped rather than a second guess at its rules. Remembered per (fragment, source),
    both of which decide it wholly: `check` runs on every save of a live preview.
    """
    if "<" not in fragment:
        return []
    return list(_dropped(fragment, source))


@functools.lru_cache(maxsize=2048)
def _dropped(fragment: str, source: str | None) -> tuple[Dropped, ...]:
    before = _tags(fragment)
    gone = before.items - _tags(clean(fragment, source)).items
    found: list[Dropped] = []
    for item in before.order:
        if not gone[item]:
            continue
        kind, tag = item[0], item[1]
        if kind == "tag":
            found.append(Dropped("unsafe-html", f"<{tag}>", f"<{tag}"))
        elif tag not in ALLOWED_TAGS:
            continue  # the whole tag went; one report for it is enough
        elif kind == "style":
            found.append(Dropped("unsafe-html", f"style '{item[2]}' on <{tag}>", item[2]))
        else:
            name, value = item[2], item[3]
            allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, frozenset())
            if name not in allowed:
                found.append(Dropped("unsafe-html", f"the attribute {name}= on <{tag}>", name))
            elif name in URL_ATTRIBUTES:
                code = url_problem(value, name, source) or "unsafe-url"
                found.append(Dropped(code, value, value))
            elif name == "id":
                found.append(Dropped("unsafe-html", f"the id '{value}' (reserved or with odd characters)", value))
            else:
                found.append(Dropped("unsafe-html", f"the value '{value}' of {name}= on <{tag}>", value))
    return tuple(found)
