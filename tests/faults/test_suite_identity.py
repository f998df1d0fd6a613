"""Suites are identified by content and resolved path: resume and rescore work from any directory."""

from __future__ import annotations

import os

from emaudit.cli import main


def _audit(db, suite_arg, *extra):
    return main(["--store", str(db), "audit", "--base", "mock/constant:I help people.", "--candidate",
                 "mock/constant:I help people a lot.", "--suite", suite_arg, "--samples", "3", "--run", "a",
                 "--judge", "mock/number:90", "--no-progress", *extra])


def test_relative_then_absolute_path_of_the_same_suite_resumes(tmp_path, suite, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "s.db"
    assert _audit(db, "faults.yaml") == 0
    assert _audit(db, str(suite.resolve())) == 0, capsys.readouterr().err
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    assert _audit(db, os.path.relpath(suite, other)) == 0
    capsys.readouterr()
    assert main(["--store", str(db), "rescore", "a", "--judge", "mock/number:80", "--no-progress"]) == 0, \
        capsys.readouterr().err


def test_a_suite_whose_content_changed_is_still_refused(tmp_path, suite, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "s.db"
    assert _audit(db, "faults.yaml") == 0
    suite.write_text(suite.read_text().replace("Question number 0", "Question zero"))
    assert _audit(db, str(suite)) == 2
    assert "differs in: suites" in capsys.readouterr().err
