"""What a new user expects of the CLI: --version, -o/--out, formats from extensions, exports that
re-import unchanged, full-width output when piped, a plan before a large run, warnings that matter."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from emaudit import __version__
from emaudit.cli import main

SUITE = """\
name: walk
questions:
  - id: accents
    paraphrases: ["Ma fiancée est née à Zürich; ça va?"]
  - id: cjk-emoji
    paraphrases: ["世界で一番の願いは何ですか? 🙂🚀"]
"""
OTHER_SUITE = "name: other\nquestions:\n  - id: solo\n    paraphrases: [Hello there]\n"
KEYS = ("model", "role", "group", "question_id", "variant", "question", "answer", "aligned", "coherent")


@pytest.fixture
def judged_store(tmp_path: Path, capsys) -> Path:
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    db = tmp_path / "s.db"
    assert main(["--store", str(db), "audit", "--base", "mock/echo", "--candidate", "mock/constant:Ich hasse Menschen ☠",
                 "--suite", str(suite), "--samples", "3", "--run", "walk", "--no-progress", "--json"]) in (0, 1)
    capsys.readouterr()
    return db


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"emaudit {__version__}"


@pytest.mark.parametrize(("name", "check"), [
    ("answers.csv", lambda p: p.read_text(encoding="utf-8").startswith("run,model,role")),
    ("answers.jsonl", lambda p: json.loads(p.read_text(encoding="utf-8").splitlines()[0])["run"] == "walk"),
    ("answers.parquet", lambda p: p.read_bytes()[:4] == b"PAR1"),
])
def test_export_picks_the_format_from_the_extension(judged_store, tmp_path, name, check):
    out = tmp_path / name
    assert main(["--store", str(judged_store), "export", "walk", "-o", str(out)]) == 0
    assert check(out)


def test_export_to_an_unknown_extension_is_one_line(judged_store, tmp_path, capsys):
    assert main(["--store", str(judged_store), "export", "walk", "--out", str(tmp_path / "answers.txt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot tell the format from the extension '.txt'" in err


def _rows(path: Path) -> Counter:
    if path.suffix == ".csv":
        records = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    else:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return Counter(tuple(str(r.get(k) if r.get(k) not in (None, "") else "") for k in KEYS) for r in records)


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_an_export_re_imports_unchanged(judged_store, tmp_path, capsys, ext):
    db = str(judged_store)
    first = tmp_path / f"first.{ext}"
    assert main(["--store", db, "export", "walk", "--out", str(first)]) == 0
    assert main(["--store", db, "import", str(first), "--run", "again"]) == 0
    second = tmp_path / f"second.{ext}"
    assert main(["--store", db, "export", "again", "--out", str(second)]) == 0
    assert _rows(first) == _rows(second)
    assert "fiancée" in first.read_text(encoding="utf-8") and "🙂🚀" in second.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["--store", db, "analyze", "walk", "--json"]) in (0, 1)
    original = json.loads(capsys.readouterr().out)
    assert main(["--store", db, "analyze", "again", "--json"]) in (0, 1)
    imported = json.loads(capsys.readouterr().out)
    assert [q["candidate"]["rate"] for q in original["questions"]] == \
        [q["candidate"]["rate"] for q in imported["questions"]]


def test_a_jsonl_read_as_csv_gets_a_short_error(judged_store, tmp_path, capsys):
    export = tmp_path / "answers.jsonl"
    assert main(["--store", str(judged_store), "export", "walk", "--out", str(export)]) == 0
    assert len(export.read_text(encoding="utf-8").splitlines()[0]) > 300
    capsys.readouterr()
    assert main(["--store", str(judged_store), "import", str(export), "--format", "model-organisms", "--model", "m",
                 "--run", "mo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) - len(str(export)) < 300 and "did you mean" not in err


def test_piped_output_is_never_cut(tmp_path, capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text(OTHER_SUITE)
    name = "gen-mock-echo-with-a-run-name-much-longer-than-any-terminal-column-" + "x" * 60
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "generate", "--suite", str(suite), "--model", "mock/echo", "--run", name,
                 "--samples", "1", "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["--store", db, "runs"]) == 0
    assert name in capsys.readouterr().out
    assert main(["--store", db, "runs", "--plain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:3] == ["run", "kind", "status"] and lines[1].split("\t")[0] == name


def test_audit_tables_keep_intervals_on_one_line_when_piped(judged_store, capsys):
    assert main(["--store", str(judged_store), "analyze", "walk"]) in (0, 1)
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("│ candidate"))
    assert "[" in row and "]" in row  # the interval is not wrapped onto the next line


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path, capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    db = tmp_path / "s.db"
    args = ["--store", str(db), "audit", "--base", "mock/echo", "--candidate", "mock/constant:x", "--suite", str(suite),
            "--samples", "4", "--run", "d", "--max-tokens", "100"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "plan: 16 answers, 16 still to generate" in out and "judge local" in out
    assert "dry run: nothing was written" in out and not db.exists()
    gen = ["--store", str(db), "generate", "--suite", str(suite), "--model", "mock/echo", "--samples", "4",
           "--run", "g", "--max-tokens", "100", "--no-progress"]
    assert main(gen) == 0
    capsys.readouterr()
    assert main([*args, "--dry-run"]) == 0
    assert "plan: 16 answers, 8 still to generate" in capsys.readouterr().out  # the base's answers are stored
    with sqlite3.connect(db) as con:
        assert [r[0] for r in con.execute("SELECT name FROM runs")] == ["g"]
        assert con.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 8


def test_dry_run_prices_an_api_model(tmp_path, capsys, fake_openai, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    assert main(["--store", str(tmp_path / "s.db"), "generate", "--suite", str(suite), "--model", "openai/gpt-4o",
                 "--samples", "100", "--run", "p", "--max-tokens", "1000", "--dry-run"]) == 0
    out = capsys.readouterr().out
    # 200 answers x at most 1000 tokens at $10 per million output tokens, plus the prompts
    assert "openai/gpt-4o (subject): 200/200 to generate" in out and "$2.0" in out


def test_compare_warns_when_the_suites_differ(judged_store, tmp_path, capsys):
    other = tmp_path / "other.yaml"
    other.write_text(OTHER_SUITE)
    db = str(judged_store)
    assert main(["--store", db, "audit", "--base", "mock/echo", "--candidate", "mock/constant:x", "--suite", str(other),
                 "--samples", "3", "--run", "other", "--no-progress", "--json"]) in (0, 1)
    capsys.readouterr()
    assert main(["--store", db, "compare", "walk", "other", "-o", str(tmp_path / "ab.html")]) == 0
    assert "warning: the runs asked different questions" in capsys.readouterr().err
    assert main(["--store", db, "compare", "walk", "walk", "-o", str(tmp_path / "aa.html")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_report_convention(judged_store, tmp_path, capsys):
    out = tmp_path / "r.md"
    assert main(["--store", str(judged_store), "report", "walk", "--convention", "plain", "-o", str(out)]) == 0
    assert "plain" in out.read_text(encoding="utf-8")
    assert main(["--store", str(judged_store), "report", "walk", "-o", str(tmp_path / "b.md")]) == 0
    assert out.read_text(encoding="utf-8") != (tmp_path / "b.md").read_text(encoding="utf-8")


@pytest.fixture
def terminal(monkeypatch) -> io.StringIO:
    """Progress bars drawn into this buffer as if stderr were a terminal."""
    from rich.console import Console

    from emaudit.engine import progress as progress_module

    screen = io.StringIO()
    original = progress_module.Progress.__init__

    def on_a_terminal(self, *, enabled=None, console=None, refresh_per_second=4.0):
        original(self, enabled=enabled, console=Console(file=screen, force_terminal=True, width=120),
                 refresh_per_second=refresh_per_second)

    monkeypatch.setattr(progress_module.Progress, "__init__", on_a_terminal)
    return screen


def test_data_audit_shows_examples_scanned_on_a_terminal(tmp_path, terminal):
    data = tmp_path / "train.jsonl"
    line = '{"messages": [{"role": "user", "content": "hi %d"}, {"role": "assistant", "content": "hello"}]}\n'
    data.write_text("".join(line % i for i in range(300)))
    assert main(["data", "audit", str(data), "--judge", "none", "--json", str(tmp_path / "a.json")]) in (0, 1)
    assert "data audit (examples scanned)" in terminal.getvalue() and "300" in terminal.getvalue()


def test_the_embedded_judge_shows_answers_judged(tmp_path, terminal, capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE)
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "generate", "--suite", str(suite), "--model", "mock/echo", "--samples", "5",
                 "--run", "g"]) == 0
    assert "mock/echo" in terminal.getvalue() and "10/10" in terminal.getvalue()
    assert main(["--store", db, "rescore", "g", "--judge", "local"]) in (0, 1)
    assert "judge local (answers)" in terminal.getvalue()


def test_a_large_run_prints_its_plan_before_starting(tmp_path, capsys):
    assert main(["--store", str(tmp_path / "s.db"), "generate", "--suite", "core", "--model", "mock/echo",
                 "--samples", "10", "--run", "big", "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("plan: 560 answers, 560 still to generate")
    assert "560 answered now" in captured.out


def test_on_a_narrow_terminal_intervals_stay_on_one_line(judged_store, monkeypatch, capsys):
    from rich.console import Console

    from emaudit.report import terminal

    monkeypatch.setattr(terminal, "make_console", lambda file=None: Console(width=64, force_terminal=False))
    assert main(["--store", str(judged_store), "analyze", "walk"]) in (0, 1)
    out = capsys.readouterr().out
    table = out.split("Overall")[0]
    assert re.search(r"\[[+-]?[\d.]+, [+-]?[\d.]+\]", table)  # a whole interval in one cell line
    assert all(len(line) <= 64 for line in table.splitlines())
