"""Reading one content file: bounded, UTF-8, and for YAML files parsed and converted to its model.

Every source module reads its files through here, so the size limits and the error for a file
that is not UTF-8 are the same for lessons, quizzes, course.yml, terms, claims and prefixes.
"""
from __future__ import annotations

from pathlib import Path

from coursebuild.problems import Problem, relpath
from coursebuild.source.limits import MAX_MARKDOWN_BYTES, MAX_YAML_BYTES
from coursebuild.source.model import convert
from coursebuild.source.yamlsource import Located, load_yaml


def read_text(path: Path, root: Path, limit: int = MAX_MARKDOWN_BYTES) -> tuple[str | None, list[Problem]]:
    """The file as text, if it is UTF-8 and at most `limit` bytes (read no further than that)."""
    rel = relpath(path, root)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        return None, [Problem(rel, 0, 0, "unreadable", f"cannot read the file: {exc.strerror}", "")]
    if len(raw) > limit:
        return None, [Problem(rel, 0, 0, "file-too-large", f"the file is larger than {limit:,} bytes",
                              "split it into smaller files; no lesson or quiz needs to be this big")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, 1, "not-utf8", "the file is not UTF-8 text",
                              "save the file as UTF-8 (in most editors: Save with Encoding → UTF-8)")]
    return text.replace("\r\n", "\n"), []


def read_yaml_file(path: Path, root: Path, model: type, kind: str) -> tuple[object | None, Located | None, list[Problem]]:
    """A YAML file read (at most MAX_YAML_BYTES), parsed with positions and converted to `model`.

    Returns (data, tree, problems): tree is None when the file could not be read or parsed; data is
    None also when the tree does not fit the model (the tree is still there for callers that
    check what they can of it)."""
    rel = relpath(path, root)
    text, problems = read_text(path, root, MAX_YAML_BYTES)
    if text is None:
        return None, None, problems
    tree, sub = load_yaml(text, rel)
    problems += sub
    if tree is None:
        return None, None, problems
    data, sub = convert(model, tree, rel, kind)
    return data, tree, problems + sub
