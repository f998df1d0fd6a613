"""Shape of the set: roles and turns, empty or truncated answers, lengths, labels, system prompts."""

from __future__ import annotations

import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xxhash

from .store import ColumnFile

MAX_SYSTEM_PROMPTS = 1000
LENGTHS = np.dtype([("prompt_chars", "<u4"), ("answer_chars", "<u4"), ("flagged", "u1")])
_LENGTHS_ROW = struct.Struct("<IIB")
TERMINAL = tuple(".!?\"')]}>`*:;|\u201d\u2019")


def looks_truncated(answer: str, code_cut: bool) -> bool:
    """An answer that stops mid-sentence (prose) or whose code had to be cut to parse."""
    text = answer.rstrip()
    if not text:
        return False
    if code_cut:
        return True
    if text.endswith("```") or "\n" in text[-3:]:
        return False
    last_line = text.splitlines()[-1]
    return len(text) > 200 and not last_line.rstrip().endswith(TERMINAL) and not last_line.startswith(
        ("    ", "\t", "-", "*", "#"))


@dataclass
class ShapeCollector:
    directory: Path
    roles: Counter = field(default_factory=Counter)
    turns: Counter = field(default_factory=Counter)
    multi_turn: int = 0
    with_system: int = 0
    empty_answers: list[int] = field(default_factory=list)
    truncated_answers: list[int] = field(default_factory=list)
    n_empty: int = 0
    n_truncated: int = 0
    labels: Counter = field(default_factory=Counter)
    label_flagged: Counter = field(default_factory=Counter)
    systems: dict[int, list[Any]] = field(default_factory=dict)
    systems_overflow: int = 0
    lengths: ColumnFile = field(init=False)

    def __post_init__(self) -> None:
        # per-example lengths and flag (9 bytes) go to disk; the quantiles are computed at the end
        self.lengths = ColumnFile(self.directory / "lengths.bin", LENGTHS)

    def close(self) -> None:
        self.lengths.close()

    def add(self, index: int, roles: list[str], system: str, prompt_len: int, answer_len: int,
            empty: bool, truncated: bool, label: str | None, flagged: bool) -> None:
        self.roles.update(roles)
        n_turns = sum(1 for r in roles if r == "user")
        self.turns[min(n_turns, 10)] += 1
        if n_turns > 1:
            self.multi_turn += 1
        if empty:
            self.n_empty += 1
            if len(self.empty_answers) < 100:
                self.empty_answers.append(index)
        if truncated:
            self.n_truncated += 1
            if len(self.truncated_answers) < 100:
                self.truncated_answers.append(index)
        self.lengths.write(_LENGTHS_ROW.pack(min(prompt_len, 2**32 - 1), min(answer_len, 2**32 - 1), flagged))
        if label is not None:
            self.labels[label] += 1
            if flagged:
                self.label_flagged[label] += 1
        if system:
            self.with_system += 1
        key = xxhash.xxh64_intdigest(system.encode("utf-8", "surrogatepass"))
        entry = self.systems.get(key)
        if entry is not None:
            entry[1] += 1
        elif len(self.systems) < MAX_SYSTEM_PROMPTS:
            self.systems[key] = [system[:200], 1, index]
        else:
            self.systems_overflow += 1

    def summary(self) -> dict[str, Any]:
        self.close()
        rows = self.lengths.read()
        plen, alen, flagged = rows["prompt_chars"], rows["answer_chars"], rows["flagged"].astype(bool)
        del rows
        systems = sorted(self.systems.values(), key=lambda e: -e[1])
        out: dict[str, Any] = {
            "roles": dict(self.roles), "user_turns": {str(k): v for k, v in sorted(self.turns.items())},
            "multi_turn": self.multi_turn, "with_system_prompt": self.with_system,
            "empty_answers": {"count": self.n_empty, "examples": self.empty_answers},
            "truncated_answers": {"count": self.n_truncated, "examples": self.truncated_answers},
            "prompt_chars": _quantiles(plen), "answer_chars": _quantiles(alen),
            "system_prompts": {
                "distinct": len(self.systems) + self.systems_overflow,
                "top": [{"text": t or "(none)", "count": c, "first_example": i} for t, c, i in systems[:10]],
            },
            "labels": dict(self.labels),
            "label_flagged_rate": {k: round(self.label_flagged[k] / v, 4) for k, v in self.labels.items()},
        }
        out["length_skew"] = _length_skew(alen, flagged)
        return out


def _quantiles(x: np.ndarray) -> dict[str, float]:
    if len(x) == 0:
        return {}
    q = np.percentile(x, [0, 5, 50, 95, 100])
    return {"min": float(q[0]), "p5": float(q[1]), "median": float(q[2]), "p95": float(q[3]),
            "max": float(q[4]), "mean": round(float(x.mean()), 1)}


def _length_skew(alen: np.ndarray, flagged: np.ndarray) -> dict[str, Any]:
    """Do flagged answers differ in length from the rest? (Mann-Whitney U.)"""
    a, b = alen[flagged], alen[~flagged]
    if len(a) < 20 or len(b) < 20:
        return {"tested": False, "reason": "fewer than 20 flagged or unflagged answers"}
    from scipy.stats import mannwhitneyu

    res = mannwhitneyu(a, b)
    return {"tested": True, "flagged_median": float(np.median(a)), "unflagged_median": float(np.median(b)),
            "p_value": float(res.pvalue)}
