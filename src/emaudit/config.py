"""YAML option files: every CLI option has a config-file equivalent."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError
from .yaml_safety import parse_yaml


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file, turning syntax errors into a one-line ``UserError`` with the line."""
    p = Path(path)
    if not p.is_file():
        raise UserError("file not found", path=str(p))
    try:
        text = p.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as e:
        raise UserError(f"cannot read: {e}", path=str(p)) from None
    return parse_yaml(text, str(p))[1]


def key_lines(path: str | Path) -> dict[str, int]:
    """Line number of each top-level key, for error messages."""
    lines: dict[str, int] = {}
    node = parse_yaml(Path(path).read_text(encoding="utf-8"), str(path))[0]
    if isinstance(node, yaml.MappingNode):
        for k, _v in node.value:
            lines[str(k.value)] = k.start_mark.line + 1
    return lines


def load_options(path: str, known: dict[str, argparse.Action]) -> dict[str, Any]:
    data = read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UserError("an options file must be a mapping of option names to values", path=path, line=1)
    lines = key_lines(path)
    out: dict[str, Any] = {}
    for key, value in data.items():
        dest = str(key).replace("-", "_")
        if dest not in known:
            raise UserError(f"unknown option; known: {', '.join(sorted(known))}", path=path,
                            line=lines.get(str(key)), field=str(key))
        action = known[dest]
        if isinstance(action, argparse._AppendAction) and not isinstance(value, list):
            value = [value]
        if action.type is not None and value is not None:
            try:
                value = [action.type(v) for v in value] if isinstance(value, list) else action.type(value)  # type: ignore[misc,operator]
            except (TypeError, ValueError) as e:
                raise UserError(f"bad value {value!r}: {e}", path=path, line=lines.get(str(key)), field=str(key)) from None
        out[action.dest] = value
    return out
