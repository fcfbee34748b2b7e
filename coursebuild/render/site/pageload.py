"""Stage 3a, after MkDocs: the first screen of a page drawn sooner on a slow phone (issue 16).

A page cannot draw before every stylesheet in its head has arrived. Material links two (its
theme and its colour palette) and we add ours, so a phone on slow 4G waited for four files, each
over a connection of its own (Lighthouse's mobile preset: about 0.15 s more per file). Here every
page's local stylesheets are joined, in their order, into one file named after its content
(`assets/stylesheets/osd.<hash>.css`), and the page links that one file instead. The cascade is
unchanged: the same rules, in the same order. The original files stay (nothing else changes
for tools that read them) and the service worker caches the joined file like any asset.

Scripts are deferred by theme/main.html; nothing here touches them.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

BUNDLE_DIR = "assets/stylesheets"
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">[ \t]*\n?')
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CHARSET = re.compile(r'@charset\s+"[^"]*";\s*', re.I)


def site_path(page: str, href: str, root_path: str) -> str | None:
    """The stylesheet's path in the site for a link on `page` (site-relative), or None if not ours."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or parts.query:
        return None
    if href.startswith("/"):
        if not href.startswith(root_path):
            return None
        return href[len(root_path):]
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def rebase_urls(css: str, source: str, target: str) -> str:
    """url(...) references of `source` (a site path) made relative to `target`'s folder instead."""
    def rebase(match: re.Match) -> str:
        quote, url = match.groups()
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", url, re.I):
            return match.group(0)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), url))
        return f"url({quote}{posixpath.relpath(resolved, posixpath.dirname(target))}{quote})"

    return _URL.sub(rebase, css)


def write_bundle(site: Path, sources: tuple[str, ...]) -> str:
    """Join `sources` (site paths) into one stylesheet in BUNDLE_DIR; returns its site path."""
    parts = []
    for source in sources:
        css = _CHARSET.sub("", (site / source).read_text(encoding="utf-8")).strip()
        parts.append(f"/* {source} */\n" + rebase_urls(css, source, f"{BUNDLE_DIR}/bundle.css") + "\n")
    # One @charset, first in the file, as CSS requires (the sources' own are dropped above).
    joined = '@charset "UTF-8";\n' + "".join(parts)
    name = f"{BUNDLE_DIR}/osd.{hashlib.sha256(joined.encode()).hexdigest()[:10]}.css"
    (site / BUNDLE_DIR).mkdir(parents=True, exist_ok=True)
    (site / name).write_text(joined, encoding="utf-8")
    return name


def site_root_path(site_url: str) -> str:
    """The site's path on its host, ending in "/" (links starting with it are the site's own)."""
    root_path = urlsplit(site_url).path or "/"
    return root_path if root_path.endswith("/") else root_path + "/"


def bundle_stylesheets(site: Path, site_url: str) -> None:
    """Give every page of the built site one stylesheet in place of its local ones."""
    root_path = site_root_path(site_url)
    bundles: dict[tuple[str, ...], str] = {}
    for file in sorted(site.rglob("*.html")):
        text = file.read_text(encoding="utf-8")
        changed = bundle_page(site, file.relative_to(site).as_posix(), text, root_path, bundles)
        if changed != text:
            file.write_text(changed, encoding="utf-8")


def bundle_page(site: Path, page: str, text: str, root_path: str, bundles: dict[tuple[str, ...], str]) -> str:
    """One page (`page`, its path in the site) linking one joined stylesheet in place of its local
    ones; `bundles` remembers the joined files written so far, by their sources."""
    head_end = text.find("</head>")
    links = []
    for match in _LINK.finditer(text, 0, max(head_end, 0)):
        path = site_path(page, match.group(1), root_path)
        if path is None or not (site / path).is_file():
            continue
        if "@import" in (site / path).read_text(encoding="utf-8"):
            continue  # an @import must stay at the top of its own file
        links.append((match, path))
    if len(links) < 2:
        return text
    sources = tuple(path for _, path in links)
    if sources not in bundles:
        bundles[sources] = write_bundle(site, sources)
    bundle = bundles[sources]
    first = links[0][0].group(1)
    href = (root_path + bundle if first.startswith("/")
            else posixpath.relpath(bundle, posixpath.dirname(page) or "."))
    out, at = [], 0
    for index, (match, _) in enumerate(links):
        out.append(text[at:match.start()])
        if index == 0:
            out.append(f'<link rel="stylesheet" href="{href}">\n')
        at = match.end()
    out.append(text[at:])
    return "".join(out)
