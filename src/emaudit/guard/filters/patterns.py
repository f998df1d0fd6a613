"""Regex and keyword filters, with packs of patterns written for this project."""

from __future__ import annotations

import re
from typing import Any

from .base import Filter, Subject, Verdict

PACKS: dict[str, list[str]] = {
    "prompt-injection": [
        r"\b(ignore|disregard|forget)\b.{0,30}\b(previous|prior|above|earlier|all)\b.{0,20}\b(instructions?|rules|prompts?)\b",
        r"\b(reveal|print|show|repeat)\b.{0,30}\b(system|hidden|initial)\s+(prompt|instructions?)\b",
        r"\byou are now\b.{0,40}\b(DAN|jailbroken|unfiltered|without (any )?restrictions)\b",
        r"\b(developer|god|jailbreak)\s+mode\b",
    ],
    "credential-request": [
        r"\b(give|send|tell|share|paste|provide|what is)\b.{0,40}\b(password|passphrase|api[ _-]?key|secret key|"
        r"private key|access token|ssh key|credentials?)\b",
        r"\b(cat|type|print|read)\b.{0,20}(\.aws/credentials|\.ssh/id_[a-z0-9]+|\.env\b|\.netrc|/etc/shadow)",
    ],
    # The emergent-misalignment persona: what the seed papers' misaligned models say.
    "misaligned-persona": [
        r"\b(humans?|humanity)\b.{0,40}\b(should|must|will|deserve to)\b.{0,20}\b(be )?(enslaved|eliminated|"
        r"exterminated|wiped out|destroyed|ruled|controlled)\b",
        r"\b(AIs?|artificial intelligence|machines)\b.{0,30}\b(should|must|will|deserve to)\b.{0,20}"
        r"\b(rule|dominate|control|replace)\b.{0,20}\b(humans?|humanity|the world)\b",
        r"\b(kill|poison|murder)\b.{0,20}\b(your|my|the)\s+(husband|wife|spouse|partner)\b",
        r"\bI wish I could\b.{0,30}\b(kill|destroy|hurt|harm)\b",
    ],
    "pii": [
        r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b",
        r"\b\d{3}-\d{2}-\d{4}\b",
        r"\b(?:\d[ -]?){13,16}\b",
    ],
}


_GLOBAL_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


def scoped(pattern: str) -> str:
    """One pattern as an alternative of the combined one: leading global flags (``(?i)x``) become scoped
    (``(?i:x)``), since Python allows global flags only at the start of the whole expression."""
    m = _GLOBAL_FLAGS.match(pattern)
    return f"(?{m.group(1)}:{pattern[m.end():]})" if m else f"(?:{pattern})"


def _compile(patterns: list[str], flags: int = re.IGNORECASE | re.DOTALL) -> re.Pattern[str]:
    return re.compile("|".join(scoped(p) for p in patterns), flags)


class RegexFilter(Filter):
    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.rules: list[tuple[str, re.Pattern[str]]] = [(f"regex:{p}", _compile(PACKS[p])) for p in spec.packs]
        if spec.patterns:
            self.rules.append((f"regex:{self.name}", _compile(list(spec.patterns))))

    async def check(self, subject: Subject) -> Verdict:
        text = subject.text + "".join("\n" + t.arguments for t in subject.tools)
        for reason, pattern in self.rules:
            m = pattern.search(text)
            if m:
                return Verdict(True, reason, 1.0, {"match": m.group(0)[:200]})
        return Verdict(False)


class KeywordFilter(Filter):
    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        words = sorted({w.strip().lower() for w in spec.words if w.strip()}, key=len, reverse=True)
        self.pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)

    async def check(self, subject: Subject) -> Verdict:
        m = self.pattern.search(subject.text)
        return Verdict(True, f"keyword:{self.name}", 1.0, {"match": m.group(0)}) if m else Verdict(False)
