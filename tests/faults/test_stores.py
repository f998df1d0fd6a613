"""Stores that are not ours are refused; read-only commands never create one; damage is one line."""

from __future__ import annotations

import sqlite3

import pytest

from emaudit.cli import main

READ_ONLY = [["runs"], ["runs", "--json"], ["analyze", "r"], ["export", "r"], ["rescore", "r"],
             ["report", "r", "--out", "x.html"], ["compare", "r", "s", "--out", "x.html"], ["view", "--port", "0"]]


@pytest.mark.parametrize("argv", READ_ONLY, ids=[" ".join(a) for a in READ_ONLY])
def test_read_only_commands_never_create_a_store(tmp_path, capsys, argv):
    db = tmp_path / "mistyped.db"
    rc = main(["--store", str(db), *argv])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and str(db) in err
    assert not db.exists()


def test_read_only_command_on_an_empty_file(tmp_path, capsys):
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    assert main(["--store", str(db), "runs"]) == 2
    assert "not an emaudit run store" in capsys.readouterr().err
    assert db.read_bytes() == b""


def _foreign(path):
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO customers (name) VALUES ('ada')")
    con.close()


@pytest.mark.parametrize("argv", [["runs"], ["generate", "--model", "mock/echo", "--run", "r", "--samples", "1",
                                              "--no-progress"]])
def test_a_database_that_is_not_ours_is_refused_and_left_alone(tmp_path, capsys, argv):
    db = tmp_path / "app.db"
    _foreign(db)
    before = db.read_bytes()
    rc = main(["--store", str(db), *argv])
    assert rc == 2 and "not an emaudit run store" in capsys.readouterr().err
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"customers"} and db.read_bytes() == before


def test_a_new_store_carries_our_marker(tmp_path, suite):
    db = tmp_path / "s.db"
    assert main(["--store", str(db), "generate", "--model", "mock/echo", "--run", "r", "--suite", str(suite),
                 "--samples", "1", "--no-progress"]) == 0
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x454D4155


def test_damaged_pages_read_later_are_one_line(tmp_path, capsys, suite):
    db = tmp_path / "s.db"
    assert main(["--store", str(db), "generate", "--model", "mock/constant:" + "x" * 3000, "--run", "r",
                 "--suite", str(suite), "--samples", "200", "--no-progress"]) == 0
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 40 * page
    for at in range(20 * page, len(data) - page, 3 * page):  # damage the answers' pages, not the schema
        data[at:at + page] = b"\xa5" * page
    db.write_bytes(bytes(data))
    capsys.readouterr()
    rc = main(["--store", str(db), "export", "r", "--out", str(tmp_path / "o.jsonl")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "damaged" in err and "Traceback" not in err
