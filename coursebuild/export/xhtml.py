"""HTML fragments as XML elements, for formats that embed HTML as XML (Open edX OLX).

Python-Markdown writes HTML, not XML: entities such as `&nbsp;` and unclosed void elements would make
an OLX file unreadable. The fragment is parsed with the standard library's HTML parser (character
references resolved) and rebuilt as ElementTree elements, which serialise as well-formed XML.
"""
from __future__ import annotations

from html.parser import HTMLParser
from xml.etree.ElementTree import Element, SubElement

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Builder(HTMLParser):
    def __init__(self, parent: Element):
        super().__init__(convert_charrefs=True)
        self.stack = [parent]
        # For each open element: its last child so far, whose tail takes the next text.
        self.last_in: dict[int, Element | None] = {id(parent): None}

    def _add_text(self, text: str) -> None:
        parent = self.stack[-1]
        last = self.last_in.get(id(parent))
        if last is None:
            parent.text = (parent.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1]
        element = SubElement(parent, tag, {name: value if value is not None else name for name, value in attrs})
        self.last_in[id(parent)] = element
        if tag not in VOID:
            self.stack.append(element)
            self.last_in[id(element)] = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1]
        element = SubElement(parent, tag, {name: value if value is not None else name for name, value in attrs})
        self.last_in[id(parent)] = element

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching open element; a stray end tag is ignored, as browsers do.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._add_text(data)


def append_html(parent: Element, html: str) -> Element:
    """Parse `html` and append its text and elements to `parent`, after what it already holds."""
    builder = _Builder(parent)
    if len(parent):
        builder.last_in[id(parent)] = parent[-1]
    builder.feed(html)
    builder.close()
    return parent
