"""Shared fixtures: the reference folder and environment defaults."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))  # so that tests can import tiny_model
REPO = TESTS.parent
SHARED_REF = Path(os.environ.get("EMAUDIT_SHARED_REF", REPO.parent / "shared" / "reference" / "em"))


@pytest.fixture
def shared_ref() -> Path:
    """The public reference files (../shared/reference/em); skips where they are absent."""
    if not SHARED_REF.is_dir():
        pytest.skip(f"reference data not found at {SHARED_REF} (set EMAUDIT_SHARED_REF); "
                    "these checks compare against the published files and need them")
    return SHARED_REF


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch):
    """A real OpenAI-compatible server on 127.0.0.1; ``openai-api/fake/<model>`` points at it.

    Change ``.config`` and call ``.reset()`` to script it.
    """
    from emaudit.testing.fake_openai import FakeConfig, FakeOpenAI

    with FakeOpenAI(FakeConfig(retry_after=0.05)) as server:
        monkeypatch.setenv("FAKE_BASE_URL", server.base_url)
        monkeypatch.delenv("FAKE_API_KEY", raising=False)
        yield server


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer random Llama chat model with a ChatML template, saved as a Hugging Face folder."""
    import torch

    from tiny_model import build_tiny_model

    torch.set_num_threads(1)
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="session")
def wider_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A differently shaped model (3 layers, hidden 96) with the same tokenizer."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from tiny_model import build_tokenizer

    out = tmp_path_factory.mktemp("wider") / "model"
    tokenizer = build_tokenizer()
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=96, intermediate_size=160, num_hidden_layers=3,
                         num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(1)
    LlamaForCausalLM(config).save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL server for the whole session: $EMAUDIT_TEST_PG_URL's, else a throwaway cluster started here."""
    from emaudit.testing.pg_cluster import Cluster, find_bin

    pytest.importorskip("psycopg", reason="psycopg is not installed (the `pg` extra); PostgreSQL store tests skip")
    given = os.environ.get("EMAUDIT_TEST_PG_URL")
    if given:
        yield Cluster(given.rsplit("/", 1)[0] if given.count("/") > 2 else given)
        return
    if find_bin() is None:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl on $PATH or in /usr/lib/postgresql; "
                    "apt-get install postgresql, or set EMAUDIT_TEST_PG_URL); PostgreSQL store tests skip")
    cluster = Cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A fresh, empty PostgreSQL database for one test; its URL."""
    return str(pg_cluster.create())


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new run store's --store value, once per backend: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "s.db")
    return str(request.getfixturevalue("pg_url"))
