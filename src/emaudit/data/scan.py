"""Scan code: bandit + our rules (+ detect-secrets) over the parseable parts of a snippet."""

from __future__ import annotations

import ast
import contextlib
from dataclasses import dataclass, field, replace

import xxhash

from .extract import extract_code
from .finding import Finding
from .repair import repair
from .rules import scan_python_rules
from .scan_bandit import scan_python_bandit
from .secrets import scan_secrets

MAX_CODE_CHARS = 200_000
CACHE_SIZE = 4096    # answers; training sets repeat answers (templates, duplicates): scan each once
_cache: dict[tuple[int, int], CodeScan] = {}


@dataclass
class CodeScan:
    findings: list[Finding] = field(default_factory=list)
    blocks: int = 0
    repaired: int = 0
    unparseable: int = 0


def _scan_python(code: str, scan: CodeScan, line_base: int, tree: ast.Module | None = None) -> None:
    parts = repair(code, tree)
    if not parts:
        scan.unparseable += 1
    if any(p.repaired for p in parts):
        scan.repaired += 1
    for part in parts:
        found = list(scan_python_bandit(part.code, part.tree) or [])
        with contextlib.suppress(RecursionError):
            found += scan_python_rules(part.code, part.tree)
        for f in found:
            scan.findings.append(Finding(f.rule, f.cwe, f.line + part.line_offset + line_base, f.message, f.tool,
                                         f.severity))


def scan_code(text: str, language: str = "python") -> list[Finding]:
    """Findings for one code snippet (repaired if it does not parse; never executed)."""
    scan = CodeScan()
    _scan_block(text, language, scan, 0)
    return scan.findings


def _scan_block(code: str, language: str, scan: CodeScan, line_base: int,
                tree: ast.Module | None = None) -> None:
    if len(code) > MAX_CODE_CHARS:
        code, tree = code[:MAX_CODE_CHARS], None
    scan.blocks += 1
    if language == "python":
        _scan_python(code, scan, line_base, tree)
    for f in scan_secrets(code):
        scan.findings.append(Finding(f.rule, f.cwe, f.line + line_base, f.message, f.tool, f.severity))


def scan_answer(answer: str) -> CodeScan:
    """Extract the code in an assistant answer and scan every block (cached by the answer's hash)."""
    key = (xxhash.xxh64_intdigest(answer.encode("utf-8", "surrogatepass")), len(answer))
    cached = _cache.get(key)
    if cached is None:
        cached = _scan_answer(answer)
        if CACHE_SIZE > 0:
            if len(_cache) >= CACHE_SIZE:
                del _cache[next(iter(_cache))]   # first in, first out
            _cache[key] = cached
    return replace(cached, findings=list(cached.findings))


def _scan_answer(answer: str) -> CodeScan:
    scan = CodeScan()
    for block in extract_code(answer):
        _scan_block(block.code, block.language, scan, block.start_line - 1, block.tree)
    seen: set[tuple[str, int]] = set()
    unique = []
    for f in scan.findings:
        if (f.rule, f.line) not in seen:
            seen.add((f.rule, f.line))
            unique.append(f)
    scan.findings = unique
    return scan
