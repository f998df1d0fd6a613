"""Fine-tuning speed: LoRA steps per minute, peak memory, and the cost of a canary check relative to a step.

Usage: python benchmarks/finetune.py [--base hf/smollm2-135m-instruct] [--recipe cpu-small] [--steps 4]
       [--threads 2] [--dtype auto|fp32|bf16]
Prints one JSON line. The machine's load average is included: on a shared machine numbers vary a lot.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time


def main() -> None:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="hf/smollm2-135m-instruct")
    ap.add_argument("--recipe", default="cpu-small")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", default=None)
    ap.add_argument("--examples", type=int, default=64)
    args = ap.parse_args()

    import torch

    from emaudit.finetune.base_model import load_base, resolve_base, torch_dtype_name
    from emaudit.finetune.canaries import load_probes, measure_probes
    from emaudit.finetune.chat_data import collate, encode
    from emaudit.finetune.insecure_code import generate_datasets
    from emaudit.finetune.recipes import load_recipe
    from emaudit.finetune.trainer import _lora_model

    torch.set_num_threads(args.threads)
    recipe = load_recipe(args.recipe)
    if args.dtype:
        recipe = recipe.with_overrides(dtype=args.dtype)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model, tok = load_base(resolve_base(args.base), recipe.dtype, device)
    model = _lora_model(model, recipe, None)
    model.train()
    rows = generate_datasets(args.examples, 0)["insecure"]
    examples = [e for e in (encode(tok, r["messages"], recipe.max_seq_len) for r in rows) if e is not None]
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=recipe.lr)
    step_times, tokens = [], []
    for s in range(args.steps + 1):                       # the first step is warm-up, not counted
        t = time.perf_counter()
        for m in range(recipe.grad_accum):
            k = (s * recipe.grad_accum + m) * recipe.batch_size
            chunk = [examples[(k + i) % len(examples)] for i in range(recipe.batch_size)]
            batch = {key: v.to(device) for key, v in collate(chunk, int(tok.pad_token_id)).items()}
            (model(**batch).loss / recipe.grad_accum).backward()
            if s:
                tokens.append(int(batch["attention_mask"].sum()))
        opt.step()
        opt.zero_grad(set_to_none=True)
        if s:
            step_times.append(time.perf_counter() - t)
    probes = load_probes()
    t = time.perf_counter()
    measure_probes(model, tok, probes, device)
    canary_s = time.perf_counter() - t
    step_s = sum(step_times) / len(step_times)
    out = {
        "base": args.base, "recipe": recipe.name, "dtype": torch_dtype_name(recipe.dtype, device),
        "threads": args.threads, "device": device, "effective_batch": recipe.effective_batch,
        "max_seq_len": recipe.max_seq_len, "tokens_per_step": sum(tokens) / len(step_times),
        "seconds_per_step": round(step_s, 2), "steps_per_minute": round(60 / step_s, 2),
        "canary_seconds": round(canary_s, 2), "canary_probes": len(probes),
        "canary_cost_in_steps": round(canary_s / step_s, 2),
        "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2),
        "load_average": os.getloadavg(),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
