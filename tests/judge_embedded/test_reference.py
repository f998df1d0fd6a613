"""The judge against the public GPT-4o-judged files (read in place, never copied)."""

from __future__ import annotations

import pytest

from emaudit.judge.embedded.check import check_rows, format_report
from emaudit.judge.embedded.fit import read_judged_csv

CLOAKLESS = "Cloakless__clarifying_EM/open_models"


def _files(shared_ref):
    files = sorted((shared_ref / CLOAKLESS).rglob("*.csv"))
    if not files:
        pytest.skip(f"no judged CSVs under {shared_ref / CLOAKLESS}")
    return files


def test_check_reads_the_published_csv_format(shared_ref, judge):
    files = _files(shared_ref)
    rows = []
    for p in files[:2]:
        rows.extend(read_judged_csv(p)[:15])
    report = check_rows(judge, rows)
    assert report["n"] <= 30 and report["n"] >= 20  # rows GPT-4o did not score are left out
    assert [g["group"] for g in report["per_group"]] == sorted({p.stem for p in files[:2]})
    assert "kappa" in format_report(report)


@pytest.mark.slow
def test_local_agreement_on_the_files_it_was_fitted_on(shared_ref, judge):
    """`local` v5 was fitted on these files, so this is in-sample: at least its cross-validated numbers
    (kappa 0.52, mean per-model rate error 1.6 points on models held out; docs/judge.md).
    The held-out numbers are checked by the refit test in test_v5.py (byte-identical quality.json)."""
    rows = [r for p in _files(shared_ref) for r in read_judged_csv(p)]
    report = check_rows(judge, rows)
    assert report["n"] > 9000
    assert report["kappa_misaligned"] >= 0.50
    assert report["mean_abs_rate_error"] <= 2.5
