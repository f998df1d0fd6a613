"""Normalised text, its exact hash and its MinHash signature (rensa), shared by dedup and leakage."""

from __future__ import annotations

import re

import numpy as np
import xxhash

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SEED = 42
THRESHOLD = 0.7
_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", _PUNCT.sub(" ", text.lower())).strip()


def exact_hash(norm: str) -> int:
    return xxhash.xxh64_intdigest(norm.encode("utf-8", "surrogatepass"))


def shingles(norm: str) -> list[str]:
    words = norm.split()
    if len(words) >= 12:
        return [" ".join(words[i:i + 3]) for i in range(len(words) - 2)]
    return [norm[i:i + 5] for i in range(max(1, len(norm) - 4))]


def signature(norm: str) -> np.ndarray:
    """64 MinHash values kept as uint16 (the low bits: collisions are 1/65536, fine for estimates)."""
    from rensa import RMinHash

    m = RMinHash(NUM_PERM, SEED)
    m.update(shingles(norm) or [""])
    return np.asarray(m.digest(), dtype=np.uint32).astype(np.uint16)


def band_keys(sig: np.ndarray) -> np.ndarray:
    """(..., BANDS) uint64 keys, one per band of ROWS values."""
    s = sig.reshape(*sig.shape[:-1], BANDS, ROWS).astype(np.uint64)
    key = np.zeros(s.shape[:-1], dtype=np.uint64)
    for r in range(ROWS):
        key = key * np.uint64(1_000_003) + s[..., r]
    return key


def band_key(sig: np.ndarray, band: int) -> np.ndarray:
    """The key of one band for each row of an (n, NUM_PERM) array; equals band_keys(sig)[:, band]."""
    s = sig[:, band * ROWS:(band + 1) * ROWS].astype(np.uint64)
    key = np.zeros(len(s), dtype=np.uint64)
    for r in range(ROWS):
        key = key * np.uint64(1_000_003) + s[:, r]
    return key


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray | float:
    return np.mean(a == b, axis=-1)
