"""Bounds on what content may ask of the parsers, checked in linear time before they run.

Lessons and quizzes arrive by pull request, so a file may be written to stall or crash the build.
Every bound below is far above what a real lesson needs (our largest lesson is 21 KB, our largest
quiz 16 KB, and no lesson nests lists more than three deep), and far below what hurts:

- `MAX_MARKDOWN_BYTES` (1 MB) per Markdown file and `MAX_YAML_BYTES` (128 KB, eight times our
  largest quiz) per YAML file or front matter: every YAML value becomes a Python object and a
  model field, about 5 µs per byte for a quiz of short fields. Rosters come from the office,
  not from a pull request, and have their own, larger bound (certificates/sheets.py).
- `MAX_YAML_DEPTH` (64): quizzes are four levels deep; Python's recursion limit is 1000.
- Python-Markdown re-reads the rest of a paragraph for every `[` that is never closed (and for
  every `](` whose `(` is never closed, and the rest of the page for every `<tag` that is never
  closed with `>`). One line of 20,000 `[` made three of its link patterns read 200 million
  characters each (35 to 55 s). The print stage's patterns read on from an HTML `<a>`, `<p>`,
  `<script>`, `<style>` or `<summary>` to its end tag the same way (2,400 unclosed `<a href>`:
  8 s). We count those re-reads, in one pass, and refuse a file whose total passes `MAX_REREAD`.
- Python-Markdown rebuilds a paragraph's text for every mark it turns into HTML (`*`, `` ` ``,
  `<b>`, `&amp;`…), so its work grows with marks × paragraph length: 128,000 `*a*` in one
  paragraph took two minutes. `MAX_INLINE_WORK` bounds that product, summed over the file.
- The site's search index cuts Thai into words in time that grows with the square of a run of
  Thai letters with no space (64,000 letters: 4.5 s). `MAX_THAI_RUN` (2,000; our longest run is
  90, since Thai puts a space between phrases) keeps that linear over a file.
- Every line and block costs Python-Markdown some 50–100 µs, whatever it holds:
  `MAX_MARKDOWN_LINES` (5,000; our longest page has 165) keeps a file well under a second.
- Python-Markdown parses nested lists, quotes, `markdown` HTML blocks and emphasis recursively,
  so a few hundred levels end in RecursionError: `MAX_BLOCK_NESTING` (16) per line, and
  `MAX_INLINE_NESTING` (32) for emphasis and for HTML blocks with a `markdown` attribute.

All of it is counted in one pass over the text (regular expressions here match in linear time:
no nested or overlapping repeats), before Python-Markdown sees any of it.
"""
from __future__ import annotations

import re

from coursebuild.problems import Problem

MAX_MARKDOWN_BYTES = 1_000_000
MAX_MARKDOWN_LINES = 5_000
MAX_YAML_BYTES = 128_000
MAX_YAML_DEPTH = 64
MAX_BLOCK_NESTING = 16
MAX_INLINE_NESTING = 32
# Characters Python-Markdown may re-read for one file, weighted by how slowly it re-reads them
# (about 0.4 µs each), so the bound costs at most ~0.1 s. Our busiest lesson needs 819.
MAX_REREAD = 250_000
# Marks × paragraph length, summed: about 2.5 ns each at worst (0.13 s). Our busiest page: 49,649.
MAX_INLINE_WORK = 50_000_000
MAX_THAI_RUN = 2_000


def too_large(text: str, limit: int, path: str, line: int, what: str) -> Problem | None:
    """A Problem when `text` is more than `limit` bytes of UTF-8."""
    if len(text) * 4 <= limit:
        return None  # no UTF-8 character takes more than four bytes
    size = len(text) if len(text) > limit else len(text.encode("utf-8"))
    if size <= limit:
        return None
    return Problem(path, line, 1, "file-too-large",
                   f"the {what} is {size:,} bytes; the build reads at most {limit:,}",
                   "split it into smaller files; no lesson or quiz needs to be this big")


# Weights: how many times Python-Markdown re-reads each character, and how slowly (a regular
# expression scans about eight times faster than Python's loops in the link parser).
_BRACKET_WEIGHT = 3  # the link, reference and short-reference patterns each re-read from a '['
_PAREN_WEIGHT = 1
_ANGLE_DIVISOR = 8

_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")
_INLINE_MARK = re.compile(r"[*_`<&\[!\\]")
# Maximal runs, one match each. Not "{2001,}": that retries from every letter of a shorter run.
_THAI_RUN = re.compile("[\u0e00-\u0e7f]+")
_BRACKETS = re.compile(r"\\.|[\[\]()'\"]", re.S)
_EMPHASIS = re.compile(r"\\.|[*_]+", re.S)
_TAG_OPEN = re.compile(r"<[A-Za-z/!?]")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*+)([^<>]*)>")  # *+: no backtracking into the name
_MARKDOWN_ATTRIBUTE = re.compile(r"(?:^|\s)markdown(?:\s|=|/?$)")
_BLOCK_MARKER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|[0-9]{1,9}[.)](?=[ \t]))")


class MarkdownGuard:
    """Everything one file gives to Python-Markdown, checked before it is rendered.

    `add` each piece (a page body, or a YAML text that the build renders as Markdown), then
    `finish`. Costs add up over the whole file: the build renders every piece. When the build
    joins the pieces into one page (a lesson's objectives, body and key points), `span` is that
    page's size: something left open in one piece may make Markdown read through all of it."""

    def __init__(self, path: str, span: int = 0):
        self.path = path
        self.span = span
        self.lines = 0
        self.reread = 0
        # Positions are worked out only for what gets reported: counting lines for every one of
        # a million marks would itself be quadratic.
        self.worst: tuple = (0, None, 0, "")  # (cost, where, offset, kind) of one re-read
        self.work = 0
        self.busiest: tuple = (0, None, 0)  # (work, where, offset) of one paragraph
        self.problems: list[Problem] = []

    def add(self, text: str, line: int, column: int = 1, exact: bool = True) -> None:
        """`line`/`column` is where `text` starts. With `exact`, positions inside it are exact
        (a page body); otherwise everything is reported at the start (a YAML value)."""

        def where(offset: int) -> tuple[int, int]:
            if not exact:
                return line, column
            start = text.rfind("\n", 0, offset) + 1
            return line + text.count("\n", 0, offset), (column if start == 0 else 1) + offset - start

        self.lines += text.count("\n") + 1
        if self.lines > MAX_MARKDOWN_LINES:
            return  # refused by finish() anyway; and every check below costs per line or block
        seen: set[str] = set()

        def deep(offset: int, kind: str, message: str, hint: str) -> None:
            if kind not in seen:  # one problem of each kind per piece is enough to act on
                seen.add(kind)
                at_line, at_column = where(offset)
                self.problems.append(Problem(self.path, at_line, at_column, "markdown-too-deep", message, hint))

        run = next((m for m in _THAI_RUN.finditer(text) if len(m.group()) > MAX_THAI_RUN), None)
        if run:
            at_line, at_column = where(run.start())
            self.problems.append(Problem(
                self.path, at_line, at_column, "markdown-too-complex",
                f"{len(run.group()):,} Thai letters with no space between them: the search index cuts "
                f"such a run into words in time that grows with its square (the build allows {MAX_THAI_RUN:,})",
                "put spaces between phrases and sentences, as Thai writing does"))
        for offset, depth in _block_nesting(text):
            deep(offset, "block", f"lists, quotes or indentation are nested {depth} levels deep here; "
                                  f"the build reads at most {MAX_BLOCK_NESTING}",
                 "flatten the list, or remove extra '>' or '-' at the start of the line")
        for offset, depth in _html_nesting(text):
            deep(offset, "html", f"HTML blocks with 'markdown' are nested {depth} deep here; "
                                 f"the build reads at most {MAX_INLINE_NESTING}",
                 "close each <div markdown> with </div> before opening the next")
        for block_start, block in _blocks(text):
            work = len(_INLINE_MARK.findall(block)) * len(block)
            self.work += work
            if work > self.busiest[0]:
                self.busiest = (work, where, block_start + len(block) - len(block.lstrip()))
            for offset, depth in _emphasis_nesting(block):
                deep(block_start + offset, "emphasis",
                     f"'*' or '_' open emphasis {depth} levels deep here; the build reads at most {MAX_INLINE_NESTING}",
                     "close each *emphasis* or **bold** before opening the next, or write \\* for a plain *")
            # A YAML text's line breaks may join it to its neighbours' paragraphs on the page.
            for offset, cost, kind in _bracket_rereads(block, 0 if exact else self.span):
                self._count(cost, where, block_start + offset, kind)
        for offset, cost in _angle_rereads(text, self.span):
            self._count(cost, where, offset, "angle")
        for offset, cost in _element_rereads(text, self.span):
            self._count(cost, where, offset, "element")

    def _count(self, cost: int, where, offset: int, kind: str) -> None:
        self.reread += cost
        if cost > self.worst[0]:
            self.worst = (cost, where, offset, kind)

    def finish(self) -> list[Problem]:
        problems = list(self.problems)
        if self.lines > MAX_MARKDOWN_LINES:
            problems.append(Problem(self.path, 0, 0, "file-too-large",
                                    f"the file gives Markdown {self.lines:,} lines (each text field counts "
                                    f"at least one); the build reads at most {MAX_MARKDOWN_LINES:,}",
                                    "split it into smaller pages or quizzes"))
        if self.work > MAX_INLINE_WORK:
            _, where, offset = self.busiest
            line, column = where(offset)
            problems.append(Problem(self.path, line, column, "markdown-too-complex",
                                    f"this paragraph is long and full of Markdown marks (* _ ` < & [ !): "
                                    f"Markdown's work grows with both, {self.work:,} here "
                                    f"(the build allows {MAX_INLINE_WORK:,})",
                                    "split the paragraph with blank lines, or use fewer marks"))
        if self.reread > MAX_REREAD:
            _, where, offset, kind = self.worst
            line, column = where(offset)
            message, hint = _REREAD_TEXT[kind]
            problems.append(Problem(self.path, line, column, "markdown-too-complex",
                                    f"{message}, so Markdown would re-read about {self.reread:,} characters "
                                    f"of this file (the build allows {MAX_REREAD:,})", hint))
        return problems


_REREAD_TEXT = {
    "bracket": ("a '[' here (and maybe others) is never closed with ']'",
                "close every [ with ], or write \\[ for a bracket that is only text"),
    "paren": ("the link address after '](' here is never closed with ')'",
              "end the link address with ), or write \\( for a bracket that is only text"),
    "element": ("an HTML <a>, <p>, <script>, <style> or <summary> here (and maybe others) is never closed "
                "with its end tag", "close it (</a>), or write a Markdown link [text](address) instead"),
    "angle": ("a '<' here (and maybe others) starts an HTML tag that is never closed with '>'",
              "write &lt; for a < that is only text, or finish the tag with >"),
}


def _blocks(text: str):
    """(offset, text) of each stretch between blank lines: no inline Markdown spans a blank line."""
    start = 0
    for match in _BLANK_LINE.finditer(text):
        yield start, text[start:match.start()]
        start = match.end()
    yield start, text[start:]


def _block_nesting(text: str):
    """(offset, depth) of the first line whose containers nest too deep."""
    offset = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" \t")
        indent = len(line[: len(line) - len(stripped)].expandtabs(4)) // 4
        depth = indent
        position = len(line) - len(stripped)
        while depth <= MAX_BLOCK_NESTING:
            match = _BLOCK_MARKER.match(line, position)
            if not match:
                break
            depth += 1
            position = match.end()
        if depth > MAX_BLOCK_NESTING:
            yield offset, depth
            return
        offset += len(line) + 1


def _html_nesting(text: str):
    """(offset, depth) where HTML elements with a `markdown` attribute nest too deep."""
    stack: list[str] = []
    for match in _HTML_TAG.finditer(text):
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name):]
        elif _MARKDOWN_ATTRIBUTE.search(attributes) and not attributes.rstrip().endswith("/"):
            stack.append(name)
            if len(stack) > MAX_INLINE_NESTING:
                yield match.start(), len(stack)
                return


def _emphasis_nesting(block: str):
    """(offset, depth) where runs of '*'/'_' that can only open emphasis pile up too deep.

    Like CommonMark's flanking rules, simplified: a run followed by text and preceded by a space
    opens, a run preceded by text and followed by a space closes."""
    depth = 0
    for match in _EMPHASIS.finditer(block):
        run = match.group()
        if run.startswith("\\"):
            continue
        before = block[match.start() - 1] if match.start() else " "
        after = block[match.end()] if match.end() < len(block) else " "
        opens, closes = not after.isspace(), not before.isspace()
        if opens and not closes:
            depth += len(run)
            if depth > MAX_INLINE_NESTING:
                yield match.start(), depth
                return
        elif closes and not opens:
            depth = max(0, depth - len(run))


def _bracket_rereads(block: str, tail: int):
    """(offset, weighted cost, kind) for each '[' and each '](': how far Markdown reads from it.

    Python-Markdown reads from a '[' to its matching ']' (counting nested brackets), to the end
    of the paragraph if there is none; from '](' to the matching ')', and to the end of the
    paragraph if a quote (a link title) starts before it, since then it stops counting. Whatever
    is left open is read to the end, and `tail` characters further."""
    end = len(block)
    brackets: list[int] = []
    parens: list[int] = []
    quoted: list[bool] = []  # per open '(': whether a quote came after it
    for match in _BRACKETS.finditer(block):
        ch = match.group()
        at = match.start()
        if ch == "[":
            brackets.append(at)
        elif ch == "]":
            if brackets:
                start = brackets.pop()
                yield start, _BRACKET_WEIGHT * (at - start), "bracket"
        elif ch == "(":
            parens.append(at)
            quoted.append(False)
        elif ch == ")":
            if parens:
                start = parens.pop()
                was_quoted = quoted.pop()
                if start and block[start - 1] == "]":
                    yield start, _PAREN_WEIGHT * ((end if was_quoted else at) - start), "paren"
        elif ch in "'\"" and quoted:
            quoted[-1] = True
    for start in brackets:
        yield start, _BRACKET_WEIGHT * (end + tail - start), "bracket"
    for start in parens:
        if start and block[start - 1] == "]":
            yield start, _PAREN_WEIGHT * (end + tail - start), "paren"


def _angle_rereads(text: str, tail: int):
    """(offset, weighted cost) for each '<' that starts a tag: Python's HTML parser (which
    Python-Markdown uses) reads from it to the next '>', or to the end of the text and `tail`
    characters further."""
    closes = [m.start() for m in re.finditer(">", text)]
    index = 0
    for match in _TAG_OPEN.finditer(text):
        at = match.start()
        while index < len(closes) and closes[index] < at:
            index += 1
        stop = closes[index] if index < len(closes) else len(text) + tail
        cost = (stop - at) // _ANGLE_DIVISOR
        if cost:
            yield at, cost


# Elements whose content the print stage's patterns (render/print/printdoc.py) match lazily up to
# the end tag: each one left open makes them read to the end of the page.
_ELEMENTS = ("a", "p", "script", "style", "summary")
_ELEMENT_OPEN = re.compile(r"<(%s)(?![A-Za-z0-9-])" % "|".join(_ELEMENTS), re.I)
_ELEMENT_CLOSE = re.compile(r"</(%s)(?![A-Za-z0-9-])" % "|".join(_ELEMENTS), re.I)


def _element_rereads(text: str, tail: int):
    """(offset, weighted cost) for each such start tag: how far to its next end tag."""
    closes: dict[str, list[int]] = {name: [] for name in _ELEMENTS}
    for match in _ELEMENT_CLOSE.finditer(text):
        closes[match.group(1).lower()].append(match.start())
    index = dict.fromkeys(_ELEMENTS, 0)
    for match in _ELEMENT_OPEN.finditer(text):
        name, at = match.group(1).lower(), match.start()
        ends = closes[name]
        while index[name] < len(ends) and ends[index[name]] < at:
            index[name] += 1
        stop = ends[index[name]] if index[name] < len(ends) else len(text) + tail
        cost = (stop - at) // _ANGLE_DIVISOR
        if cost:
            yield at, cost
