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


def rows(db: Path | str, sql: str) -> list[tuple]:
    """Rows of a query on a store: a SQLite file, or a PostgreSQL URL."""
    if str(db).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(db)) as pg:
            return [tuple(r) for r in pg.execute(sql).fetchall()]
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchall()
