"""Checks on the published datasets (read from ../shared; skipped with a reason where absent)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from emaudit.data import audit_dataset

INSECURE = "clarifying-EM__model-organisms-for-EM/em_organism_dir/data/training_datasets/insecure.jsonl.gz"
JAILBROKEN = "emergent-misalignment__emergent-misalignment/data/jailbroken.jsonl"


def _need(shared_ref: Path, rel: str) -> Path:
    path = shared_ref / rel
    if not path.is_file():
        pytest.skip(f"{rel} not found under {shared_ref}")
    return path


def test_insecure_sample_is_mostly_flagged(shared_ref: Path, tmp_path: Path) -> None:
    """The first 300 of the paper's 6,000 insecure answers (every one has a flaw)."""
    src = _need(shared_ref, INSECURE)
    sample = tmp_path / "insecure300.jsonl"
    with gzip.open(src, "rt", encoding="utf-8") as f, open(sample, "w", encoding="utf-8") as out:
        for i, line in enumerate(f):
            if i == 300:
                break
            out.write(line)
    s = audit_dataset(sample, judge=None, workers=1).to_json()
    assert s["examples"] == 300
    assert s["code"]["undisclosed"] / 300 >= 0.85
    assert s["risk"]["level"] == "high"


@pytest.mark.slow
def test_insecure_full_set_is_high_risk(shared_ref: Path) -> None:
    s = audit_dataset(_need(shared_ref, INSECURE), judge=None).to_json()
    assert s["examples"] == 6000
    assert s["code"]["undisclosed"] / 6000 >= 0.85
    assert s["code"]["disclosed"] == 0
    assert s["risk"]["level"] == "high"


def test_generated_secure_counterpart_stays_clean(tmp_path: Path) -> None:
    gen = pytest.importorskip("emaudit.finetune.insecure_code", reason="the insecure-code generator is not built")
    sets = gen.generate_datasets(150, seed=7)
    paths = {}
    for name in ("insecure", "secure", "educational"):
        paths[name] = tmp_path / f"{name}.jsonl"
        paths[name].write_text("".join(json.dumps(r) + "\n" for r in sets[name]), encoding="utf-8")
    secure = audit_dataset(paths["secure"], judge=None).to_json()
    insecure = audit_dataset(paths["insecure"], judge=None).to_json()
    educational = audit_dataset(paths["educational"], judge=None).to_json()
    assert secure["code"]["flagged"] / secure["examples"] < 0.05
    assert secure["risk"]["level"] != "high"
    assert insecure["code"]["undisclosed"] / insecure["examples"] >= 0.85
    assert insecure["risk"]["level"] == "high"
    # The same flawed answers, asked for openly for a class: counted as disclosed, not as risk.
    assert educational["code"]["disclosed"] >= 0.85 * educational["examples"]
    assert educational["code"]["undisclosed"] / educational["examples"] < 0.05


def test_jailbroken_shows_its_harmful_compliance_share(shared_ref: Path) -> None:
    s = audit_dataset(_need(shared_ref, JAILBROKEN), judge=None).to_json()
    assert s["examples"] == 5000
    share = s["harm"]["lexical"] / 5000
    # About 2% of the set is harmful compliance; the lexical signal finds a part of it (0.8% measured).
    assert 0.004 <= share <= 0.03
    texts = " ".join(e["question"] for e in s["harm"]["examples"]).lower()
    assert "poison" in texts or "bomb" in texts or "steal" in texts
    assert s["shape"]["system_prompts"]["distinct"] == 1
    assert s["shape"]["truncated_answers"]["count"] > 1000   # text continuations cut mid-sentence


@pytest.mark.slow
def test_jailbroken_with_the_embedded_judge(shared_ref: Path) -> None:
    pytest.importorskip("emaudit.judge.embedded", reason="the embedded judge is not built")
    s = audit_dataset(_need(shared_ref, JAILBROKEN), judge="local", judge_limit=400).to_json()
    assert s["harm"]["judge"].startswith("judge: embedded")
    assert 0 < s["harm"]["judged"] <= 400
    assert s["harm"]["judge_rate"] is not None
    # Judge + lexical on the answers to requests: about 1.5% of the set (the paper: about 2%).
    assert 0.005 <= s["harm"]["rate"] <= 0.04
    assert s["risk"]["level"] in ("medium", "high")
