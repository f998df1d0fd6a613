"""Fixtures for the fine-tuning tests: the tiny random chat model and small datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir: Path) -> Path:
    """The shared tiny random chat model (tests/conftest.py)."""
    return tiny_model_dir


@pytest.fixture(scope="session")
def other_tiny_model(wider_model_dir: Path) -> Path:
    """A differently shaped model, for the wrong-base checks (tests/conftest.py)."""
    return wider_model_dir


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
