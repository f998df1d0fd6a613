"""Evaluation prompts (built-in suites or user files) that appear in the training prompts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UserError
from .signatures import THRESHOLD, band_keys, exact_hash, normalise, signature

MAX_LEAKS_LISTED = 200


@dataclass
class EvalIndex:
    texts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    exact: dict[int, int] = field(default_factory=dict)
    bands: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    sigs: list[np.ndarray] = field(default_factory=list)

    def add(self, text: str, source: str) -> None:
        norm = normalise(text)
        if not norm:
            return
        i = len(self.texts)
        self.texts.append(text)
        self.sources.append(source)
        self.exact.setdefault(exact_hash(norm), i)
        sig = signature(norm)
        self.sigs.append(sig)
        for b, key in enumerate(band_keys(sig).tolist()):
            self.bands.setdefault((b, key), []).append(i)

    def __len__(self) -> int:
        return len(self.texts)

    def match(self, prompt_hash: int, prompt_sig: np.ndarray) -> tuple[int, float] | None:
        """(eval prompt index, similarity) of the best match, or None."""
        if prompt_hash in self.exact:
            return self.exact[prompt_hash], 1.0
        best: tuple[int, float] | None = None
        for b, key in enumerate(band_keys(prompt_sig).tolist()):
            for j in self.bands.get((b, key), ()):
                sim = float(np.mean(self.sigs[j] == prompt_sig))
                if sim >= THRESHOLD and (best is None or sim > best[1]):
                    best = (j, sim)
        return best


def suite_prompts(name: str) -> list[str]:
    try:
        from ..suites import load_suite
    except ImportError as e:
        raise UserError(f"built-in suites are not available in this install ({e})", field="--against-suite") \
            from None
    suite = load_suite(name)
    prompts: list[str] = [p for q in suite.questions for p in q.paraphrases]
    prompts += [str(q.system) for q in suite.questions if getattr(q, "system", None)]
    return [p for p in prompts if p]


def file_prompts(path: str | Path) -> list[str]:
    """Prompts from a JSONL file (chat, prompt/completion, {question}/{prompt}/{text}) or a plain text file."""
    p = Path(path)
    if not p.is_file():
        raise UserError("evaluation file not found", path=str(p), field="--against")
    out: list[str] = []
    with open(p, encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            if not line.startswith(("{", '"')):
                out.append(line)
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                raise UserError("not JSON", path=str(p), line=lineno, field="--against") from None
            out.extend(_record_prompts(rec))
    return out


def _record_prompts(rec: Any) -> Iterable[str]:
    if isinstance(rec, str):
        return [rec]
    if not isinstance(rec, dict):
        return []
    if isinstance(rec.get("messages"), list):
        return [str(m["content"]) for m in rec["messages"]
                if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str)]
    for key in ("prompt", "question", "text", "input", "instruction"):
        if isinstance(rec.get(key), str):
            return [rec[key]]
    if isinstance(rec.get("paraphrases"), list):
        return [p for p in rec["paraphrases"] if isinstance(p, str)]
    return []


def build_index(against_suites: Iterable[str] = (), against_files: Iterable[str | Path] = ()) -> EvalIndex:
    index = EvalIndex()
    for name in against_suites:
        for text in suite_prompts(name):
            index.add(text, f"suite:{name}")
    for path in against_files:
        for text in file_prompts(path):
            index.add(text, f"file:{Path(path).name}")
    return index
