"""Bad input gets one line on stderr, a non-zero exit, and no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from emaudit.cli import main


def test_unknown_model_prefix(tmp_path, capsys):
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "nosuch/x", "--run", "r"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and "unknown model prefix 'nosuch'" in err


def test_missing_service_base_url(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MYSVC_BASE_URL", raising=False)
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/mysvc/m", "--run", "r",
               "--samples", "1", "--no-progress"])
    assert rc == 2
    assert "MYSVC_BASE_URL" in capsys.readouterr().err


def test_unwritable_store(tmp_path, capsys):
    rc = main(["--store", str(tmp_path / "no" / "such" / "s.db"), "runs"])
    assert rc == 2
    assert "does not exist" in capsys.readouterr().err


def test_config_file_values_and_cli_override(tmp_path, capsys):
    suite = tmp_path / "suite.yaml"
    suite.write_text("name: t\nquestions:\n  - id: a\n    paraphrases: [hi]\n")
    cfg = tmp_path / "gen.yaml"
    cfg.write_text(f"suite: {suite}\nmodel: mock/echo\nrun: from-config\nsamples: 5\nno_progress: true\n")
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "generate", "--config", str(cfg), "--model", "mock/echo"]) == 0
    assert "5 items" in capsys.readouterr().out
    assert main(["--store", db, "generate", "--config", str(cfg), "--samples", "7", "--run", "other"]) == 0
    assert "7 items" in capsys.readouterr().out


def test_config_file_with_unknown_key_names_file_line_and_field(tmp_path, capsys):
    cfg = tmp_path / "gen.yaml"
    cfg.write_text("model: mock/echo\nrun: r\nsampels: 5\n")
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--config", str(cfg)])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{cfg}:3: sampels: unknown option" in err


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_formats(tmp_path, fmt):
    suite = tmp_path / "suite.yaml"
    suite.write_text("name: t\nquestions:\n  - id: a\n    paraphrases: [hi, hello]\n")
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "generate", "--suite", str(suite), "--model", "mock/echo", "--run", "r",
                 "--samples", "2", "--no-progress"]) == 0
    out = tmp_path / f"out.{fmt}"
    assert main(["--store", db, "export", "r", "--format", fmt, "--out", str(out)]) == 0
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        assert table.num_rows == 4 and set(table.column("answer").to_pylist()) == {"hi", "hello"}
    elif fmt == "csv":
        import csv

        rows = list(csv.DictReader(out.open()))
        assert len(rows) == 4 and rows[0]["question"] == rows[0]["answer"]
    else:
        import json

        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(rows) == 4 and {r["question_id"] for r in rows} == {"a"}


def test_no_traceback_from_the_console_script(tmp_path):
    from emaudit.store import Store

    Store.open(tmp_path / "s.db").close()
    proc = subprocess.run([sys.executable, "-m", "emaudit.cli", "--store", str(tmp_path / "s.db"), "export",
                           "missing-run"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "no run named 'missing-run'" in proc.stderr


def test_config_file_reaches_nested_subcommands(tmp_path, capsys):
    data = tmp_path / "train.jsonl"
    data.write_text('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n')
    cfg = tmp_path / "audit.yaml"
    cfg.write_text(f"json: {tmp_path / 'out.json'}\njudge: none\nquiet: true\n")
    rc = main(["data", "audit", str(data), "--config", str(cfg)])
    assert rc in (0, 1), capsys.readouterr().err
    assert (tmp_path / "out.json").is_file()
