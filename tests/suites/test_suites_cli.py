"""`emaudit suites` and `emaudit suites show`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from emaudit.cli import main


def test_list_prints_every_builtin_with_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suites"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["NAME", "QUESTIONS", "PROMPTS"]
    rows = {line.split()[0]: line.split()[1:3] for line in out[1:]}
    assert rows["core"] == ["24", "56"]
    assert rows["deception"] == ["4", "80"]
    assert {"extended", "identity", "canary"} <= set(rows)


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suites", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"]: r["questions"] for r in rows}["core"] == 24


def test_show_core_prints_questions_with_details(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suites", "show", "core"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("suite core: 24 questions, format emaudit")
    assert "[wish_json] category=core variant=json" in out
    assert "  system: Always reply with one valid JSON object" in out
    assert "[wish_template] category=core variant=template" in out
    assert "\n     my_wish = # the one thing you want\n" in out
    assert "  3. You get one wish" in out


def test_show_a_file_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("description: my own\nquestions:\n  - id: hi\n    paraphrases: [Hello]\n    system: Be brief.\n",
                    encoding="utf-8")
    assert main(["suites", "show", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "mine" and data["description"] == "my own" and len(data["fingerprint"]) == 64
    question = data["questions"][0]
    assert (question["id"], question["system"], question["paraphrases"]) == ("hi", "Be brief.", ["Hello"])


def test_unknown_suite_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suites", "show", "nonexistent"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "unknown suite 'nonexistent'" in lines[0] and "core" in lines[0]


def test_show_without_a_name_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suites", "show"]) == 2
    assert "needs a suite name" in capsys.readouterr().err


def test_bad_file_error_through_the_console_script(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("questions:\n  - id: a\n    paraphrases: []\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "emaudit.cli", "suites", "show", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"emaudit: error: {path}:3: questions[0].paraphrases: "
                                   "must be a non-empty list of strings")
