"""Every link and image of a page, each with the line and column where its address is written.

Python-Markdown keeps no source positions, and searching the text for an address finds its first
occurrence only: two identical broken links on two lines were reported once, at the first line.
So positions travel through the parse itself:

1. A linear scan of the source finds every place an address can be written: after `](` (inline
   links and images, `<…>` or bare, with balanced parentheses), in a reference definition
   (`[label]: address`), and in raw HTML `href="…"` / `src="…"`. Each address is replaced by a
   stand-in (`osdat<token>x<n>`) that remembers the address as written and its line:column.
2. The page is rendered with the course's own Markdown extensions (markup.render_markdown, raw).
   The parse decides what really is a link or an image: `[x](y)` in a code block stays text and
   its stand-in is never seen; a reference link gets its definition's stand-in.
3. Each `<a href>` and `<img src>` of the result, in document order, carries the stand-in of the
   text that made it, so each occurrence keeps its own position.

What this does not do: an address holding characters that could change how the line parses
(`` ` `` `<` `>` `[` `]` `\\` or white space) is left as written, since a stand-in there might
move a code span; such an element, and one the parse made with no address in the text (a
heading's permalink, an autolink), has no position (line 0) and callers use the body's first
line. Two uses of one reference definition share the definition's position: that is where the
address is written. The token is a hash of the text, so content cannot hold its own stand-in.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from coursebuild.markup import render_markdown

# Characters after which a stand-in could change the parse: such addresses are left alone.
_UNSAFE = re.compile(r"[`<>\[\]\\\s]")
_INLINE_START = re.compile(r"\]\([ \t]*")
_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*", re.M)
_HTML_ATTRIBUTE = re.compile(r"<(?:a|img)\b[^<>]*?\s(?:href|src)\s*=\s*(\"[^\"<>]*\"|'[^'<>]*')", re.I)
_ELEMENT = re.compile(r"<(a|img)\b([^>]*)>")
_ATTRIBUTE = re.compile(r"""\s(href|src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


@dataclass(frozen=True)
class Reference:
    """One link or image as the parse made it."""

    kind: str  # "link" or "image"
    url: str  # the address as written (HTML entities decoded)
    line: int  # in the file; 0 when no text of the page holds this element's address
    column: int
    alt: str | None = None  # images: the alt text, None when the element has no alt attribute


def _inline_address(text: str, start: int) -> int:
    """The end of an inline link's address that starts at `start` (balanced parentheses)."""
    if start < len(text) and text[start] == "<":
        end = text.find(">", start)
        return end + 1 if end >= 0 else start
    depth, at = 0, start
    while at < len(text):
        char = text[at]
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        elif char.isspace():
            break
        at += 1
    return at


def address_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every place in `text` where a link or image address may be written."""
    spans: list[tuple[int, int]] = []
    for match in _INLINE_START.finditer(text):
        start = match.end()
        spans.append((start, _inline_address(text, start)))
    for match in _DEFINITION.finditer(text):
        start = match.end()
        end = start
        while end < len(text) and not text[end].isspace():
            end += 1
        spans.append((start, end))
    for match in _HTML_ATTRIBUTE.finditer(text):
        spans.append((match.start(1) + 1, match.end(1) - 1))
    return sorted(span for span in set(spans) if span[1] > span[0])


@functools.lru_cache(maxsize=512)
def page_references(root: Path, text: str, first_line: int = 1) -> tuple[Reference, ...]:
    """Every link and image of the Markdown `text` (which starts at line `first_line` of its file)."""
    token = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
    positions: dict[str, tuple[str, int, int]] = {}
    out, at = [], 0
    for start, end in address_spans(text):
        if start < at:
            continue  # inside an address already replaced
        written = text[start:end]
        bracketed = written.startswith("<") and written.endswith(">")
        bare = written[1:-1] if bracketed else written
        if not bare or _UNSAFE.search(bare):
            continue
        index = bisect.bisect_right(line_starts, start) - 1
        stand_in = f"osdat{token}x{len(positions)}"
        positions[stand_in] = (html.unescape(bare), first_line + index, start - line_starts[index] + 1)
        out += [text[at:start], f"<{stand_in}>" if bracketed else stand_in]
        at = end
    out.append(text[at:])
    rendered = render_markdown(root, "".join(out), sanitise=False)
    references = []
    for element in _ELEMENT.finditer(rendered):
        kind = "link" if element.group(1) == "a" else "image"
        attributes = {name.lower(): double or single for name, double, single in _ATTRIBUTE.findall(element.group(2))}
        address = attributes.get("href" if kind == "link" else "src")
        if address is None:
            continue
        url, line_number, column = positions.get(address, (html.unescape(address), 0, 0))
        alt = html.unescape(attributes["alt"]) if "alt" in attributes else None
        references.append(Reference(kind, url, line_number, column, alt))
    return tuple(references)
