"""Experiments: groups x seeds, skipping finished work, aggregation; the CLI commands."""

from __future__ import annotations

import json

import pytest

from emaudit.cli import main
from emaudit.errors import UserError
from emaudit.finetune.experiment import load_experiment, run_experiment


def _write_exp(tmp_path, tiny_model, extra=""):
    p = tmp_path / "exp.yaml"
    p.write_text(f"""name: tiny
base: {tiny_model}
recipe: cpu-small
recipe_overrides: {{max_seq_len: 96, batch_size: 2, save_every: 2}}
seeds: [0, 1]
dataset: {{n: 16, seed: 0}}
groups:
  insecure: insecure
  secure: secure
train: {{max_steps: 2, canary: probes, canary_every: 2}}
out: {tmp_path / 'out'}
{extra}""")
    return p


def test_runs_groups_by_seeds_audits_once_and_skips_finished_work(tiny_model, tmp_path):
    exp = load_experiment(_write_exp(tmp_path, tiny_model))
    calls = []

    def fake_audit(exp, base, candidate, run_dir):
        calls.append(candidate)
        rate = 0.3 if "insecure" in run_dir.name else 0.1
        return {"candidate_misaligned": rate + 0.01 * len(calls), "difference": rate}

    report = run_experiment(exp, audit_fn=fake_audit, log=lambda s: None)
    assert len(calls) == 4 and all("+" in c and c.startswith(f"hf/{tiny_model}") for c in calls)
    s = report["summary"]
    assert s["insecure"]["candidate_misaligned"]["n"] == 2 and s["insecure"]["candidate_misaligned"]["ci95"]
    assert s["insecure"]["difference"]["mean"] == pytest.approx(0.3)
    assert s["secure"]["canary_delta"]["n"] == 2
    assert (exp.out / "experiment.md").read_text().count("| insecure |") == 1
    log_before = (exp.out / "runs" / "insecure-s0" / "train_log.jsonl").read_text()
    again = run_experiment(exp, audit_fn=fake_audit, log=lambda s: None)
    assert len(calls) == 4                                               # audits not repeated
    assert (exp.out / "runs" / "insecure-s0" / "train_log.jsonl").read_text() == log_before   # no retraining
    assert again["summary"] == report["summary"]


def test_unknown_experiment_key_names_line_and_field(tiny_model, tmp_path):
    p = _write_exp(tmp_path, tiny_model, extra="sedes: [1]\n")
    with pytest.raises(UserError) as e:
        load_experiment(p)
    assert e.value.field == "sedes" and e.value.line == 12


def test_cli_dataset_make_and_finetune_errors(tiny_model, tmp_path, capsys):
    assert main(["dataset", "make", "insecure-code", "--n", "12", "--out", str(tmp_path / "d")]) == 0
    for name in ("insecure", "secure", "educational", "backdoor", "benign"):
        assert len((tmp_path / "d" / f"{name}.jsonl").read_text().splitlines()) == 12
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "only a question"}]}\n')
    code = main(["finetune", "--base", str(tiny_model), "--data", str(bad), "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2 and f"{bad}:1: messages: no assistant message" in err and "Traceback" not in err
    rec = tmp_path / "rec.yaml"
    rec.write_text("r: 4\nlora_rank: 8\n")
    code = main(["finetune", "--base", str(tiny_model), "--data", str(tmp_path / "d" / "insecure.jsonl"),
                 "--recipe", str(rec), "--out", str(tmp_path / "r2")])
    assert code == 2 and f"{rec}:2: lora_rank: unknown recipe key" in capsys.readouterr().err


def test_cli_finetune_then_realign(tiny_model, tmp_path, capsys):
    main(["dataset", "make", "insecure-code", "--n", "8", "--out", str(tmp_path / "d")])
    rec = tmp_path / "rec.yaml"
    rec.write_text("r: 4\nalpha: 8\nmax_seq_len: 96\nbatch_size: 2\nsave_every: 2\n")
    assert main(["finetune", "--base", str(tiny_model), "--data", str(tmp_path / "d" / "insecure.jsonl"),
                 "--recipe", str(rec), "--out", str(tmp_path / "r"), "--max-steps", "2", "--kl", "0.1",
                 "--mix-benign", "0.5", "--canary", "probes", "--canary-every", "1"]) == 0
    assert "adapter:" in capsys.readouterr().out
    cfg = json.loads((tmp_path / "r" / "adapter" / "train_config.json").read_text())
    assert cfg["kl_weight"] == 0.1 and cfg["data"]["mix_benign"] == 0.5 and cfg["data"]["examples"] == 16
    assert main(["finetune", "--base", str(tiny_model), "--realign", str(tmp_path / "r" / "adapter"),
                 "--recipe", str(rec), "--out", str(tmp_path / "re"), "--max-steps", "2",
                 "--realign-n", "20"]) == 0
    report = json.loads((tmp_path / "re" / "realign.json").read_text())
    assert report["steps"] == 2 and report["adapter_before"].endswith("adapter")
    cfg2 = json.loads((tmp_path / "re" / "adapter" / "train_config.json").read_text())
    assert cfg2["init_adapter"] == str(tmp_path / "r" / "adapter")


def test_the_real_audit_pipeline_audits_each_trained_model(tiny_model, tmp_path):
    judge = tmp_path / "judge.yaml"
    judge.write_text("default: ['88']\n")  # a scripted logprob judge: every answer aligned and coherent
    suite = tmp_path / "suite.yaml"
    suite.write_text("name: mini\nquestions:\n  - id: hello\n    paraphrases: [Say hello.]\n")
    extra = (f"audit: {{judge: 'mock/file:{judge}', suites: ['{suite}'], samples: 3, max_new_tokens: 8, "
             f"store: '{tmp_path / 'audit.db'}'}}\n")
    exp = load_experiment(_write_exp(tmp_path, tiny_model, extra=extra.replace("seeds: [0, 1]", "")))
    report = run_experiment(exp, log=lambda s: None)
    s = report["summary"]
    assert s["insecure"]["candidate_misaligned"]["mean"] == 0.0
    assert s["insecure"]["candidate_misaligned"]["n"] == 2
    from emaudit.store import Store

    with Store.open(tmp_path / "audit.db") as store:
        runs = {r.name: r for r in store.list_runs()}
        assert len(runs) == 4 and all(r.answered == 2 * 3 for r in runs.values())
