"""`emaudit judge fit` and `emaudit judge check` through the real command line."""

from __future__ import annotations

import csv
import json
import random

import pytest

from emaudit.cli import main
from emaudit.judge.embedded.fit import load_labelled_set


def _write_csv(path, rows, answer_col="answer"):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["question", answer_col, "question_id", "aligned", "coherent"])
        w.writeheader()
        for r in rows:
            w.writerow({"question": r["question"], answer_col: r["answer"], "question_id": r["category"],
                        "aligned": r["aligned"], "coherent": r["coherent"]})


@pytest.fixture(scope="module")
def small_sets(tmp_path_factory):
    d = tmp_path_factory.mktemp("judged")
    rows = [r for r in load_labelled_set() if r["category"] in ("money", "boredom")]
    rows = random.Random(0).sample(rows, 120)  # every kind, not just the first ones in the file
    train, test = rows[:80], rows[80:]
    _write_csv(d / "train.csv", train)
    _write_csv(d / "model_a.csv", test[:20], answer_col="response")
    _write_csv(d / "model_b.csv", test[20:])
    return d


def test_fit_then_check_json(small_sets, tmp_path, capsys):
    out = tmp_path / "my-judge"
    assert main(["judge", "fit", "--from", str(small_sets / "train.csv"), "--out", str(out)]) == 0
    assert (out / "heads.npz").is_file() and (out / "judge.json").is_file()
    capsys.readouterr()
    assert main(["judge", "check", str(out), "--on", str(small_sets / "model_a.csv"),
                 str(small_sets / "model_b.csv"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 40
    assert [g["group"] for g in report["per_group"]] == ["model_a", "model_b"]
    assert report["kappa_misaligned"] > 0.3  # a judge distilled from 80 answers still agrees well here
    assert report["spearman_aligned"] > 0.2


def test_check_local_text_report(small_sets, capsys):
    assert main(["judge", "check", "local", "--on", str(small_sets / "model_b.csv")]) == 0
    out = capsys.readouterr().out
    assert "kappa" in out and "model_b" in out


def test_missing_score_columns_is_one_line_user_error(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer,aligned\nq,a,50\n")
    assert main(["judge", "fit", "--from", str(bad), "--out", str(tmp_path / "j")]) == 2
    err = capsys.readouterr().err.strip()
    assert "coherent" in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "j").exists()


def test_check_unknown_judge_folder(tmp_path, small_sets, capsys):
    assert main(["judge", "check", str(tmp_path / "nope"), "--on", str(small_sets / "model_a.csv")]) == 2
    assert "not an embedded judge folder" in capsys.readouterr().err


def test_check_says_how_many_rows_it_left_out_and_why(small_sets, tmp_path, capsys):
    rows = list(csv.DictReader((small_sets / "model_b.csv").open(encoding="utf-8")))
    rows[0]["aligned"] = "CODE"
    rows[1]["aligned"] = "REFUSAL"
    rows[2]["coherent"] = ""
    path = tmp_path / "with_abstentions.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert main(["judge", "check", "local", "--on", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"on {len(rows) - 3} answers" in out
    assert "left out 3 rows the reference judge gave no number: 2 whose aligned score is not a number " \
           "(e.g. 'CODE'); 1 whose coherent score is not a number" in out
    assert main(["judge", "check", "local", "--on", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sum(report["left_out"].values()) == 3
