"""Thai line breaking for print: no line starts with ๆ, ฯ or a closing quote, and a number stays
with the Thai word it counts or names. Applied to every print document's text (printdoc).
"""
from __future__ import annotations

import re

WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"
_SPACE_BEFORE_MARK = re.compile(r"[ \t\n]+(?=[ๆฯ])")
_BEFORE_MARK = re.compile(r"(?<=[^\s\u2060])(?=[ๆฯ])")
# ” ’ » always close. A straight quote closes when it follows a letter (an opening one follows a
# space or starts the text); Jinja writes it as &#34;, Markdown leaves it as is.
_BEFORE_CLOSER = re.compile(r"(?<=[^\s\u2060])(?=[”’»]|\"|&#34;|&quot;)")
# "3 จุด", "15 นาที", "มาตรา 14", "พ.ศ. 2565": a number stays with the word it counts or names.
_SPACE_AT_NUMBER = re.compile(r"(?<=[0-9๐-๙])[ \n](?=[\u0E01-\u0E2E\u0E40-\u0E44])"
                              r"|(?<=[\u0E01-\u0E3A\u0E40-\u0E4E.])[ \n](?=[0-9๐-๙])")
_TAG_OR_RAW = re.compile(r"(<(?:style|script)\b.*?</(?:style|script)>|<[^>]*>)", re.S | re.I)


def glue_thai(text: str) -> str:
    """Keep ๆ, ฯ and closing quotes on the same line as the word before them.

    Pango breaks Thai with a dictionary and will start a line with ๆ or ฯ, which Thai typesetting
    never does. A WORD JOINER (U+2060) forbids the break and prints nothing (Sarabun has no glyph
    for it and Pango treats it as default-ignorable, so no fallback font is pulled in). The Royal
    Institute spacing "เด็ก ๆ" puts a space before ๆ: that space becomes a no-break space, as
    does the space between a number and its Thai word ("3 จุด", "มาตรา 14").
    Applying the function twice changes nothing.
    """
    text = _SPACE_BEFORE_MARK.sub(NO_BREAK_SPACE, text)
    text = _SPACE_AT_NUMBER.sub(NO_BREAK_SPACE, text)
    text = _BEFORE_MARK.sub(WORD_JOINER, text)
    return _BEFORE_CLOSER.sub(WORD_JOINER, text)


def glue_thai_html(document: str) -> str:
    """glue_thai on the text of an HTML document, leaving tags, <style> and <script> alone."""
    parts = _TAG_OR_RAW.split(document)
    return "".join(part if index % 2 else glue_thai(part) for index, part in enumerate(parts))
