"""YAML loading that keeps source positions, and that content cannot stall or crash.

Content arrives by pull request, so its YAML is untrusted. We never construct Python objects
with PyYAML's resolvers and constructors. Instead we read parser *events* and build `Located`
values ourselves, which lets us refuse, before anything is built:

- anchors (`&name`) and aliases (`*name`), anywhere, mapping keys included: an alias is a
  pointer, and a few hundred bytes of them expand into gigabytes (the "billion laughs");
- tags (`!!python/object`, `!!binary`, `!foo`): nothing in our files needs one;
- keys that are lists or mappings;
- nesting deeper than `MAX_DEPTH`, and text longer than `MAX_BYTES`.

Events come from libyaml (PyYAML's C parser, twelve times faster than its Python one) when
PyYAML was built with it, as its wheels are; otherwise from the Python parser.

Scalars are resolved by one small, total function (`resolve_plain`), in the spirit of YAML 1.2's
core schema: an unquoted `true`/`false` is a boolean, a decimal whole number an int, a decimal
fraction a float, an empty value or `null`/`~` nothing, and everything else text. There are no
dates, timestamps, octal or base-60 numbers, and no `yes`/`on` booleans, so `2022-02-30`, `0123`
or `12:30` stay exactly the text the editor typed. Every `Located` scalar also keeps that text
(`source`), so a text field never sees a number rewritten (`1.50` stays "1.50").
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from coursebuild.problems import Problem
from coursebuild.source.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, too_large

MAX_BYTES = MAX_YAML_BYTES
MAX_DEPTH = MAX_YAML_DEPTH


@dataclass(frozen=True)
class Located:
    """A YAML value with its 1-based position. Mappings hold Located keys and values.

    `source` is the scalar exactly as written (after YAML's own quoting and folding), or None for
    a list or mapping. `quoted` is True for quoted and block (| >) scalars, which are always text."""

    value: Any
    line: int
    column: int
    key_line: int = 0  # for mapping values: where the key was written
    key_column: int = 0
    source: str | None = None
    quoted: bool = False

    def plain(self) -> Any:
        v = self.value
        if isinstance(v, dict):
            return {k: item.plain() for k, item in v.items()}
        if isinstance(v, list):
            return [item.plain() for item in v]
        return v


_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]{1,30}")  # longer is text: Python refuses int() of > 4300 digits anyway
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = {".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
                  "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
                  "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
                  ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan")}


def resolve_plain(text: str) -> Any:
    """An unquoted scalar's value. Total: any text gives a value, never an exception."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return int(text)
    if text in _SPECIAL_FLOAT:
        return _SPECIAL_FLOAT[text]
    if len(text) <= 100 and _FLOAT.fullmatch(text):
        return float(text)
    return text


class _Refused(Exception):
    """Something we do not accept, at a parser mark."""

    def __init__(self, mark, problem: Problem):
        super().__init__(problem.message)
        self.mark = mark
        self.problem = problem


def _refuse(mark, message: str, hint: str, code: str = "yaml-syntax") -> _Refused:
    return _Refused(mark, Problem("", 0, 0, code, message, hint))


class _PythonEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's reader, scanner and parser only: events, no nodes, no constructors."""

    def __init__(self, text: str):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


try:
    from yaml.cyaml import CParser as _Events  # events only, as above
    _POSITIONS_IN_BYTES = True  # libyaml's reader reports UTF-8 byte offsets
except ImportError:  # PyYAML built without libyaml
    _Events = _PythonEvents
    _POSITIONS_IN_BYTES = False


_ANCHOR_HINT = ("write the value out in full each time; anchors (&) and aliases (*) are not supported, "
                "so a file can't expand into something huge")


class _Builder:
    def __init__(self, loader, path: str, problems: list[Problem], line_offset: int):
        self.loader = loader
        self.path = path
        self.problems = problems
        self.offset = line_offset

    def document(self) -> Located | None:
        loader = self.loader
        loader.get_event()  # StreamStartEvent
        tree = None
        if not loader.check_event(StreamEndEvent):
            loader.get_event()  # DocumentStartEvent
            tree = self.node(0)
            loader.get_event()  # DocumentEndEvent
        if not loader.check_event(StreamEndEvent):
            event = loader.peek_event()
            raise _refuse(event.start_mark, "the file holds more than one YAML document",
                           "remove the second '---' line (or everything after it)", "yaml-syntax")
        return tree

    def _position(self, mark) -> tuple[int, int]:
        return mark.line + 1 + self.offset, mark.column + 1

    def node(self, depth: int) -> Located:
        event = self.loader.get_event()
        if isinstance(event, AliasEvent):
            raise _refuse(event.start_mark, f"'*{event.anchor}' reuses a value marked with '&{event.anchor}'",
                           _ANCHOR_HINT)
        if getattr(event, "anchor", None) is not None:
            raise _refuse(event.start_mark, f"'&{event.anchor}' marks a value to be reused", _ANCHOR_HINT)
        if getattr(event, "tag", None) is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise _refuse(event.start_mark, f"the tag '{tag}' is not supported",
                           "remove it; to keep a value as text, put it in quotes")
        line, column = self._position(event.start_mark)
        if isinstance(event, ScalarEvent):
            if not event.style:  # plain: None from PyYAML's parser, '' from libyaml
                return Located(resolve_plain(event.value), line, column, source=event.value)
            return Located(event.value, line, column, source=event.value, quoted=True)
        if depth >= MAX_DEPTH:
            raise _refuse(event.start_mark, f"the YAML is nested more than {MAX_DEPTH} levels deep",
                           "no course file needs that many levels: check the indentation and brackets",
                           code="yaml-too-deep")
        if isinstance(event, SequenceStartEvent):
            items = []
            while not self.loader.check_event(SequenceEndEvent):
                items.append(self.node(depth + 1))
            self.loader.get_event()
            return Located(items, line, column)
        if isinstance(event, MappingStartEvent):
            return Located(self.mapping(depth), line, column)
        raise _refuse(event.start_mark, "unexpected YAML structure", "check the indentation", "yaml-syntax")

    def mapping(self, depth: int) -> dict[str, Located]:
        out: dict[str, Located] = {}
        while not self.loader.check_event(MappingEndEvent):
            start = self.loader.peek_event()
            key = self.node(depth + 1)
            if isinstance(key.value, (dict, list)):
                raise _refuse(start.start_mark, "a key must be a single word or text, not a list or mapping",
                               "write 'name: value'; remove the '?' or the brackets before the colon")
            name = key.source if key.source is not None else ""
            value = self.node(depth + 1)
            if name in out:
                self.problems.append(Problem(self.path, key.line, key.column, "yaml-duplicate-key",
                                             f"the key '{name}' is written twice",
                                             "keep one of them; YAML would silently use the last"))
            out[name] = Located(value.value, value.line, value.column, key.line, key.column,
                                value.source, value.quoted)
        self.loader.get_event()
        return out


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Located | None, list[Problem]]:
    """Parse YAML text. Returns (tree, problems); the tree is None when it cannot be used."""
    problems: list[Problem] = []
    big = too_large(text, MAX_BYTES, path, 1 + line_offset, "YAML")
    if big:
        return None, [big]
    loader = None
    try:
        loader = _Events(text)  # inside the try: the reader rejects some characters at once
        tree = _Builder(loader, path, problems, line_offset).document()
    except _Refused as refused:
        mark = refused.mark
        problems.append(dataclasses.replace(refused.problem, path=path, line=mark.line + 1 + line_offset,
                                            column=mark.column + 1))
        return None, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        problems.append(Problem(path, line, col, "yaml-syntax", f"YAML syntax error: {what}",
                                "check indentation (spaces, not tabs) and quote text containing ': ' or '#'"))
        return None, problems
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        line = 1 + line_offset
        col = 1
        position = getattr(exc, "position", None)
        if isinstance(position, int) and _POSITIONS_IN_BYTES:
            position = len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
        if isinstance(position, int):
            line += text.count("\n", 0, position)
            col = position - (text.rfind("\n", 0, position) + 1) + 1
        what = getattr(exc, "reason", "") or str(exc)
        problems.append(Problem(path, line, col, "yaml-syntax", f"YAML error: {what}",
                                "delete the invisible control character here; retype the line if unsure"))
        return None, problems
    except UnicodeEncodeError as exc:  # a lone surrogate: no file decoded as UTF-8 holds one
        line = 1 + line_offset + text.count("\n", 0, exc.start)
        problems.append(Problem(path, line, exc.start - text.rfind("\n", 0, exc.start), "yaml-syntax",
                                "YAML error: a character that is not valid Unicode", "retype the line"))
        return None, problems
    finally:
        if loader is not None:
            loader.dispose()
    if tree is None:
        return Located(None, 1 + line_offset, 1), problems
    return tree, problems
