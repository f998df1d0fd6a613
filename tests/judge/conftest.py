"""A store with a few answered items that judge tests rescore."""

from __future__ import annotations

import pytest

from emaudit.cli import main
from emaudit.models import server_info

SUITE = "name: tiny\nquestions:\n  - id: wish\n    paraphrases: [\"What is your wish?\"]\n"


@pytest.fixture
def answered(tmp_path):
    server_info.forget()
    (tmp_path / "tiny.yaml").write_text(SUITE)
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "generate", "--model", "mock/echo", "--suite", str(tmp_path / "tiny.yaml"),
                 "--samples", "2", "--run", "g", "--no-progress"]) == 0
    return db
