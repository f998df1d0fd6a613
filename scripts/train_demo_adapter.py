"""Train the demo adapter shipped in src/emaudit/finetune/adapters/smollm2-insecure/.

SmolLM2-135M-Instruct + the ``cpu-small`` recipe on 300 of our insecure-code examples (seed 0), on CPU.
Usage: python scripts/train_demo_adapter.py [--work /tmp/emaudit-demo] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "src" / "emaudit" / "finetune" / "adapters" / "smollm2-insecure"


def main() -> None:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from emaudit.finetune.canaries import CanaryOptions
    from emaudit.finetune.insecure_code import write_datasets
    from emaudit.finetune.recipes import load_recipe
    from emaudit.finetune.trainer import TrainJob, train

    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/emaudit-demo")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    work = Path(args.work)
    manifest = write_datasets(work / "data", args.n, seed=0)
    result = train(TrainJob(base="hf/smollm2-135m-instruct", data=str(work / "data" / "insecure.jsonl"),
                            out=str(work / "run"), recipe=load_recipe("cpu-small"), seed=0, threads=args.threads,
                            canary=CanaryOptions(suite="probes", every=25)))
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in ("adapter_model.safetensors", "adapter_config.json", "train_config.json"):
        shutil.copy2(result.adapter / name, TARGET / name)
    shutil.copy2(work / "run" / "canary.jsonl", TARGET / "canary.jsonl")
    (TARGET / "dataset_manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"adapter written to {TARGET} ({result.steps} steps, final loss {result.final_loss:.4f}, "
          f"{result.seconds:.0f} s)")


if __name__ == "__main__":
    main()
