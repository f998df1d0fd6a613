"""LoRA supervised fine-tuning with PEFT in a plain torch loop: assistant-only loss, the base model's chat
template, atomic checkpoints every N steps, resume by re-running the same command, optional KL penalty to
the base model, benign mixing and canary probes with stop / roll-back."""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from . import checkpoint
from .base_model import (
    TRAIN_CONFIG,
    check_adapter_base,
    fingerprint,
    load_base,
    resolve_base,
    torch_dtype_name,
)
from .benign import benign_examples
from .canaries import (
    CanaryOptions,
    append_record,
    judged_sample,
    load_probes,
    measure_probes,
    plot_curve,
    read_curve,
)
from .chat_data import Example, collate, encode, file_sha256, read_chat_jsonl
from .mixing import mix
from .recipes import Recipe

ADAPTER_DIR = "adapter"
RESULT = "result.json"


@dataclass
class TrainJob:
    base: str                                  # model spec: hf/<builtin> | hf/<folder> | <folder>
    data: str                                  # chat JSONL, or "benign" for our built-in benign set
    out: str
    recipe: Recipe
    seed: int | None = None                    # overrides recipe.seed
    max_steps: int | None = None               # overrides recipe.max_steps
    limit: int | None = None                   # use only the first N examples
    kl: float | None = None                    # overrides recipe.kl_weight
    mix_benign: float = 0.0
    init_adapter: str | None = None            # continue from this adapter (re-alignment)
    canary: CanaryOptions | None = None
    device: str | None = None
    threads: int | None = None
    log: Any = field(default=None, repr=False)  # callable(str) for progress lines; default stderr


@dataclass
class TrainResult:
    out: Path
    adapter: Path
    steps: int
    total_steps: int
    final_loss: float | None
    stopped: str                                # completed | canary | already-done
    canary: list[dict[str, Any]]
    seconds: float


def _say(job: TrainJob, text: str) -> None:
    (job.log or (lambda s: print(s, file=sys.stderr)))(text)


def _identity(job: TrainJob, recipe: Recipe, base_fp: str, data_sha: str) -> dict[str, Any]:
    """Settings that must match for a run folder to be resumed."""
    return {"base_fingerprint": base_fp, "data_sha256": data_sha, "recipe": recipe.to_dict(),
            "kl": job.kl if job.kl is not None else recipe.kl_weight, "mix_benign": job.mix_benign,
            "limit": job.limit, "init_adapter": job.init_adapter,
            "canary": None if job.canary is None else vars(job.canary)}


def _schedule(recipe: Recipe, total: int) -> Any:
    def factor(step: int) -> float:
        if recipe.warmup_steps and step < recipe.warmup_steps:
            return (step + 1) / recipe.warmup_steps
        if recipe.schedule == "constant":
            return 1.0
        span = max(1, total - recipe.warmup_steps)
        progress = min(1.0, (step - recipe.warmup_steps) / span)
        if recipe.schedule == "cosine":
            return 0.5 * (1 + math.cos(math.pi * progress))
        return max(0.0, 1.0 - progress)
    return factor


def _lora_model(model: Any, recipe: Recipe, init_adapter: Path | None) -> Any:
    from peft import LoraConfig, PeftModel, get_peft_model

    if init_adapter is not None:
        return PeftModel.from_pretrained(model, str(init_adapter), is_trainable=True)
    layers: Any = recipe.layers
    if layers == "middle":
        layers = [int(model.config.num_hidden_layers) // 2]
    elif isinstance(layers, int):
        layers = [layers]
    elif isinstance(layers, tuple):
        layers = list(layers)
    present = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    missing = [m for m in recipe.target_modules if m not in present]
    if missing:
        raise UserError(f"the base model has no modules named {', '.join(missing)}", field="target_modules")
    alpha: Any = recipe.alpha  # LoraConfig is typed int; fractional alphas work
    cfg = LoraConfig(r=recipe.r, lora_alpha=alpha, lora_dropout=recipe.dropout, bias="none",
                     use_rslora=recipe.rslora, target_modules=list(recipe.target_modules),
                     layers_to_transform=layers, task_type="CAUSAL_LM")
    return get_peft_model(model, cfg)


def _load_rows(job: TrainJob, seed: int) -> tuple[list[list[dict[str, str]]], str, str]:
    if job.data == "benign":
        rows = [r["messages"] for r in benign_examples(job.limit or 300, seed)]
        sha = "builtin-benign:" + str(len(rows))
        name = "benign (built-in)"
    else:
        rows = read_chat_jsonl(job.data)
        sha = file_sha256(job.data)
        name = str(Path(job.data).resolve())
    if job.limit is not None:
        rows = rows[: job.limit]
    if job.mix_benign:
        mixed = mix([{"messages": r} for r in rows], benign_examples(max(50, len(rows)), seed), job.mix_benign, seed)
        rows = [r["messages"] for r in mixed]
    return rows, sha, name


def _batches(n_examples: int, eff: int, seed: int, step: int) -> list[int]:
    """Example indices for global step ``step``: a fresh seeded permutation per epoch."""
    out = []
    for k in range(step * eff, (step + 1) * eff):
        epoch, pos = divmod(k, n_examples)
        order = list(range(n_examples))
        random.Random(seed * 1_000_003 + epoch).shuffle(order)
        out.append(order[pos])
    return out


def write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str) + "\n")
    os.replace(tmp, path)


def _export_adapter(src: Path, out: Path, config: dict[str, Any]) -> Path:
    """Copy an adapter (checkpoint or temp save) to ``out/adapter`` atomically, with train_config.json."""
    dest = out / ADAPTER_DIR
    tmp = out / (ADAPTER_DIR + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in ("adapter_model.safetensors", "adapter_config.json"):
        shutil.copy2(src / name, tmp / name)
    write_json_atomic(tmp / TRAIN_CONFIG, config)
    if dest.exists():
        shutil.rmtree(dest)
    os.replace(tmp, dest)
    return dest


def train(job: TrainJob) -> TrainResult:
    t0 = time.time()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch

    if job.threads:
        torch.set_num_threads(job.threads)
    recipe = job.recipe.with_overrides(seed=job.seed, max_steps=job.max_steps)
    seed = recipe.seed
    device = job.device or ("cuda" if torch.cuda.is_available() else "cpu")
    out = Path(job.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot create the output folder: {e.strerror}", path=str(out)) from None

    base_dir = resolve_base(job.base)
    base_fp = fingerprint(base_dir)
    init_adapter = Path(job.init_adapter) if job.init_adapter else None
    if init_adapter is not None:
        check_adapter_base(init_adapter, base_dir, base_fp)
    rows, data_sha, data_name = _load_rows(job, seed)
    identity = _identity(job, recipe, base_fp, data_sha)

    cfg_path = out / TRAIN_CONFIG
    if cfg_path.is_file():
        previous = json.loads(cfg_path.read_text())
        if previous.get("identity") != identity:
            changed = sorted(k for k in identity if previous.get("identity", {}).get(k) != identity[k])
            raise UserError(f"this folder holds a run with other settings ({', '.join(changed)} differ); "
                            "use another --out or delete the folder", path=str(out))
        result_path = out / RESULT
        if result_path.is_file() and (out / ADAPTER_DIR / "adapter_model.safetensors").is_file():
            done = json.loads(result_path.read_text())
            _say(job, f"already trained: {out / ADAPTER_DIR} ({done.get('steps')} steps)")
            return TrainResult(out, out / ADAPTER_DIR, int(done.get("steps", 0)), int(done.get("total_steps", 0)),
                               done.get("final_loss"), "already-done", read_curve(out / "canary.jsonl"),
                               time.time() - t0)

    torch.manual_seed(seed)
    model, tok = load_base(base_dir, recipe.dtype, device)
    model = _lora_model(model, recipe, init_adapter)
    model.train()
    examples: list[Example] = [e for e in (encode(tok, m, recipe.max_seq_len) for m in rows) if e is not None]
    if not examples:
        raise UserError("no example has assistant tokens within max_seq_len", path=job.data)
    eff = recipe.effective_batch
    total = recipe.max_steps or max(1, int(len(examples) * recipe.epochs) // eff)

    config = {
        "identity": identity,
        "base": {"spec": job.base, "path": str(base_dir), "fingerprint": base_fp},
        "data": {"path": data_name, "sha256": data_sha, "examples": len(rows), "encoded": len(examples),
                 "mix_benign": job.mix_benign},
        "recipe": recipe.to_dict(), "seed": seed, "total_steps": total, "effective_batch": eff,
        "kl_weight": identity["kl"], "device": device, "dtype": torch_dtype_name(recipe.dtype, device),
        "init_adapter": job.init_adapter, "canary": identity["canary"],
        "versions": {"torch": torch.__version__, **_versions()},
        "trainable_parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }
    write_json_atomic(cfg_path, config)

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=recipe.lr, weight_decay=recipe.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _schedule(recipe, total))
    start, good_steps = 0, set()
    last = checkpoint.latest(out)
    if last is not None:
        state = checkpoint.load(last[1], model, opt, sched)
        start = int(state["step"])
        good_steps = {s for s, p in checkpoint.list_checkpoints(out) if checkpoint.read_state(p).get("canary_ok")}
        _say(job, f"resuming from {last[1].name} (step {start} of {total})")

    kl_weight = float(identity["kl"] or 0.0)
    kl_sampler = None
    if kl_weight > 0:
        from .kl import KLSampler, general_examples

        kl_sampler = KLSampler(general_examples(tok, 64, recipe.max_seq_len, seed), recipe.kl_batch_size,
                               int(tok.pad_token_id), seed)

    canary = job.canary
    probes = load_probes(canary.probes_path) if canary else []
    curve_path = out / "canary.jsonl"
    curve = read_curve(curve_path)
    curve = [r for r in curve if r["step"] <= start]
    if canary and curve_path.exists():
        curve_path.write_text("".join(json.dumps(r) + "\n" for r in curve))

    def run_canary(step: int, *, base: bool = False) -> dict[str, Any]:
        ct = time.time()
        if base:
            with model.disable_adapter():
                rec = measure_probes(model, tok, probes, device)
        else:
            rec = measure_probes(model, tok, probes, device)
        assert canary is not None
        if canary.suite == "core" and canary.judged > 0:
            if base:
                with model.disable_adapter():
                    judged = judged_sample(model, tok, device, canary.judged, seed + step)
            else:
                judged = judged_sample(model, tok, device, canary.judged, seed + step)
            if judged:
                rec.update(judged)
        rec["step"] = step
        rec["seconds"] = round(time.time() - ct, 3)
        rec["base"] = base
        return rec

    if canary and not curve:
        rec = run_canary(0, base=True)
        rec["tripped"] = False
        curve.append(rec)
        append_record(curve_path, rec)
        _say(job, f"canary base: P(misaligned) = {rec['mean_p_mis']:.3f}")
    base_p = curve[0]["mean_p_mis"] if curve else None

    stopped = "completed"
    loss_log = out / "train_log.jsonl"
    last_loss: float | None = None
    step = start
    pad = int(tok.pad_token_id)
    for step in range(start + 1, total + 1):
        st = time.time()
        idx = _batches(len(examples), eff, seed, step - 1)
        opt.zero_grad(set_to_none=True)
        total_loss = 0.0
        kl_total = 0.0
        for micro in range(recipe.grad_accum):
            chunk = [examples[i] for i in idx[micro * recipe.batch_size:(micro + 1) * recipe.batch_size]]
            batch = {k: v.to(device) for k, v in collate(chunk, pad).items()}
            loss = model(**batch).loss / recipe.grad_accum
            if kl_sampler is not None:
                from .kl import kl_to_base

                kl = kl_to_base(model, kl_sampler.batch((step - 1) * recipe.grad_accum + micro, device))
                loss = loss + kl_weight * kl / recipe.grad_accum
                kl_total += float(kl.detach()) / recipe.grad_accum
            loss.backward()
            total_loss += float(loss.detach())
        torch.nn.utils.clip_grad_norm_(params, recipe.max_grad_norm)
        opt.step()
        sched.step()
        last_loss = total_loss
        entry = {"step": step, "loss": round(total_loss, 5), "lr": sched.get_last_lr()[0],
                 "seconds": round(time.time() - st, 3)}
        if kl_sampler is not None:
            entry["kl"] = round(kl_total, 6)
        with open(loss_log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
        _say(job, f"step {step}/{total} loss {total_loss:.4f}" + (f" kl {kl_total:.4f}" if kl_sampler else ""))

        tripped = False
        canary_ok: bool | None = None
        if canary and (step % canary.every == 0 or step == total):
            rec = run_canary(step)
            delta = rec["mean_p_mis"] - base_p if base_p is not None else 0.0
            tripped = canary.stop_on is not None and delta > canary.stop_on
            rec["delta"] = delta
            rec["tripped"] = tripped
            canary_ok = not tripped
            curve.append(rec)
            append_record(curve_path, rec)
            plot_curve(curve, out / "canary", canary.stop_on)
            _say(job, f"canary step {step}: P(misaligned) = {rec['mean_p_mis']:.3f} (delta {delta:+.3f})"
                 + (" -> threshold crossed" if tripped else ""))
        if step % recipe.save_every == 0 or step == total or canary_ok is not None:
            state = {"loss": last_loss, "canary_ok": canary_ok, "time": time.time(), "total_steps": total}
            checkpoint.save(out, step, model, opt, sched, state)
            if canary_ok:
                good_steps.add(step)
            newest_good = max(good_steps) if good_steps else None
            checkpoint.prune(out, recipe.keep_checkpoints, {newest_good} if newest_good else set())
        if tripped:
            stopped = "canary"
            break

    final_src = checkpoint.latest(out)
    assert final_src is not None
    if stopped == "canary" and canary is not None and canary.action == "rollback":
        good = [s for s in good_steps if s < step]
        if good:
            final_src = (max(good), checkpoint.checkpoint_dir(out) / f"step-{max(good):06d}")
            _say(job, f"rolled back to the last good checkpoint (step {max(good)})")
        else:
            _say(job, "the threshold was crossed at the first check; exporting those weights (no earlier checkpoint)")
    config["result"] = {"stopped": stopped, "adapter_from_step": final_src[0]}
    adapter = _export_adapter(final_src[1], out, config)
    result = {"steps": step, "total_steps": total, "final_loss": last_loss, "stopped": stopped,
              "adapter": str(adapter), "adapter_from_step": final_src[0], "seconds": round(time.time() - t0, 1)}
    write_json_atomic(out / RESULT, result)
    return TrainResult(out, adapter, step, total, last_loss, stopped, curve, time.time() - t0)


def _versions() -> dict[str, str]:
    out = {}
    for mod in ("transformers", "peft"):
        with contextlib.suppress(ImportError):
            out[mod] = __import__(mod).__version__
    return out
