"""How generated pages are written for the site engine: front matter by a YAML dumper, content as
Markdown, and our own markup (quiz forms, navigation, the progress page) as trusted blocks.

The engine renders every page's Markdown through markup.SafeContent, which cleans the whole page
with the content allow-list. Our own markup needs more than content may have (forms, buttons,
data- attributes), so it is not written into the Markdown: a placeholder paragraph holding a
random per-build token stands in its place, and SafeContent puts the markup back after cleaning.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

import yaml
from markupsafe import escape


@dataclass
class TrustedBlocks:
    """Our own HTML for this build, by placeholder. Pass `html` to markup.SafeContent(trusted=…).

    A placeholder names its markup's content (a hash, and which occurrence of the same markup it
    is), so a page's Markdown changes exactly when its blocks do: the preview rebuilds only the
    pages whose Markdown changed (render/site/build.py). The token is random for each build, or
    for each preview session (it is never written anywhere content is read from)."""

    token: str = field(default_factory=lambda: secrets.token_hex(12))
    html: dict[str, str] = field(default_factory=dict)

    def add(self, markup: str) -> str:
        """A Markdown paragraph that becomes `markup` on the page."""
        # Python-Markdown keeps a raw block whole only up to a blank line; ours have none.
        html = "\n".join(line for line in str(markup).split("\n") if line.strip())
        digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]
        occurrence = 0
        while f"osd-block-{self.token}-{digest}-{occurrence}" in self.html:
            occurrence += 1
        placeholder = f"osd-block-{self.token}-{digest}-{occurrence}"
        self.html[placeholder] = html
        return f"\n{placeholder}\n\n"


def front_matter(title: str, **fields) -> str:
    """A page's front matter. The engine puts `title` into <title> unescaped, so it is written
    HTML-escaped here; the YAML dumper quotes whatever the title holds (backslashes, quotes)."""
    data = {"title": str(escape(title)), **fields}
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000) + "---\n\n"
