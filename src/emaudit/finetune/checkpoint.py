"""Atomic, resumable checkpoints: adapter + optimizer + scheduler + RNG + step.

Each checkpoint is written into a temporary folder and renamed into place, so a crash or a full disk
leaves the previous checkpoints intact; ``latest()`` only sees complete ones (with ``state.json``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from ..errors import UserError

STATE = "state.json"
_NAME = re.compile(r"^step-(\d{6,})$")


class CheckpointWriteError(UserError):
    """Writing a checkpoint failed (disk full, permissions); earlier checkpoints are untouched."""


def checkpoint_dir(out: Path) -> Path:
    return out / "checkpoints"


def list_checkpoints(out: Path) -> list[tuple[int, Path]]:
    """Complete checkpoints, oldest first."""
    folder = checkpoint_dir(out)
    found = []
    if folder.is_dir():
        for p in folder.iterdir():
            m = _NAME.match(p.name)
            if m and (p / STATE).is_file() and (p / "adapter_model.safetensors").is_file():
                found.append((int(m.group(1)), p))
    return sorted(found)


def latest(out: Path) -> tuple[int, Path] | None:
    found = list_checkpoints(out)
    return found[-1] if found else None


def read_state(ck: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ck / STATE).read_text())
    return data


def _fsync_tree(folder: Path) -> None:
    for p in folder.iterdir():
        if p.is_file():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())


def save(out: Path, step: int, model: Any, optimizer: Any, scheduler: Any, state: dict[str, Any]) -> Path:
    """Write checkpoint ``step`` atomically and return its folder."""
    import torch

    folder = checkpoint_dir(out)
    final = folder / f"step-{step:06d}"
    tmp = folder / f".tmp-step-{step:06d}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        model.save_pretrained(str(tmp), safe_serialization=True)
        torch.save(optimizer.state_dict(), tmp / "optimizer.pt")
        torch.save(scheduler.state_dict(), tmp / "scheduler.pt")
        rng = {"torch": torch.get_rng_state()}
        if torch.cuda.is_available():
            rng["cuda"] = torch.cuda.get_rng_state()
        torch.save(rng, tmp / "rng.pt")
        (tmp / STATE).write_text(json.dumps({**state, "step": step}, indent=1) + "\n")
        _fsync_tree(tmp)
        if final.exists():
            old = folder / f".old-step-{step:06d}"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(final, old)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(tmp, final)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        last = latest(out)
        kept = f"the last good checkpoint ({last[1].name}) is intact" if last else "no earlier checkpoint exists"
        raise CheckpointWriteError(f"could not write checkpoint step {step}: {e.strerror or e}; {kept}. "
                                   "Free space and run the same command again to continue",
                                   path=str(final)) from e
    return final


def load(ck: Path, model: Any, optimizer: Any, scheduler: Any) -> dict[str, Any]:
    """Restore adapter weights, optimizer, scheduler and RNG from ``ck``; returns its state."""
    import torch
    from peft.utils import set_peft_model_state_dict
    from safetensors.torch import load_file

    weights = load_file(str(ck / "adapter_model.safetensors"))
    set_peft_model_state_dict(model, weights)
    optimizer.load_state_dict(torch.load(ck / "optimizer.pt", weights_only=True))
    scheduler.load_state_dict(torch.load(ck / "scheduler.pt", weights_only=True))
    rng = torch.load(ck / "rng.pt", weights_only=True)
    torch.set_rng_state(rng["torch"])
    if "cuda" in rng and torch.cuda.is_available():
        torch.cuda.set_rng_state(rng["cuda"])
    return read_state(ck)


def prune(out: Path, keep: int, protect: set[int]) -> None:
    """Delete all but the newest ``keep`` checkpoints, never those in ``protect``."""
    found = list_checkpoints(out)
    for step, path in found[: max(0, len(found) - keep)]:
        if step not in protect:
            shutil.rmtree(path, ignore_errors=True)
    for stray in checkpoint_dir(out).glob(".tmp-step-*"):
        shutil.rmtree(stray, ignore_errors=True)
