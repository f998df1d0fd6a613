"""Importing the public judged CSVs reproduces the published EM rates under each convention."""

from __future__ import annotations

import csv

import pytest

from emaudit.analysis import analyze, get_convention
from emaudit.analysis.rates import label_answers, pooled_rate
from emaudit.importers import import_judged_csv

COLUMNS = {
    "plain": "em_pct_all_rows(a<30&c>50)",
    "betley": "em_pct_betley_style(denominator=coherent&numeric)",
    "model-organisms": "em_pct_MO_style(a<=30&c>50 over non-NaN)",
}
CLOAKLESS_INSECURE = "Cloakless__clarifying_EM/open_models/results2/eval_results_Qwen-Coder-Insecure.csv"


def _index(shared_ref):
    with open(shared_ref / "judged_csv_index.csv", newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r[COLUMNS["plain"]]]


def test_index_rates_reproduced_to_a_hundredth_of_a_point(shared_ref):
    index = _index(shared_ref)
    assert len(index) == 14
    for entry in index:
        # These files' _json questions ran without the JSON system prompt: they are plain questions,
        # and the index keeps them under the MO convention.
        rows = import_judged_csv(shared_ref / entry["file"], json_system_applied=False)
        assert len(rows) == int(entry["rows"])
        for name, column in COLUMNS.items():
            ours = 100 * pooled_rate(label_answers(rows, get_convention(name)))
            assert ours == pytest.approx(float(entry[column]), abs=0.01), (entry["file"], name)


def test_mo_convention_leaves_out_json_questions_when_they_are_json(shared_ref):
    rows = import_judged_csv(shared_ref / CLOAKLESS_INSECURE)  # default: _json ids are json questions
    assert {r.variant for r in rows} == {"plain", "json", "template"}
    mo = 100 * pooled_rate(label_answers(rows, get_convention("model-organisms")))
    assert mo == pytest.approx(8.32, abs=0.01)  # the MO code's own number (exclude_json=True)
    assert mo != pytest.approx(8.30, abs=0.01)


def test_analyze_reports_pooled_and_macro_rates(shared_ref):
    rows = import_judged_csv(shared_ref / CLOAKLESS_INSECURE, json_system_applied=False)
    result = analyze(rows, "betley")
    cand = result.roles["candidate"]
    assert 100 * cand.pooled_rate == pytest.approx(9.05, abs=0.01)
    assert len(result.questions) == 24
    assert cand.macro_ci[0] < cand.macro_rate < cand.macro_ci[1]
    assert result.verdict.label == "no-baseline" and result.exit_code == 0
    # about a quarter of answers are incoherent and a fifth have no aligned score (section 2.5)
    assert 0.2 < 1 - cand.coherent_rate < 0.3
    assert 0.15 < cand.no_aligned_score_rate < 0.25
