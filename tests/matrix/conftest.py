"""The judge-path matrix: one real store, the real fake server on 127.0.0.1, runs made through the CLI.

Runs are made on first use and shared by the module's tests, so each cell's outputs are checked
against the same run and ``-k`` still selects a single cell.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from emaudit.cli import main

HERE = Path(__file__).resolve().parent
SUITES = {"ours": HERE / "ours_format.yaml", "paper": HERE / "paper_format.yaml"}
# answers per run: ours 3 questions x 2 samples x 2 models; paper 4 paraphrases x 2 samples x 2 models
ANSWERS = {"ours": 12, "paper": 16}
KINDS = ("local", "llm-logprob", "llm-text", "exact-numbers", "imported", "rescored")
API_JUDGE = "openai-api/fake/judge"
SECOND_JUDGE = "openai-api/fake/second-judge"
# what the store records as each judgement's mode, per judge kind
MODES = {"local": {"embedded"}, "llm-logprob": {"logprob"}, "llm-text": {"text"},
         "exact-numbers": {"exact-numbers"}, "imported": {"imported"}, "rescored": {"logprob"}}


class Matrix:
    def __init__(self, root: Path, number_model: Path) -> None:
        self.root = root
        self.store = root / "matrix.db"
        self.number_model = number_model
        self.runs: dict[tuple[str, str], str] = {}

    def cli(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(["--store", str(self.store), *argv])
        return rc, out.getvalue(), err.getvalue()

    def ok(self, *argv: str, codes: tuple[int, ...] = (0,)) -> tuple[str, str]:
        rc, out, err = self.cli(*argv)
        assert rc in codes, f"emaudit {' '.join(argv)} exited {rc}: {err[-2000:]}"
        return out, err

    def judge_name(self, kind: str) -> str:
        return {"local": "local", "llm-logprob": API_JUDGE, "llm-text": API_JUDGE,
                "exact-numbers": f"hf/{self.number_model}", "imported": "imported",
                "rescored": SECOND_JUDGE}[kind]

    def run(self, fmt: str, kind: str) -> str:
        """The run of one cell, made through the CLI on first use."""
        if (fmt, kind) in self.runs:
            return self.runs[(fmt, kind)]
        name = f"{fmt}-{kind}"
        audit = ["audit", "--base", "openai-api/fake/base", "--candidate", "openai-api/fake/cand",
                 "--suite", str(SUITES[fmt]), "--samples", "2", "--run", name, "--no-progress"]
        if kind == "local":
            self.ok(*audit, "--judge", "local", codes=(0, 1))
        elif kind == "llm-logprob":
            self.ok(*audit, "--judge", API_JUDGE, codes=(0, 1))
        elif kind == "llm-text":
            self.ok(*audit, "--judge", API_JUDGE, "--judge-mode", "text", codes=(0, 1))
        elif kind == "exact-numbers":
            # the edited tiny model rates everything about 19: counted as coherent above 10
            # the edited tiny model rates everything about 19: it fails the self-test, and is only a stand-in
            self.ok(*audit, "--judge", f"hf/{self.number_model}", "--coherent-threshold", "10",
                    "--no-judge-selftest", codes=(0, 1))
        elif kind == "imported":
            csv = self.root / f"{fmt}-export.csv"
            self.ok("export", self.run(fmt, "llm-logprob"), "--format", "csv", "--out", str(csv))
            self.ok("import", str(csv), "--run", name)
        elif kind == "rescored":
            self.ok(*audit, "--judge", "local", codes=(0, 1))
            self.ok("rescore", name, "--judge", SECOND_JUDGE, "--no-progress", codes=(0, 1))
        self.runs[(fmt, kind)] = name
        return name

    def analyze_json(self, name: str) -> dict:
        out, _ = self.ok("analyze", name, "--json", codes=(0, 1))
        return json.loads(out)


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    import torch

    from emaudit.testing.fake_openai import FakeConfig, FakeOpenAI

    from .number_model import build_number_judge_model

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("matrix")
    number_model = build_number_judge_model(root / "number-judge", strength=0.6)
    with FakeOpenAI(FakeConfig(retry_after=0.05)) as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAKE_BASE_URL", server.base_url)
        mp.delenv("FAKE_API_KEY", raising=False)
        mp.setenv("EMAUDIT_TORCH_THREADS", os.environ.get("EMAUDIT_TORCH_THREADS", "1"))
        yield Matrix(root, number_model)
