"""Fixtures for the fine-tuning tests: the tiny random chat model and small datasets."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    torch.set_num_threads(1)
    sys.path.insert(0, str(TESTS))
    from tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="session")
def other_tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A differently shaped random model (3 layers, wider), for the wrong-base checks."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    sys.path.insert(0, str(TESTS))
    from tiny_model import build_tokenizer

    out = tmp_path_factory.mktemp("other") / "model"
    tok = build_tokenizer()
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=96, intermediate_size=160, num_hidden_layers=3,
                      num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
                      eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    torch.manual_seed(1)
    LlamaForCausalLM(cfg).save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from emaudit.finetune.insecure_code import write_datasets

    out = tmp_path_factory.mktemp("data")
    write_datasets(out, 24, seed=0)
    return out


@pytest.fixture
def fast_recipe():
    from emaudit.finetune.recipes import load_recipe

    return load_recipe("cpu-small").with_overrides(max_seq_len=96, batch_size=2, save_every=2, warmup_steps=1)
