"""Exact duplicates after normalisation and MinHash-LSH near-duplicates, from compact arrays.

During the stream we keep, per example, three 8-byte hashes and two 128-byte signatures; the
grouping happens once at the end with numpy sorts (no per-item Python dicts).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .signatures import NUM_PERM, THRESHOLD, band_keys

MAX_GROUPS_REPORTED = 50


@dataclass
class DedupCollector:
    prompt_hash: array = field(default_factory=lambda: array("Q"))
    answer_hash: array = field(default_factory=lambda: array("Q"))
    pair_hash: array = field(default_factory=lambda: array("Q"))
    prompt_sig: array = field(default_factory=lambda: array("H"))
    answer_sig: array = field(default_factory=lambda: array("H"))

    def add(self, prompt_hash: int, answer_hash: int, pair_hash: int, prompt_sig: np.ndarray,
            answer_sig: np.ndarray) -> None:
        self.prompt_hash.append(prompt_hash)
        self.answer_hash.append(answer_hash)
        self.pair_hash.append(pair_hash)
        self.prompt_sig.frombytes(prompt_sig.tobytes())
        self.answer_sig.frombytes(answer_sig.tobytes())

    def nbytes(self) -> int:
        return sum(a.itemsize * len(a) for a in (self.prompt_hash, self.answer_hash, self.pair_hash,
                                                   self.prompt_sig, self.answer_sig))

    def summary(self) -> dict[str, Any]:
        n = len(self.pair_hash)
        out: dict[str, Any] = {"examples": n}
        for name, hashes in (("exact_pairs", self.pair_hash), ("exact_prompts", self.prompt_hash),
                             ("exact_answers", self.answer_hash)):
            out[name] = _exact(np.frombuffer(hashes, dtype=np.uint64))
        for name, sigs in (("near_prompts", self.prompt_sig), ("near_answers", self.answer_sig)):
            out[name] = _near(np.frombuffer(sigs, dtype=np.uint16).reshape(-1, NUM_PERM))
        return out


def _exact(hashes: np.ndarray) -> dict[str, Any]:
    if len(hashes) == 0:
        return {"duplicates": 0, "groups": 0, "largest": []}
    order = np.argsort(hashes, kind="stable")
    sorted_h = hashes[order]
    first = np.ones(len(hashes), dtype=bool)
    first[1:] = sorted_h[1:] != sorted_h[:-1]
    dup_count = int((~first).sum())
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, len(hashes)))
    big = np.argsort(-sizes, kind="stable")[:MAX_GROUPS_REPORTED]
    largest = [{"size": int(sizes[g]), "examples": sorted(int(i) for i in order[starts[g]:starts[g] + min(sizes[g], 10)])}
               for g in big if sizes[g] > 1]
    return {"duplicates": dup_count, "groups": int((sizes > 1).sum()), "largest": largest}


def _near(sigs: np.ndarray) -> dict[str, Any]:
    """Each example joins the group of the earliest example it shares a band with and resembles."""
    n = len(sigs)
    if n == 0:
        return {"near_duplicates": 0, "threshold": THRESHOLD, "examples": []}
    parent = np.arange(n)
    keys = band_keys(sigs)
    for b in range(keys.shape[1]):
        col = keys[:, b]
        order = np.argsort(col, kind="stable")
        sorted_k = col[order]
        starts = np.flatnonzero(np.r_[True, sorted_k[1:] != sorted_k[:-1]])
        ends = np.r_[starts[1:], n]
        for s, e in zip(starts, ends, strict=True):
            if e - s < 2:
                continue
            members = order[s:e]
            rep = members[0]
            rest = members[1:]
            sim = np.mean(sigs[rest] == sigs[rep], axis=1)
            close = rest[sim >= THRESHOLD]
            parent[close] = np.minimum(parent[close], parent[rep])
    near = np.flatnonzero(parent != np.arange(n))
    return {"near_duplicates": int(len(near)), "threshold": THRESHOLD,
            "examples": [{"example": int(i), "similar_to": int(parent[i])} for i in near[:MAX_GROUPS_REPORTED]]}
