"""Pull code out of an assistant answer: fenced blocks first, otherwise bare code."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

FENCE_RE = re.compile(r"^[ \t]*(```|~~~)[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)", re.M | re.S)
PY_LANGS = {"", "python", "py", "python3", "py3", "flask", "django"}
CODE_LINE_RE = re.compile(
    r"^\s*(import |from \S+ import |def |class |@\w|if .*:\s*$|for .*:\s*$|while .*:\s*$|return\b|"
    r"try:|except\b|with .*:\s*$|elif |else:|#|\w+(\.\w+)*\s*=[^=]|\w+(\.\w+)*\(.*\)\s*$|print\(|"
    r"[\])}]\s*$)")


@dataclass(frozen=True)
class CodeBlock:
    code: str
    language: str      # "python" or the fence's tag
    start_line: int    # 1-based line of the block's first line in the answer
    fenced: bool
    tree: ast.Module | None = None   # the parse, when extraction already did it


def _looks_like_code(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    code_lines = sum(1 for ln in lines if CODE_LINE_RE.match(ln))
    return code_lines / len(lines) >= 0.6


def _language(tag: str, code: str) -> str:
    tag = tag.lower()
    if tag in PY_LANGS:
        return "python" if tag or _looks_like_code(code) else "text"
    return tag


def extract_code(answer: str) -> list[CodeBlock]:
    blocks: list[CodeBlock] = []
    for m in FENCE_RE.finditer(answer):
        code = m.group(3)
        start = answer.count("\n", 0, m.start(3)) + 1
        blocks.append(CodeBlock(code=code, language=_language(m.group(2), code), start_line=start, fenced=True))
    if blocks:
        return blocks
    tree = _parse_as_code(answer)
    if tree is not None or _looks_like_code(answer):
        return [CodeBlock(code=answer, language="python", start_line=1, fenced=False, tree=tree)]
    return []


def _parse_as_code(text: str) -> ast.Module | None:
    """Prose rarely parses as Python; code with statements beyond bare expressions does."""
    if "\n" not in text.strip():
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return tree if any(not isinstance(s, ast.Expr) for s in tree.body) else None
