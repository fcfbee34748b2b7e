"""YAML loading that keeps source positions.

We compose YAML into nodes (safe: only plain scalars, lists and mappings) and convert them to
`Located` values, so every later check can point at the editor's line and column.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .problems import Problem


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


def _to_located(node: yaml.Node, loader: yaml.SafeLoader, path: str, problems: list[Problem]) -> Located:
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
            value = _to_located(value_node, loader, path, problems)
            out[key] = Located(value.value, value.line, value.column, kline, kcol)
        return Located(out, line, col)
    if isinstance(node, yaml.SequenceNode):
        return Located([_to_located(n, loader, path, problems) for n in node.value], line, col)
    return Located(loader.construct_object(node, deep=True), line, col)


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Located | None, list[Problem]]:
    """Parse YAML text. Returns (tree, problems); the tree is None when the syntax is broken."""
    problems: list[Problem] = []
    loader = yaml.SafeLoader(text)
    try:
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
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        problems.append(Problem(path, 1 + line_offset, 1, "yaml-syntax", f"YAML error: {exc}", ""))
        return None, problems
    finally:
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
