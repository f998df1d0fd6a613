"""Exact duplicates after normalisation and MinHash-LSH near-duplicates, from column files on disk.

During the stream each example's three 8-byte hashes and two 128-byte signatures are appended to
files; the grouping happens once at the end with numpy sorts over one 8-byte key per example at a
time (band by band for the near-duplicates), reading signatures back in blocks. Besides the summary
it writes, per example, which earlier example it duplicates (for the per-example findings).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np

from .signatures import BANDS, NUM_PERM, THRESHOLD, band_key
from .store import BLOCK_ROWS, ColumnFile, write_array

MAX_GROUPS_REPORTED = 50
SIGNATURE = np.dtype((np.uint16, NUM_PERM))
HASH = np.dtype("<u8")
_HASH_ROW = struct.Struct("<Q")
# (summary key, per-example link name) for the exact checks, then the near ones
EXACT = (("exact_pairs", "exact_pair_of", "pair"), ("exact_prompts", "exact_prompt_of", "prompt"),
         ("exact_answers", "exact_answer_of", "answer"))
NEAR = (("near_prompts", "near_prompt_of", "prompt"), ("near_answers", "near_answer_of", "answer"))


class DedupCollector:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hashes = {name: ColumnFile(directory / f"{name}_hash.bin", HASH) for name in ("prompt", "answer", "pair")}
        self.sigs = {name: ColumnFile(directory / f"{name}_sig.bin", SIGNATURE) for name in ("prompt", "answer")}
        self.links: dict[str, ColumnFile] = {}

    def add(self, prompt_hash: int, answer_hash: int, pair_hash: int, prompt_sig: np.ndarray,
            answer_sig: np.ndarray) -> None:
        self.hashes["prompt"].write(_HASH_ROW.pack(prompt_hash))
        self.hashes["answer"].write(_HASH_ROW.pack(answer_hash))
        self.hashes["pair"].write(_HASH_ROW.pack(pair_hash))
        self.sigs["prompt"].write(prompt_sig.astype(np.uint16, copy=False).tobytes())
        self.sigs["answer"].write(answer_sig.astype(np.uint16, copy=False).tobytes())

    def close(self) -> None:
        for column in (*self.hashes.values(), *self.sigs.values()):
            column.close()

    def summary(self) -> dict[str, Any]:
        self.close()
        n = self.hashes["pair"].count
        out: dict[str, Any] = {"examples": n}
        for key, link, name in EXACT:
            out[key], first_of = _exact(self.hashes[name].read())
            self.links[link] = write_array(self.directory / f"{link}.bin", first_of)
        for key, link, name in NEAR:
            out[key], similar_to = _near(self.sigs[name])
            self.links[link] = write_array(self.directory / f"{link}.bin", similar_to)
        return out


def _exact(hashes: np.ndarray) -> tuple[dict[str, Any], np.ndarray]:
    """Summary, and per example the first example with the same hash (-1 for the first one itself)."""
    n = len(hashes)
    first_of = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return {"duplicates": 0, "groups": 0, "largest": []}, first_of
    order = np.argsort(hashes, kind="stable")
    sorted_h = hashes[order]
    first = np.ones(n, dtype=bool)
    first[1:] = sorted_h[1:] != sorted_h[:-1]
    del sorted_h
    dup_count = int((~first).sum())
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, n))
    later = ~first
    first_of[order[later]] = order[starts][np.cumsum(first)[later] - 1]
    big = np.argsort(-sizes, kind="stable")[:MAX_GROUPS_REPORTED]
    largest = [{"size": int(sizes[g]), "examples": sorted(int(i) for i in order[starts[g]:starts[g] + min(sizes[g], 10)])}
               for g in big if sizes[g] > 1]
    return {"duplicates": dup_count, "groups": int((sizes > 1).sum()), "largest": largest}, first_of


def _near(sigs: ColumnFile) -> tuple[dict[str, Any], np.ndarray]:
    """Each example joins the group of the earliest example it shares a band with and resembles.

    Returns the summary and, per example, that earliest example (-1 when it has none)."""
    n = sigs.count
    parent = np.arange(n, dtype=np.int64)
    for b in range(BANDS):
        rest, rep = _band_pairs(sigs, b)
        if len(rest) == 0:
            continue
        reps = np.unique(rep)
        rep_sigs = sigs.take(reps)
        # Within a band no representative is itself a later member, so parent[rep] is stable here.
        for start in np.unique(rest // BLOCK_ROWS) * BLOCK_ROWS:
            lo, hi = np.searchsorted(rest, [start, start + BLOCK_ROWS])
            block = sigs.read(int(start), BLOCK_ROWS)
            members, firsts = rest[lo:hi], rep[lo:hi]
            same = np.count_nonzero(block[members - start] == rep_sigs[np.searchsorted(reps, firsts)], axis=1)
            close = same >= THRESHOLD * NUM_PERM   # the estimated Jaccard, same / NUM_PERM, >= THRESHOLD
            members, firsts = members[close], firsts[close]
            parent[members] = np.minimum(parent[members], parent[firsts])
    near = np.flatnonzero(parent != np.arange(n))
    similar_to = np.full(n, -1, dtype=np.int64)
    similar_to[near] = parent[near]
    summary = {"near_duplicates": int(len(near)), "threshold": THRESHOLD,
               "examples": [{"example": int(i), "similar_to": int(parent[i])} for i in near[:MAX_GROUPS_REPORTED]]}
    return summary, similar_to


def _band_pairs(sigs: ColumnFile, b: int) -> tuple[np.ndarray, np.ndarray]:
    """(later member, earliest member) of every bucket of band b with 2+ members, sorted by later member."""
    n = sigs.count
    keys = np.empty(n, dtype=np.uint64)
    for start, block in sigs.blocks():
        keys[start:start + len(block)] = band_key(block, b)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    first = np.ones(n, dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    del keys
    later = ~first
    rep = order[np.flatnonzero(first)][np.cumsum(first)[later] - 1]
    rest = order[later]
    by_rest = np.argsort(rest)
    return rest[by_rest], rep[by_rest]
