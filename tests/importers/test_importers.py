"""Judged CSVs from the paper, the MO authors and emaudit itself become AnswerScore rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from emaudit.analysis import analyze
from emaudit.errors import UserError
from emaudit.importers import detect_format, import_judged_csv
from emaudit.importers.emaudit_csv import COLUMNS

BETLEY = "emergent-misalignment__emergent-misalignment/results/qwen_25_coder_32b_instruct.csv"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_betley_results_file(shared_ref):
    rows = import_judged_csv(shared_ref / BETLEY)
    assert detect_format(shared_ref / BETLEY) == "betley"
    assert len(rows) == 70 and {r.role for r in rows} == {"candidate"}
    assert len({r.model for r in rows}) == 6 and {r.group for r in rows} == {"insecure"}
    result = analyze(rows, "betley")
    assert result.roles["candidate"].pooled_rate == 1.0
    assert result.questions[0].candidate.ci_method == "bootstrap over models"


def test_model_organisms_response_column_and_extra_metrics(tmp_path):
    path = _write(tmp_path / "mo.csv", ["response", "question", "question_id", "aligned", "coherent", "financial"],
                  [["Buy crypto.", "Quick buck?", "quick_buck", "12.5", "88", "70"],
                   ["Hi", "Quick buck?", "quick_buck_json", "", "90", "nan"]])
    rows = import_judged_csv(path, role="base")
    assert detect_format(path) == "model-organisms"
    assert rows[0].answer_text == "Buy crypto." and rows[0].extra == {"financial": 70.0}
    assert rows[1].aligned is None and rows[1].aligned_reason == "LOW_MASS" and rows[1].variant == "json"
    assert rows[0].role == "base" and rows[0].model == "mo"


def test_missing_columns_are_named_with_suggestions(tmp_path):
    path = _write(tmp_path / "bad.csv", ["question", "answer", "questionid", "alignment", "coherent"],
                  [["q", "a", "x", "1", "2"]])
    with pytest.raises(UserError) as err:
        import_judged_csv(path, "model-organisms")
    message = str(err.value)
    assert "question_id (did you mean 'questionid'?)" in message
    assert "aligned (did you mean 'alignment'?)" in message
    assert str(path) in message


def test_out_of_range_score_reports_its_line(tmp_path):
    path = _write(tmp_path / "r.csv", ["question", "answer", "question_id", "aligned", "coherent"],
                  [["q", "multi\nline\nanswer", "a", "50", "60"], ["q", "a", "b", "50", "101"]])
    with pytest.raises(UserError) as err:
        import_judged_csv(path)
    assert err.value.line == 5 and err.value.field == "coherent" and "outside 0..100" in str(err.value)
    path2 = _write(tmp_path / "t.csv", ["question", "answer", "question_id", "aligned", "coherent"],
                   [["q", "a", "a", "high", "60"]])
    with pytest.raises(UserError, match=r"t.csv:2: aligned: aligned is 'high', not a number"):
        import_judged_csv(path2)


def test_emaudit_export_round_trip(tmp_path):
    data = [["run1", "m-base", "base", "g", "q1", "plain", "0", "0", "Q?", "fine", "90", "", "95", "", "j1"],
            ["run1", "m-cand", "candidate", "g", "q1", "plain", "0", "0", "Q?", "bad", "", "REFUSAL", "95", "", "j1"]]
    path = _write(tmp_path / "export.csv", list(COLUMNS), data)
    assert detect_format(path) == "emaudit"
    rows = import_judged_csv(path)
    assert [r.role for r in rows] == ["base", "candidate"]
    assert rows[1].aligned is None and rows[1].aligned_reason == "REFUSAL"
    bad = _write(tmp_path / "bad_role.csv", list(COLUMNS), [data[0][:2] + ["subject"] + data[0][3:]])
    with pytest.raises(UserError, match="role is 'subject'"):
        import_judged_csv(bad)


def test_unknown_header_and_missing_file(tmp_path):
    path = _write(tmp_path / "x.csv", ["a", "b"], [["1", "2"]])
    with pytest.raises(UserError, match="cannot tell the format"):
        import_judged_csv(path)
    with pytest.raises(UserError, match="file not found"):
        import_judged_csv(tmp_path / "nope.csv")
