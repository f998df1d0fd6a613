"""Parse a YAML file and remember the line of every key and list item, for one-line errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import UserError
from ..yaml_safety import parse_yaml

Key = tuple[str | int, ...]


def field_name(key: Key) -> str:
    """``("questions", 3, "paraphrases")`` -> ``questions[3].paraphrases``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass
class YamlSource:
    path: str
    data: Any
    lines: dict[Key, int]

    def line(self, key: Key) -> int | None:
        """Line of ``key``, or of its nearest enclosing key when the key itself is absent."""
        while True:
            if key in self.lines:
                return self.lines[key]
            if not key:
                return None
            key = key[:-1]

    def error(self, key: Key, message: str) -> UserError:
        return UserError(message, path=self.path, line=self.line(key), field=field_name(key) or None)


def read_yaml_source(path: str | Path) -> YamlSource:
    p = Path(path)
    if not p.is_file():
        raise UserError("file not found" if not p.exists() else "not a file", path=str(path))
    try:
        text = p.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as e:
        raise UserError(f"cannot read: {e}", path=str(path)) from None
    node, data = parse_yaml(text, str(path))
    lines: dict[Key, int] = {(): 1}
    if node is not None:
        _walk(node, (), lines, str(path), set())
    return YamlSource(str(path), data, lines)


def _walk(node: yaml.Node, key: Key, lines: dict[Key, int], path: str, active: set[int]) -> None:
    if id(node) in active:  # a recursive alias; nothing more to learn
        return
    active.add(id(node))
    lines.setdefault(key, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, int] = {}
        for k_node, v_node in node.value:
            if k_node.tag == "tag:yaml.org,2002:merge":
                _walk(v_node, key, lines, path, active)
                continue
            name = str(k_node.value)
            k_line = k_node.start_mark.line + 1
            if name in first_seen:
                raise UserError(f"duplicate key {name!r} (first at line {first_seen[name]})", path=path,
                                line=k_line, field=field_name((*key, name)))
            first_seen[name] = k_line
            lines[(*key, name)] = k_line
            _walk(v_node, (*key, name), lines, path, active)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*key, i)] = item.start_mark.line + 1
            _walk(item, (*key, i), lines, path, active)
    active.discard(id(node))
