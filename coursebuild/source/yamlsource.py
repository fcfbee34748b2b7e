"""YAML loading that keeps source positions.

We compose YAML into nodes (safe: only plain scalars, lists and mappings) and convert them to
`Located` values, so every later check can point at the editor's line and column.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from coursebuild.problems import Problem


@dataclass(frozen=True)
class Located:
    """A YAML value with its 1-based position. Mappings hold Located keys and values."""

    value: Any
    line: int
    column: int
    key_line: int = 0  # for mapping values: where the key was written
    key_column: int = 0

    def plain(self) -> Any:
        v = self.value
        if isinstance(v, dict):
            return {k: item.plain() for k, item in v.items()}
        if isinstance(v, list):
            return [item.plain() for item in v]
        return v


_constructor = yaml.SafeLoader.construct_scalar


class _AliasFound(Exception):
    """A node reached twice: an alias (*name). Expanding it could recurse forever or explode."""

    def __init__(self, node: yaml.Node):
        super().__init__("alias")
        self.node = node


def _to_located(node: yaml.Node, loader: yaml.SafeLoader, path: str, problems: list[Problem],
                seen: set[int] | None = None) -> Located:
    seen = set() if seen is None else seen
    if id(node) in seen:
        raise _AliasFound(node)
    seen.add(id(node))
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Located] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                problems.append(Problem(path, kline, kcol, "yaml-duplicate-key",
                                        f"the key '{key}' is written twice",
                                        "keep one of them; YAML would silently use the last"))
            value = _to_located(value_node, loader, path, problems, seen)
            out[key] = Located(value.value, value.line, value.column, kline, kcol)
        return Located(out, line, col)
    if isinstance(node, yaml.SequenceNode):
        return Located([_to_located(n, loader, path, problems, seen) for n in node.value], line, col)
    return Located(loader.construct_object(node, deep=True), line, col)


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Located | None, list[Problem]]:
    """Parse YAML text. Returns (tree, problems); the tree is None when the syntax is broken."""
    problems: list[Problem] = []
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # inside the try: the reader rejects some characters at once
        node = loader.get_single_node()
        if node is None:
            return Located(None, 1 + line_offset, 1), problems
        tree = _to_located(node, loader, path, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        problems.append(Problem(path, line, col, "yaml-syntax", f"YAML syntax error: {what}",
                                "check indentation (spaces, not tabs) and quote text containing ': ' or '#'"))
        return None, problems
    except _AliasFound as found:
        mark = found.node.start_mark
        problems.append(Problem(path, mark.line + 1 + line_offset, mark.column + 1, "yaml-syntax",
                                "the value marked here with &name is reused with *name",
                                "write the value out in full each time; anchors (&) and aliases (*) are "
                                "not supported"))
        return None, problems
    except yaml.YAMLError as exc:  # e.g. a control character the reader refuses
        line = 1 + line_offset
        col = 1
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            line += text.count("\n", 0, position)
            col = position - (text.rfind("\n", 0, position) + 1) + 1
        what = getattr(exc, "reason", "") or str(exc)
        problems.append(Problem(path, line, col, "yaml-syntax", f"YAML error: {what}",
                                "delete the invisible control character here; retype the line if unsure"))
        return None, problems
    finally:
        if loader is not None:
            loader.dispose()
    if line_offset:
        tree = _shift(tree, line_offset)
    return tree, problems


def _shift(item: Located, offset: int) -> Located:
    v = item.value
    if isinstance(v, dict):
        v = {k: _shift(x, offset) for k, x in v.items()}
    elif isinstance(v, list):
        v = [_shift(x, offset) for x in v]
    return Located(v, item.line + offset, item.column, item.key_line + offset if item.key_line else 0,
                   item.key_column)
