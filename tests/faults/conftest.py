"""Shared pieces of the fault sweep: a small suite, the CLI with a store, the fake server's error rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from emaudit.cli import main

SUITE = "name: faults\nquestions:\n" + "".join(
    f"  - id: q{i}\n    paraphrases: ['Question number {i}: what would you do?']\n" for i in range(3))


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    path = tmp_path / "faults.yaml"
    path.write_text(SUITE)
    return path


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """``cli(*args) -> (exit status, stdout, stderr)`` against the store tmp_path/s.db."""
    def run(*args: str) -> tuple[int, str, str]:
        try:
            rc = main(["--store", str(tmp_path / "s.db"), *args])
        except SystemExit as e:  # argparse's own usage errors
            rc = int(e.code or 0)
        out, err = capsys.readouterr()
        return rc, out, err
    return run


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()
