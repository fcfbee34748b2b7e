"""Thai search preparation: segment the built search index so lunr can find Thai words.

Thai is written without spaces. We split each Thai run of the index into words with PyThaiNLP's
newmm and join them with U+200B, which mkdocs.yml lists as a search separator. The page then needs
no Thai dictionary of its own.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .load import Course

ZWSP = "\u200b"
_THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")


def segment_thai(text: str) -> str:
    from pythainlp.tokenize import word_tokenize

    def split(match: re.Match) -> str:
        words = [w for w in word_tokenize(match.group(), engine="newmm", keep_whitespace=False) if w]
        return ZWSP.join(words)

    return _THAI_RUN.sub(split, text)


def prepare_search_index(course: Course, site: Path) -> None:
    index_path = site / "search" / "search_index.json"
    if not index_path.is_file():
        return
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for doc in index.get("docs", []):
        doc["title"] = segment_thai(doc.get("title", ""))
        doc["text"] = segment_thai(doc.get("text", ""))
    index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
