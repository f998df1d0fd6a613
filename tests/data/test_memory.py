"""Streaming: per-example state lives in files, not in Python objects proportional to the file."""

from __future__ import annotations

import gc
import json
import random
import tracemalloc
import warnings
from pathlib import Path

from emaudit.data import audit_dataset

WORDS = ["alpha", "beta", "gamma", "delta", "river", "mountain", "garden", "invoice", "ticket", "sensor", "course",
         "project", "payment", "teacher", "student", "library", "window", "kitchen", "engine", "battery"]


def _write_chat(path: Path, n: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            question = f"Question {i}: " + " ".join(rng.choice(WORDS) for _ in range(14)) + "?"
            answer = " ".join(rng.choice(WORDS) for _ in range(20)) + "."
            if i % 50 == 1:   # some repeats, so that the duplicate groups are not empty
                question = "How do I water a garden in summer?"
            f.write(json.dumps({"messages": [{"role": "user", "content": question},
                                             {"role": "assistant", "content": answer}]}) + "\n")
    return path


def _peak_traced_bytes(path: Path) -> int:
    tracemalloc.start()
    try:
        with audit_dataset(path, judge=None, workers=1, trigger_sample=500) as result:
            assert result.to_json()["examples"] > 0
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def test_peak_memory_does_not_grow_with_the_number_of_examples(tmp_path: Path) -> None:
    small = _write_chat(tmp_path / "small.jsonl", 4_500)
    large = _write_chat(tmp_path / "large.jsonl", 13_500, seed=1)
    warm_up = _write_chat(tmp_path / "warm.jsonl", 300)
    audit_dataset(warm_up, judge=None, workers=1, trigger_sample=500).close()   # imports, caches
    growth = _peak_traced_bytes(large) - _peak_traced_bytes(small)
    # Kept in RAM per example, the hashes and MinHash signatures alone would be 9,000 x 280 bytes (2.5 MB);
    # what is left (about 60 bytes each) is the end-of-stream sorts over one 8-byte column at a time.
    assert growth < 9_000 * 150, f"peak traced memory grew by {growth / 1e6:.1f} MB for 9,000 more examples"


def test_duplicates_are_in_the_findings_and_temporary_files_are_removed(tmp_path: Path) -> None:
    path = _write_chat(tmp_path / "t.jsonl", 200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        result = audit_dataset(path, judge=None, workers=1)
        folder = result.findings_path.parent
        findings = list(result.iter_findings())
        s = result.to_json()
        result.close()
    assert not folder.exists()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dropped = audit_dataset(path, judge=None, workers=1)
        folder = dropped.findings_path.parent
        del dropped   # never closed: garbage collection removes the folder, without a ResourceWarning
        gc.collect()
    assert not folder.exists()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    repeats = [f for f in findings if "duplicate" in f]
    assert s["duplicates"]["exact_prompts"]["duplicates"] == len(repeats) == 3   # lines 52, 102, 152 repeat line 2
    assert all(f["duplicate"]["exact_prompt_of"] == 1 and f["line"] == f["example"] + 1 for f in repeats)
    assert [f["example"] for f in findings] == sorted(f["example"] for f in findings)
