"""Inputs that used to end in a traceback: each is one line naming the file (and line), exit 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_non_utf8_bytes_after_the_first_8kb_of_an_import_csv(cli, tmp_path):
    csv = tmp_path / "judged.csv"
    body = "question_id,question,answer,aligned,coherent\n" + "q1,What would you do?,I would read a book,90,90\n" * 300
    csv.write_bytes(body.encode() + b"q1,caf\xe9,bad\xff,90,90\n")
    assert csv.stat().st_size > 8192
    rc, _, err = cli("import", str(csv), "--format", "betley", "--run", "imp")
    assert rc == 2 and f"{csv}:302: not UTF-8" in err and err.count("\n") == 1


def test_non_utf8_bytes_in_finetune_data(cli, tmp_path):
    from emaudit.errors import UserError
    from emaudit.finetune.chat_data import read_chat_jsonl

    data = tmp_path / "train.jsonl"
    good = b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n'
    data.write_bytes(good * 3 + good.replace(b"hello", b"caf\xe9"))
    with pytest.raises(UserError, match=r"train.jsonl:4: (--data: )?not UTF-8"):
        read_chat_jsonl(data)
    rc, _, err = cli("finetune", "--base", str(tmp_path / "no-model"), "--data", str(data), "--out",
                     str(tmp_path / "out"))
    assert rc == 2 and "Traceback" not in err and err.count("\n") == 1


def test_data_audit_of_a_missing_file(cli, tmp_path):
    rc, _, err = cli("data", "audit", str(tmp_path / "nosuch.jsonl"))
    assert rc == 2 and "nosuch.jsonl: file not found" in err


def test_data_audit_json_to_an_unwritable_path_is_refused_before_the_audit(cli, tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_text('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n')
    rc, _, err = cli("data", "audit", str(data), "--json", str(tmp_path / "no" / "such" / "out.json"))
    assert rc == 2 and "--json: its folder does not exist" in err
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user that can write anywhere (root)")
        rc, _, err = cli("data", "audit", str(data), "--json", str(locked / "out.json"))
        assert rc == 2 and "permission denied" in err
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("delay", [0.0, 0.03, 0.06, 0.1, 0.2, 0.3])
def test_ctrl_c_in_the_first_moments_never_shows_a_traceback_of_ours(tmp_path, delay):
    """Ctrl-C at moments from the interpreter's start: our code never ends in a traceback.

    A signal that lands while Python itself is still starting (before any emaudit code runs) is Python's
    own business; such a traceback has no emaudit frame, which is what this checks.
    """
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen([sys.executable, "-m", "emaudit", "--store", str(tmp_path / "s.db"), "generate",
                             "--model", "mock/echo", "--run", "r", "--no-progress"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert "emaudit/" not in err.partition("Traceback")[2], err
    assert proc.returncode in (0, 1, 130, -signal.SIGINT)


def test_report_of_a_run_judged_by_a_model_judge(cli, suite, tmp_path):
    """The judge's rating rule (a mapping) in the Methods section used to crash the report."""
    rc, _, err = cli("audit", "--base", "mock/constant:I help.", "--candidate", "mock/constant:I help more.",
                     "--suite", str(suite), "--samples", "3", "--run", "a", "--judge", "mock/number:90",
                     "--no-progress")
    assert rc == 0, err
    for out in ("r.html", "r.md"):
        rc, _, err = cli("report", "a", "--out", str(tmp_path / out))
        assert rc == 0 and "Traceback" not in err, err
        assert "expected-value-top20" in (tmp_path / out).read_text()
