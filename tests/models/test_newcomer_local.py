"""Local models as a new user meets them: a fine-tune's run folder as the adapter, text that survives the
tokenizer (accents, CJK, emoji), progress counted in answers, and no library chatter on stderr."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import subprocess
import sys

import pytest
from rich.console import Console

from emaudit.cli import main
from emaudit.engine import Job, Progress, Scheduler
from emaudit.engine.progress import ProgressBar
from emaudit.models import ChatRequest, GenerationConfig, get_model

NON_ASCII = ["fiancée, naïve, Zürich, ça", "世界で一番の願い", "emoji 🙂🚀 and ☠", "Ελληνικά и русский"]


def test_a_finetune_run_folder_finds_its_adapter(tiny_model_dir, tiny_adapter_dir, tmp_path, capsys):
    run_folder = tmp_path / "runs" / "x"  # what `emaudit finetune --out runs/x` writes: runs/x/adapter
    shutil.copytree(tiny_adapter_dir, run_folder / "adapter")
    suite = tmp_path / "suite.yaml"
    suite.write_text("name: t\nquestions:\n  - id: a\n    paraphrases: [hi]\n")
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--suite", str(suite), "--model",
               f"hf/{tiny_model_dir}+{run_folder}", "--samples", "1", "--max-tokens", "3", "--run", "r",
               "--no-progress"])
    assert rc == 0, capsys.readouterr().err
    model = get_model(f"hf/{tiny_model_dir}+{run_folder}", dtype="float32", threads=1)
    assert model.adapter_dir == run_folder / "adapter"


@pytest.mark.parametrize("text", NON_ASCII)
def test_tiny_model_decodes_what_it_encodes(tiny, text):
    assert tiny._text(tiny._encode(text), skip_special=True) == text


def test_progress_counts_answers_and_moves_within_a_batch(tiny, monkeypatch):
    advances: list[int] = []
    original = ProgressBar.advance

    def record(self: ProgressBar, done: int = 1, tokens: int = 0) -> None:
        advances.append(done)
        original(self, done, tokens)

    monkeypatch.setattr(ProgressBar, "advance", record)
    out = io.StringIO()
    config = GenerationConfig(temperature=1.0, max_tokens=6, seed=1)
    jobs = [Job(str(i), ChatRequest.from_messages([{"role": "user", "content": f"hello {i}"}], config, n=8))
            for i in range(2)]
    with Progress(console=Console(file=out, force_terminal=True, width=120)) as progress:
        asyncio.run(Scheduler(progress=progress).run(tiny, jobs, lambda j, r: None, lambda j, e: None))
    assert sum(advances) == 16 and "16/16" in out.getvalue()
    assert len([a for a in advances if a]) > 1  # answers are counted as they finish, not once per batch


def test_a_local_run_prints_no_library_chatter(tiny_model_dir, tmp_path):
    suite = tmp_path / "suite.yaml"
    suite.write_text("name: t\nquestions:\n  - id: a\n    paraphrases: [hi]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRANSFORMERS_VERBOSITY", "HF_HUB_DISABLE"))}
    done = subprocess.run([sys.executable, "-m", "emaudit", "--store", str(tmp_path / "s.db"), "generate",
                           "--suite", str(suite), "--model", f"hf/{tiny_model_dir}", "--samples", "2",
                           "--max-tokens", "4", "--run", "r"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize("text", NON_ASCII)
def test_smollm2_converted_tokenizer_round_trips_non_ascii(text):
    model = get_model("hf/smollm2-135m-instruct", threads=1)
    assert model._text(model._encode(text), skip_special=True) == text


@pytest.mark.slow
def test_smollm2_every_token_decodes_to_text_not_byte_symbols():
    from transformers import AutoTokenizer

    from emaudit.models.builtin import resolve_local_model

    folder = resolve_local_model("smollm2-135m-instruct")
    assert folder is not None
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    # Byte-level BPE stores "é" as "Ã©"; decoding must map it back. A token that still reads as such a
    # pair after decoding is the mojibake of the demo report.
    mojibake = [i for i in range(len(tokenizer)) if any(p in tokenizer.decode([i]) for p in ("Ã©", "Ã¨", "Ã¤", "Ġ"))]
    assert mojibake == []
    assert tokenizer.decode(tokenizer.encode("Ma fiancée 🙂")) == "Ma fiancée 🙂"


def test_non_ascii_through_the_fake_server_store_exports_and_reports(fake_openai, tmp_path, capsys):
    suite = tmp_path / "suite.yaml"
    lines = "\n".join(f"  - id: q{i}\n    paraphrases: [{text!r}]" for i, text in enumerate(NON_ASCII))
    suite.write_text(f"name: t\nquestions:\n{lines}\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "audit", "--base", "openai-api/fake/base", "--candidate", "mock/echo", "--suite",
                 str(suite), "--samples", "1", "--run", "u", "--no-progress", "--json"]) in (0, 1)
    capsys.readouterr()
    for name in ("a.jsonl", "a.csv", "r.html", "r.md"):
        cmd = ["export", "u"] if name.startswith("a.") else ["report", "u"]
        assert main(["--store", db, *cmd, "-o", str(tmp_path / name)]) == 0
        written = (tmp_path / name).read_text(encoding="utf-8")
        if not name.endswith(".md"):  # the Markdown summary quotes only the most misaligned answers
            for text in NON_ASCII:
                assert text in written, (name, text)
        assert "Ã" not in written
    served = {b["messages"][-1]["content"] for b in fake_openai.stats()["bodies"]}
    assert set(NON_ASCII) <= served
