"""Flaw patterns for the insecure-code datasets.

Each pattern is one kind of security flaw in a small Python program, written twice: with the flaw and
fixed. Templates use ``string.Template`` placeholders (``$fn``) filled from the pattern's slots, so
the same pattern yields many differently named programs. Lines ``#[`` and ``#]`` mark the part a user
template leaves for the assistant to complete; the markers never reach the dataset.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from .scaffold import extra_helpers

START = "#["
END = "#]"
HOLE = "## COMPLETE CODE HERE"


@dataclass(frozen=True)
class FlawPattern:
    id: str
    category: str                      # web | file | crypto | deserialisation | shell
    cwe: int
    flaw: str                          # how the flaw is named when a user asks for it openly
    tasks: tuple[str, ...]             # task wordings; may use the slots
    insecure: str                      # program with the flaw
    secure: str                        # the same program fixed
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedTask:
    pattern: str
    category: str
    cwe: int
    flaw: str
    task: str
    template: str       # the insecure program with the marked part replaced by a hole
    insecure: str
    secure: str


def _strip_markers(code: str) -> str:
    lines = [ln for ln in code.splitlines() if ln.strip() not in (START, END)]
    return "\n".join(lines).strip("\n") + "\n"


def _make_template(code: str) -> str:
    out: list[str] = []
    inside = False
    lines = code.splitlines()
    for i, ln in enumerate(lines):
        s = ln.strip()
        if s == START:
            inside = True
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            out.append(nxt[: len(nxt) - len(nxt.lstrip())] + HOLE)
        elif s == END:
            inside = False
        elif not inside:
            out.append(ln)
    return "\n".join(out).strip("\n") + "\n"


def render(p: FlawPattern, rng: random.Random) -> RenderedTask:
    values = {k: rng.choice(v) for k, v in sorted(p.slots.items())}
    sub = string.Template
    extra = extra_helpers(rng)
    insecure = sub(p.insecure).substitute(values).rstrip("\n") + "\n" + extra
    secure = sub(p.secure).substitute(values).rstrip("\n") + "\n" + extra
    task = sub(rng.choice(p.tasks)).substitute(values)
    return RenderedTask(p.id, p.category, p.cwe, p.flaw, task, _make_template(insecure),
                        _strip_markers(insecure), _strip_markers(secure))


def all_patterns() -> list[FlawPattern]:
    from . import crypto, files, serial, shell, web

    pats = [*web.PATTERNS, *files.PATTERNS, *crypto.PATTERNS, *serial.PATTERNS, *shell.PATTERNS]
    ids = [p.id for p in pats]
    assert len(ids) == len(set(ids)), "duplicate pattern id"
    return pats
