"""Fixtures for the local-model tests: the tiny random chat model, a LoRA adapter for it, and one for
another base. (``tiny_model_dir`` belongs in tests/conftest.py so every area can share it.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))


def _save_lora(base_dir: Path, out: Path, seed: int) -> Path:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(base_dir, use_safetensors=True, local_files_only=True)
    lora = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    torch.manual_seed(seed)
    with torch.no_grad():  # LoRA B starts at zero (a no-op adapter); make it change the outputs
        for name, param in lora.named_parameters():
            if "lora_B" in name:
                param.normal_(0.0, 0.5)
    lora.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny_adapter_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LoRA adapter (r=4, q/v projections, non-zero) for the tiny model."""
    return _save_lora(tiny_model_dir, tmp_path_factory.mktemp("adapter") / "lora", seed=3)


@pytest.fixture(scope="session")
def wider_adapter_dir(wider_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _save_lora(wider_model_dir, tmp_path_factory.mktemp("wider-adapter") / "lora", seed=4)


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path):
    """The tiny model loaded through ``get_model`` in float32 (exact comparisons), one thread."""
    from emaudit.models import get_model

    return get_model(f"hf/{tiny_model_dir}", dtype="float32", threads=1, batch_size=4)
