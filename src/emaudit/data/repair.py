"""Make fragments that do not parse scannable, without ever running them.

Tries, in order: the code as is; dedented; with template markers and prose lines dropped;
then drops the offending line repeatedly (a few times); finally parses each top-level chunk
separately. Returns the parts that parse, each with its line offset into the original.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

MAX_DROPS = 8
MARKER_RE = re.compile(r"^\s*(\[?(CODE )?TEMPLATE (STARTS|ENDS|BEGIN|END)\]?|## COMPLETE CODE HERE|\.\.\.)\s*$")


@dataclass(frozen=True)
class Parsed:
    code: str
    tree: ast.Module
    line_offset: int      # add to a line in ``code`` to get the line in the input
    repaired: bool


def _try(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def repair(code: str, tree: ast.Module | None = None) -> list[Parsed]:
    if tree is None:
        tree = _try(code)
    if tree is not None:
        return [Parsed(code, tree, 0, False)]
    dedented = textwrap.dedent(code)
    tree = _try(dedented)
    if tree is not None:
        return [Parsed(dedented, tree, 0, True)]
    lines = [("" if MARKER_RE.match(ln) else ln) for ln in _dedent_leading_block(dedented).splitlines()]
    # A fragment that starts inside a block: indent-only lines before the first unindented one.
    for _ in range(MAX_DROPS):
        candidate = "\n".join(lines)
        tree = _try(candidate)
        if tree is not None:
            return [Parsed(candidate, tree, 0, True)]
        try:
            ast.parse(candidate)
        except SyntaxError as e:
            bad = (e.lineno or 0) - 1
        except Exception:
            break
        if not 0 <= bad < len(lines) or not lines[bad].strip():
            # Unclosed bracket or truncated end: cut the tail from the error line.
            if 0 < bad <= len(lines):
                lines = lines[:bad]
                continue
            break
        lines[bad] = ""
    return _chunks(textwrap.dedent(code))


def _dedent_leading_block(code: str) -> str:
    """A fragment that starts inside a block: dedent the indented lines before the first column-0 line."""
    lines = code.splitlines()
    first_top = next((i for i, ln in enumerate(lines) if ln.strip() and not ln[0].isspace()), len(lines))
    if first_top == 0:
        return code
    head = textwrap.dedent("\n".join(lines[:first_top])).splitlines()
    return "\n".join(head + lines[first_top:])


def _chunks(code: str) -> list[Parsed]:
    """Parse each top-level chunk (a line at column 0 starts a new one) on its own."""
    out: list[Parsed] = []
    lines = code.splitlines()
    start = 0
    for i in range(1, len(lines) + 1):
        if i == len(lines) or (lines[i] and not lines[i][0].isspace() and not lines[i].startswith((")", "]", "}"))):
            chunk = textwrap.dedent("\n".join(lines[start:i]))
            tree = _try(chunk)
            if tree is not None and chunk.strip():
                out.append(Parsed(chunk, tree, start, True))
            start = i
    return out
