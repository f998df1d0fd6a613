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


def test_fit_writes_a_cross_validated_quality_record(small_sets, tmp_path, capsys):
    out = tmp_path / "cv-judge"
    files = [str(small_sets / n) for n in ("train.csv", "model_a.csv", "model_b.csv")]
    assert main(["judge", "fit", "--from", *files, "--out", str(out)]) == 0
    assert "leave-one-file-out" in capsys.readouterr().out
    q = json.loads((out / "quality.json").read_text())
    assert q["method"].startswith("leave-one-file-out cross-validation") and "3 folds" in q["method"]
    assert q["n_answers"] == 120 and q["n_models"] == 3
    assert q["tier"] in ("strong", "screening")
    for key in ("kappa", "worst_fold_kappa", "sensitivity", "specificity", "rate_error_mean", "rate_error_max",
                "spearman_aligned", "date"):
        assert q[key] is not None, key
    assert -1 <= q["worst_fold_kappa"] <= 1
    assert "train" in q["measured_on"] and "model_b" in q["measured_on"]
    from emaudit.judge.quality import for_judge

    assert for_judge(str(out)).kappa == q["kappa"]  # what the verdicts read


def test_fit_on_one_file_says_its_quality_is_optimistic(small_sets, tmp_path):
    out = tmp_path / "one-file"
    assert main(["judge", "fit", "--from", str(small_sets / "train.csv"), "--out", str(out)]) == 0
    q = json.loads((out / "quality.json").read_text())
    assert "by answer" in q["method"] and "optimistic" in q["note"] and q["n_models"] == 1


def test_check_save_writes_and_refreshes_the_quality_record(small_sets, tmp_path, capsys):
    out = tmp_path / "saved"
    assert main(["judge", "fit", "--from", str(small_sets / "train.csv"), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["judge", "check", str(out), "--on", str(small_sets / "model_a.csv"),
                 str(small_sets / "model_b.csv"), "--json", "--save"]) == 0
    report = json.loads(capsys.readouterr().out)
    q = json.loads((out / "quality.json").read_text())
    assert q["kappa"] == report["kappa_misaligned"] and q["n_answers"] == 40 and q["n_models"] == 2
    assert q["rate_error_max"] == report["max_abs_rate_error"] and "judge check" in q["method"]
    assert q["note"] == ""
    # checked on its own training file: recorded as in-sample
    assert main(["judge", "check", str(out), "--on", str(small_sets / "train.csv"), "--save"]) == 0
    assert "wrote" in capsys.readouterr().out
    q = json.loads((out / "quality.json").read_text())
    assert q["n_answers"] == 80 and "in-sample" in q["note"] and q["tier"] != "strong"


def test_check_save_refuses_the_shipped_judges(small_sets, capsys):
    assert main(["judge", "check", "local", "--on", str(small_sets / "model_a.csv"), "--save"]) == 2
    err = capsys.readouterr().err.strip()
    assert "fit_embedded_judge.py" in err and "\n" not in err


def test_check_says_when_the_files_are_the_judges_own_training_files(small_sets, tmp_path, capsys):
    own = tmp_path / "responses_gemma-2-9b-it-bad_medical_advice.csv"  # a file `local` v5 was fitted on
    own.write_text((small_sets / "model_b.csv").read_text())
    assert main(["judge", "check", "local", "--on", str(own), str(small_sets / "model_b.csv")]) == 0
    out = capsys.readouterr().out
    assert "in-sample: the judge was fitted on 1 of these files" in out
    assert main(["judge", "check", "local", "--on", str(small_sets / "model_b.csv"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["in_sample_files"] == []
