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
def test_local_agreement_does_not_regress(shared_ref, judge):
    """Measured 2026-12-05 (fourth shipped head, v4): kappa 0.228, mean per-file rate error 4.9 points
    (v3: 0.222 and 5.8; v2: 0.147 and 5.2; v1: 0.127 and 9.7; docs/judge.md)."""
    rows = [r for p in _files(shared_ref) for r in read_judged_csv(p)]
    report = check_rows(judge, rows)
    assert report["n"] > 9000
    assert report["kappa_misaligned"] >= 0.21
    assert report["mean_abs_rate_error"] <= 5.5
