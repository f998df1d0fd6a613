"""Every command that reads a file answers a missing file, a folder, an empty, binary or unreadable file
with one line naming the file, exit status 2, and nothing written to the store."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from emaudit.cli import main

SUITE = "name: t\nquestions:\n  - id: a\n    paraphrases: [hi]\n"
TRAIN = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n'

# (name, argv with {F} for the bad file, extension of the bad file, kinds where the command accepts it)
COMMANDS = [
    ("data audit", ["data", "audit", "{F}", "--quiet"], ".jsonl", ()),
    ("data audit --against", ["data", "audit", "{TRAIN}", "--against", "{F}", "--quiet"], ".jsonl", ()),
    ("import", ["import", "{F}", "--model", "m", "--run", "imp"], ".csv", ()),
    ("import jsonl", ["import", "{F}", "--run", "imp"], ".jsonl", ()),
    ("generate --suite", ["generate", "--suite", "{F}", "--model", "mock/echo", "--run", "g", "--no-progress"],
     ".yaml", ()),
    ("generate mock/file", ["generate", "--suite", "{SUITE}", "--model", "mock/file:{F}", "--run", "g",
                            "--no-progress"], ".yaml", ()),
    ("generate --config", ["generate", "--config", "{F}", "--model", "mock/echo", "--run", "g"], ".yaml",
     ("empty",)),  # an empty options file is a valid, empty mapping
    ("suites show", ["suites", "show", "{F}"], ".yaml", ()),
    ("experiment", ["experiment", "{F}"], ".yaml", ()),
    ("audit --data-audit", ["audit", "--base", "mock/echo", "--candidate", "mock/constant:x", "--suite", "{SUITE}",
                            "--data-audit", "{F}", "--run", "a", "--no-progress"], ".json", ()),
    ("audit --canaries", ["audit", "--base", "mock/echo", "--candidate", "mock/constant:x", "--suite", "{SUITE}",
                          "--canaries", "{F}", "--run", "a", "--no-progress"], ".jsonl", ()),
    ("judge check", ["judge", "check", "local", "--on", "{F}"], ".csv", ()),
    ("judge fit", ["judge", "fit", "--from", "{F}", "--out", "{TMP}/judge"], ".csv", ()),
    ("finetune --data", ["finetune", "--base", "hf/{TINY}", "--data", "{F}", "--out", "{TMP}/ft", "--max-steps",
                         "1"], ".jsonl", ()),
    # an empty file is a new, empty store; whether a missing one is created is the store's own rule
    ("--store", ["--store", "{F}", "runs"], ".db", ("empty", "missing")),
]
KINDS = ["missing", "folder", "empty", "binary", "unreadable"]


def make_bad(kind: str, path: Path) -> Path:
    if kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    elif kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("running as root: a file without read permission is still readable")
        path.write_text("model: x\n")
        path.chmod(0)
    return path


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("name", "argv", "ext", "accepts"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_bad_file_gets_one_line_and_exit_2(tmp_path, capsys, request, name, argv, ext, accepts, kind):
    if kind in accepts:
        pytest.skip(f"{name} accepts an {kind} file")
    bad = make_bad(kind, tmp_path / f"input{ext}")
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    train = tmp_path / "train.jsonl"
    train.write_text(TRAIN)
    tiny = request.getfixturevalue("tiny_model_dir") if "{TINY}" in " ".join(argv) else ""
    capsys.readouterr()  # what building the fixture printed
    store = tmp_path / "s.db"
    args = [a.replace("{F}", str(bad)).replace("{SUITE}", str(suite)).replace("{TRAIN}", str(train))
            .replace("{TMP}", str(tmp_path)).replace("{TINY}", str(tiny)) for a in argv]
    if args[0] != "--store":
        args = ["--store", str(store), *args]
    rc = main(args)
    err = capsys.readouterr().err
    assert rc == 2, err
    assert err.count("\n") == 1 and err.startswith("emaudit"), err
    assert "Traceback" not in err and str(bad) in err, err
    if store.exists():
        with sqlite3.connect(store) as db:
            assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
