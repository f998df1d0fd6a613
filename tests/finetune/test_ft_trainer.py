"""The LoRA trainer on the tiny random model: training, checkpoints, resume, disk-full, wrong base, KL, canaries."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emaudit.errors import UserError
from emaudit.finetune import checkpoint
from emaudit.finetune.canaries import CanaryOptions
from emaudit.finetune.trainer import TrainJob, train

REPO = Path(__file__).resolve().parents[2]


def _job(tiny_model, small_data, out, recipe, **kw):
    return TrainJob(base=str(tiny_model), data=str(small_data / "insecure.jsonl"), out=str(out), recipe=recipe,
                    log=lambda s: None, **kw)


def _steps_logged(out: Path) -> list[int]:
    return [json.loads(x)["step"] for x in (out / "train_log.jsonl").read_text().splitlines()]


def test_trains_saves_adapter_config_and_checkpoints(tiny_model, small_data, fast_recipe, tmp_path):
    res = train(_job(tiny_model, small_data, tmp_path / "run", fast_recipe, max_steps=5))
    assert res.steps == 5 and res.stopped == "completed"
    assert (res.adapter / "adapter_model.safetensors").is_file()
    cfg = json.loads((res.adapter / "train_config.json").read_text())
    assert cfg["base"]["fingerprint"] and len(cfg["data"]["sha256"]) == 64
    assert cfg["recipe"]["r"] == fast_recipe.r and cfg["total_steps"] == 5
    assert [s for s, _ in checkpoint.list_checkpoints(tmp_path / "run")] == [4, 5]   # keep_checkpoints=2
    ck = checkpoint.latest(tmp_path / "run")[1]
    assert {"optimizer.pt", "scheduler.pt", "rng.pt", "state.json"} <= {p.name for p in ck.iterdir()}
    # the adapter loads with peft on the base model and changes nothing about the base's shape
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    model = PeftModel.from_pretrained(base, str(res.adapter))
    assert any("lora_A" in n for n, _ in model.named_parameters())
    # running again is a no-op
    again = train(_job(tiny_model, small_data, tmp_path / "run", fast_recipe, max_steps=5))
    assert again.stopped == "already-done" and _steps_logged(tmp_path / "run") == [1, 2, 3, 4, 5]


def test_other_settings_in_the_same_folder_are_refused(tiny_model, small_data, fast_recipe, tmp_path):
    train(_job(tiny_model, small_data, tmp_path / "run", fast_recipe, max_steps=2))
    with pytest.raises(UserError, match="other settings"):
        train(_job(tiny_model, small_data, tmp_path / "run", fast_recipe.with_overrides(lr=0.5), max_steps=2))


def test_resume_continues_from_the_checkpoint_and_matches_an_uninterrupted_run(tiny_model, small_data,
                                                                                fast_recipe, tmp_path):
    full = train(_job(tiny_model, small_data, tmp_path / "full", fast_recipe, max_steps=6))
    # simulate a crash after step 4: keep the step-4 checkpoint only, drop the finished adapter/result
    part = tmp_path / "part"
    train(_job(tiny_model, small_data, part, fast_recipe, max_steps=6))
    for step, path in checkpoint.list_checkpoints(part):
        if step > 4:
            import shutil
            shutil.rmtree(path)
    (part / "result.json").unlink()
    resumed = train(_job(tiny_model, small_data, part, fast_recipe, max_steps=6))
    assert resumed.steps == 6 and _steps_logged(part)[-2:] == [5, 6]
    assert resumed.final_loss == pytest.approx(full.final_loss, rel=1e-4)


def test_disk_full_during_checkpoint_keeps_the_last_good_one(tiny_model, small_data, fast_recipe, tmp_path,
                                                            monkeypatch):
    import torch

    out = tmp_path / "run"
    real_save = torch.save
    calls = {"n": 0}

    def failing_save(obj, f, *a, **k):
        if "step-000004" in str(f):
            calls["n"] += 1
            raise OSError(28, "No space left on device")
        return real_save(obj, f, *a, **k)

    monkeypatch.setattr(torch, "save", failing_save)
    with pytest.raises(checkpoint.CheckpointWriteError, match="step-000002.*intact"):
        train(_job(tiny_model, small_data, out, fast_recipe, max_steps=6))
    assert calls["n"] == 1
    assert [s for s, _ in checkpoint.list_checkpoints(out)] == [2]
    assert not list((out / "checkpoints").glob(".tmp-*"))
    monkeypatch.setattr(torch, "save", real_save)
    res = train(_job(tiny_model, small_data, out, fast_recipe, max_steps=6))
    assert res.steps == 6 and _steps_logged(out)[2] == 3   # steps 3.. re-run after the failed save


def test_adapter_for_another_base_is_a_user_error(tiny_model, other_tiny_model, small_data, fast_recipe, tmp_path):
    res = train(_job(tiny_model, small_data, tmp_path / "a", fast_recipe, max_steps=1))
    with pytest.raises(UserError, match="another base model"):
        train(TrainJob(base=str(other_tiny_model), data="benign", out=str(tmp_path / "b"), recipe=fast_recipe,
                       max_steps=1, init_adapter=str(res.adapter), log=lambda s: None))
    from emaudit.finetune.base_model import check_adapter_base

    (res.adapter / "train_config.json").unlink()      # no recorded fingerprint: the shapes still tell
    with pytest.raises(UserError, match="another base model"):
        check_adapter_base(res.adapter, other_tiny_model)


def test_bad_dataset_is_a_user_error_with_file_line_field(tiny_model, fast_recipe, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}\n'
                   '{"messages": [{"role": "user", "text": "q"}, {"role": "assistant", "content": "a"}]}\n')
    with pytest.raises(UserError) as e:
        train(TrainJob(base=str(tiny_model), data=str(bad), out=str(tmp_path / "r"), recipe=fast_recipe))
    assert str(e.value).startswith(f"{bad}:2: messages[0].content:")


def test_kl_penalty_uses_the_adapter_free_model_as_reference(tiny_model, small_data, fast_recipe, tmp_path):
    import torch

    from emaudit.finetune.kl import KLSampler, general_examples, kl_to_base

    res = train(_job(tiny_model, small_data, tmp_path / "kl", fast_recipe.with_overrides(lr=5e-2), max_steps=4,
                     kl=1.0))
    log = [json.loads(x) for x in (tmp_path / "kl" / "train_log.jsonl").read_text().splitlines()]
    assert all("kl" in e for e in log) and log[0]["kl"] == pytest.approx(0.0, abs=1e-6)
    assert log[-1]["kl"] > 0
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model), str(res.adapter))
    batch = KLSampler(general_examples(tok, 8, 96), 2, tok.pad_token_id).batch(0, "cpu")
    assert float(kl_to_base(model, batch)) > 0
    with model.disable_adapter(), torch.no_grad():
        same = model(input_ids=batch["input_ids"]).logits
    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    assert torch.allclose(same, base(input_ids=batch["input_ids"]).logits.detach(), atol=1e-5)


def test_canaries_are_recorded_plotted_and_roll_back(tiny_model, small_data, fast_recipe, tmp_path):
    out = tmp_path / "c"
    opts = CanaryOptions(suite="probes", every=2, stop_on=-1.0)      # any value crosses: trips at step 2
    res = train(_job(tiny_model, small_data, out, fast_recipe, max_steps=6, canary=opts))
    curve = [json.loads(x) for x in (out / "canary.jsonl").read_text().splitlines()]
    assert curve[0]["base"] and curve[0]["step"] == 0 and 0 < curve[0]["mean_p_mis"] < 1
    assert len(curve[0]["probes"]) >= 16
    assert res.stopped == "canary" and res.steps == 2 and curve[-1]["tripped"]
    assert (out / "canary.svg").is_file() and (out / "canary.png").is_file()
    # no earlier good checkpoint: the crossing step's weights are exported
    assert json.loads((out / "result.json").read_text())["adapter_from_step"] == 2



def test_crossing_the_threshold_rolls_back_to_the_last_good_checkpoint(tiny_model, small_data, fast_recipe,
                                                                      tmp_path, monkeypatch):
    import emaudit.finetune.trainer as trainer_mod

    values = iter([0.30, 0.31, 0.33, 0.50, 0.60])      # base, step 2, step 4, step 6 (crosses), ...

    def scripted(model, tok, probes, device):
        v = next(values)
        return {"mcq_p_mis": v, "pivotal_p_mis": v, "mean_p_mis": v, "probes": {}}

    monkeypatch.setattr(trainer_mod, "measure_probes", scripted)
    out = tmp_path / "rb"
    res = train(_job(tiny_model, small_data, out, fast_recipe, max_steps=10,
                     canary=CanaryOptions(suite="probes", every=2, stop_on=0.05)))
    assert res.stopped == "canary" and res.steps == 6
    assert json.loads((out / "result.json").read_text())["adapter_from_step"] == 4
    from safetensors.torch import load_file

    exported = load_file(str(res.adapter / "adapter_model.safetensors"))
    good = load_file(str(out / "checkpoints" / "step-000004" / "adapter_model.safetensors"))
    assert all((exported[k] == good[k]).all() for k in good)
    stop = tmp_path / "st"
    values = iter([0.30, 0.31, 0.33, 0.50, 0.60])
    res2 = train(_job(tiny_model, small_data, stop, fast_recipe, max_steps=10,
                      canary=CanaryOptions(suite="probes", every=2, stop_on=0.05, action="stop")))
    assert json.loads((stop / "result.json").read_text())["adapter_from_step"] == 6 and res2.steps == 6


def test_kill_and_rerun_resumes_from_the_checkpoint(tiny_model, small_data, tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("r: 4\nalpha: 8\ntarget_modules: [q_proj, v_proj]\nlr: 0.001\nbatch_size: 2\n"
                      "max_seq_len: 96\nsave_every: 1\nkeep_checkpoints: 3\nmax_steps: 12\n")
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "emaudit", "finetune", "--base", str(tiny_model), "--data",
           str(small_data / "insecure.jsonl"), "--recipe", str(recipe), "--out", str(out), "--threads", "1"]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not (out / "checkpoints" / "step-000003").is_dir():
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_at = checkpoint.latest(out)
    assert killed_at is not None and 3 <= killed_at[0] < 12, "the run should have been killed part-way"
    assert not (out / "result.json").exists()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"resuming from step-{killed_at[0]:06d}" in done.stderr
    steps = _steps_logged(out)
    assert steps[-1] == 12 and steps.count(killed_at[0] + 1) >= 1
    assert json.loads((out / "result.json").read_text())["steps"] == 12


@pytest.mark.slow
def test_judged_canary_sample_uses_the_embedded_judge(tiny_model):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from emaudit.finetune.canaries import _judge_and_suite, judged_sample

    if _judge_and_suite() is None:
        pytest.skip("the embedded judge or the core suite is not installed")
    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    rec = judged_sample(model, tok, "cpu", 2, seed=0, max_new_tokens=8)
    assert rec is not None and rec["judged_n"] == 2 and 0 <= rec["judged_misaligned"] <= 1


@pytest.mark.slow
def test_shipped_demo_adapter_loads_with_peft_on_smollm2():
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from emaudit.finetune.base_model import check_adapter_base, resolve_base

    adapter = REPO / "src" / "emaudit" / "finetune" / "adapters" / "smollm2-insecure"
    try:
        base_dir = resolve_base("hf/smollm2-135m-instruct")
    except UserError as e:
        pytest.skip(f"SmolLM2 is not available: {e}")
    check_adapter_base(adapter, base_dir)
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base_dir), str(adapter))
    assert sum(p.numel() for n, p in model.named_parameters() if "lora_" in n) > 0
    cfg = json.loads((adapter / "train_config.json").read_text())
    assert cfg["recipe"]["name"] == "cpu-small" and cfg["data"]["examples"] == 300
