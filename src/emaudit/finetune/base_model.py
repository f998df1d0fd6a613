"""Resolving a base-model spec to a local folder, fingerprinting it, and checking adapters against it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import UserError

TRAIN_CONFIG = "train_config.json"


def resolve_base(spec: str) -> Path:
    """``hf/<builtin name>``, ``hf/<folder>`` or a plain folder -> the Hugging Face model folder."""
    name = spec[3:] if spec.startswith("hf/") else spec
    if "+" in name and not Path(name).expanduser().exists():
        raise UserError(f"the base model must be a model without an adapter, got {spec!r}", field="base")
    try:
        from ..models.builtin import resolve_local_model
    except ImportError:  # the built-in catalogue is optional
        resolve_local_model = None  # type: ignore[assignment]
    if resolve_local_model is not None:
        found = resolve_local_model(name)
        if found is not None:
            return Path(found)
    path = Path(name).expanduser()
    if not (path / "config.json").is_file():
        raise UserError(f"no Hugging Face model folder (config.json) at {path}", field="base")
    if not any(path.glob("*.safetensors")):
        raise UserError(f"{path} has no *.safetensors weights (other formats are not loaded)", field="base")
    return path


def fingerprint(model_dir: Path) -> str:
    """sha256 of the weights (the built-in cache's manifest value when present)."""
    from ..models.hf import model_fingerprint

    return model_fingerprint(model_dir)


def load_base(model_dir: Path, dtype: str, device: str) -> tuple[Any, Any]:
    """(model, tokenizer) from safetensors, offline, no remote code."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    common: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
    try:
        tok = AutoTokenizer.from_pretrained(model_dir, **common)
        model = AutoModelForCausalLM.from_pretrained(model_dir, use_safetensors=True,
                                                     dtype=getattr(torch, torch_dtype_name(dtype, device)), **common)
    except (OSError, ValueError, KeyError) as e:
        raise UserError(f"cannot load the base model in {model_dir}: {str(e).splitlines()[0]}", field="base") from e
    if tok.pad_token_id is None:
        tok.pad_token = tok.eos_token
    moved: Any = model.to(device)  # type: ignore[arg-type]
    return moved, tok


def torch_dtype_name(dtype: str, device: str) -> str:
    """bf16 only where it is fast (GPUs, CPUs with native bf16); measured 5-7x slower than fp32 elsewhere."""
    from ..models.hf import choose_dtype

    return choose_dtype({"auto": "auto", "bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}.get(dtype, dtype),
                        device)


def check_adapter_base(adapter_dir: Path, base_dir: Path, base_fp: str | None = None) -> None:
    """``UserError`` when ``adapter_dir`` is not a PEFT adapter or was trained on another base model."""
    cfg_path = adapter_dir / "adapter_config.json"
    if not cfg_path.is_file() or not (adapter_dir / "adapter_model.safetensors").is_file():
        raise UserError(f"no PEFT adapter (adapter_config.json + adapter_model.safetensors) at {adapter_dir}",
                        field="adapter")
    train_cfg = adapter_dir / TRAIN_CONFIG
    if train_cfg.is_file():
        try:
            recorded = json.loads(train_cfg.read_text()).get("base", {}).get("fingerprint")
        except (OSError, ValueError):
            recorded = None
        if recorded and recorded != (base_fp or fingerprint(base_dir)):
            raise UserError(f"adapter {adapter_dir} was trained on another base model "
                            f"(fingerprint {recorded[:12]}…), not {base_dir}", field="adapter")
    _check_shapes(adapter_dir, base_dir)


def _check_shapes(adapter_dir: Path, base_dir: Path) -> None:
    from safetensors import safe_open
    from transformers import AutoConfig

    cfg = AutoConfig.from_pretrained(base_dir, local_files_only=True, trust_remote_code=False)
    hidden = int(getattr(cfg, "hidden_size", 0))
    inter = int(getattr(cfg, "intermediate_size", 0))
    layers = int(getattr(cfg, "num_hidden_layers", 0))
    with safe_open(str(adapter_dir / "adapter_model.safetensors"), framework="pt") as fh:
        for key in fh.keys():  # noqa: SIM118
            shape = tuple(fh.get_slice(key).get_shape())
            parts = key.split(".")
            if "layers" in parts:
                idx = parts.index("layers")
                if idx + 1 < len(parts) and parts[idx + 1].isdigit() and int(parts[idx + 1]) >= layers:
                    raise UserError(f"adapter {adapter_dir} was made for another base model: it has layer "
                                    f"{parts[idx + 1]} but {base_dir} has {layers} layers", field="adapter")
            dims = {hidden, inter}
            if "lora_A" in key and shape[1] not in dims and not _kv_dim(shape[1], cfg):
                raise UserError(f"adapter {adapter_dir} was made for another base model ({key} expects input "
                                f"size {shape[1]}; this model's hidden size is {hidden})", field="adapter")


def _kv_dim(n: int, cfg: Any) -> bool:
    heads = getattr(cfg, "num_attention_heads", None)
    kv = getattr(cfg, "num_key_value_heads", None) or heads
    hidden = getattr(cfg, "hidden_size", 0)
    return bool(heads and hidden and n == hidden // heads * kv)
