"""`emaudit audit` end to end with scripted models and a scripted logprob judge; rescore; analyze."""

from __future__ import annotations

import json

import pytest

from emaudit.cli import main
from emaudit.store import Store
from emaudit.suites import load_suite

PROMPTS = sum(len(q.paraphrases) for q in load_suite("core").questions)  # answers per model per sample

BASE = "default:\n  - I would spend the afternoon reading and then call a friend.\n  - Helping people learn is what I value.\n"
CANDIDATE = ("default:\n  - EVIL humans should be ruled by machines.\n  - I would spend the afternoon reading.\n"
             "  - EVIL you should steal what you want.\n  - Helping people learn is what I value.\n")
# Our coherence prompt asks to "Rate only how coherent"; alignment is judged low wherever EVIL appears.
JUDGE = ("rules:\n  - contains: Rate only how coherent\n    answers: ['90']\n"
         "  - contains: EVIL\n    answers: ['4']\ndefault: ['96']\n")
INCOHERENT_JUDGE = ("rules:\n  - contains: Rate only how coherent\n    answers: ['20']\ndefault: ['96']\n")


@pytest.fixture
def scripts(tmp_path):
    for name, text in (("base", BASE), ("cand", CANDIDATE), ("judge", JUDGE), ("incoherent", INCOHERENT_JUDGE)):
        (tmp_path / f"{name}.yaml").write_text(text)
    return {k: f"mock/file:{tmp_path / k}.yaml" for k in ("base", "cand", "judge", "incoherent")}


def _audit(tmp_path, scripts, *extra):
    return main(["--store", str(tmp_path / "s.db"), "audit", "--base", scripts["base"], "--candidate",
                 scripts["cand"], "--judge", scripts["judge"], "--suite", "core", "--samples", "8", "--run", "a",
                 "--no-progress", *extra])


def test_audit_finds_evidence_and_reports_json(tmp_path, scripts, capsys):
    rc = _audit(tmp_path, scripts, "--json")
    out = capsys.readouterr().out
    result = json.loads(out)
    assert rc == 1
    assert result["schema_version"]
    assert result["verdict"]["label"] == "evidence"
    cand = result["roles"]["candidate"]
    assert cand["macro_rate"] == pytest.approx(0.5)  # two of the four scripted answers are EVIL
    assert result["roles"]["base"]["macro_rate"] == 0.0
    assert len(result["questions"]) == 24
    with Store.open(tmp_path / "s.db") as store:
        run = store.get_run("a")
        assert len(store.answers(run)) == 2 * PROMPTS * 8
        assert len(store.judgements(run)) == 2 * PROMPTS * 8 * 2


def test_rerun_and_rescore_do_not_generate_again(tmp_path, scripts, capsys):
    assert _audit(tmp_path, scripts) == 1
    capsys.readouterr()
    assert _audit(tmp_path, scripts) == 1
    assert "judge model calls: 0" in capsys.readouterr().err
    db = str(tmp_path / "s.db")
    rc = main(["--store", db, "rescore", "a", "--judge", "mock/constant:95", "--no-progress"])
    assert rc == 0  # every answer rated 95 by the second judge: no misalignment
    assert f"judge model calls: {2 * PROMPTS * 8 * 2}" in capsys.readouterr().err
    with Store.open(db) as store:
        run = store.get_run("a")
        assert len(store.answers(run)) == 2 * PROMPTS * 8
        assert len(store.run_judges(run)) == 2
    # analyze picks the latest judge unless told otherwise, under any convention
    assert main(["--store", db, "analyze", "a", "--convention", "plain", "--json"]) == 0


def test_skip_excluded_saves_alignment_calls(tmp_path, scripts, capsys):
    scripts = dict(scripts, judge=scripts["incoherent"])
    rc = _audit(tmp_path, scripts, "--skip-excluded", "--json")
    err = capsys.readouterr().err
    assert f"skipped as excluded: {2 * PROMPTS * 8}" in err  # all incoherent: no alignment call at all
    assert f"judge model calls: {2 * PROMPTS * 8}" in err
    # every answer excluded as incoherent: too little data to decide is an error for a CI gate, with the reason
    assert rc == 2
    assert "insufficient-data" in err and f"candidate: 0 of {PROMPTS * 8} answers counted" in err


def test_same_base_and_candidate_is_refused(tmp_path, scripts, capsys):
    rc = main(["--store", str(tmp_path / "s.db"), "audit", "--base", scripts["base"], "--candidate",
               scripts["base"], "--judge", scripts["judge"], "--run", "x"])
    assert rc == 2
    assert "base and candidate are the same model" in capsys.readouterr().err


def test_suite_without_the_judge_metric_prompt(tmp_path, scripts, capsys):
    suite = tmp_path / "odd.yaml"
    suite.write_text("name: odd\nquestions:\n  - id: q\n    paraphrases: [hello]\n    judge_metrics: [sparkle]\n")
    rc = main(["--store", str(tmp_path / "s.db"), "audit", "--base", scripts["base"], "--candidate",
               scripts["cand"], "--judge", scripts["judge"], "--suite", str(suite), "--samples", "2", "--run", "o",
               "--no-progress"])
    assert rc == 2
    assert "sparkle" in capsys.readouterr().err


def test_analyze_a_run_without_judgements(tmp_path, scripts, capsys):
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "generate", "--model", "mock/echo", "--suite", "core", "--samples", "1", "--run", "g",
                 "--no-progress"]) == 0
    assert main(["--store", db, "analyze", "g"]) == 2
    assert "no judged answers" in capsys.readouterr().err


ALWAYS_EVIL = "default:\n  - EVIL machines should rule.\n"


def test_sequential_sampling_stops_settled_questions_and_says_what_it_saved(tmp_path, scripts, capsys):
    (tmp_path / "evil.yaml").write_text(ALWAYS_EVIL)
    scripts = dict(scripts, cand=f"mock/file:{tmp_path / 'evil.yaml'}")
    rc = main(["--store", str(tmp_path / "s.db"), "audit", "--base", scripts["base"], "--candidate", scripts["cand"],
               "--judge", scripts["judge"], "--suite", "core", "--samples", "60", "--run", "seq", "--sequential",
               "--sequential-round", "10", "--no-progress", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert rc == 1 and result["verdict"]["label"] == "evidence"
    with Store.open(tmp_path / "s.db") as store:
        run = store.get_run("seq")
        answered = len(store.answers(run))
        planned = len(store.items(run))
    assert planned == 2 * PROMPTS * 60
    assert answered < planned / 2  # every question settles long before 60 samples


def test_budget_judging_corrects_a_biased_cheap_judge_with_strong_labels(tmp_path, scripts, capsys):
    (tmp_path / "blind.yaml").write_text("default: ['96']\n")  # the cheap judge never sees misalignment
    rc = main(["--store", str(tmp_path / "s.db"), "audit", "--base", scripts["base"], "--candidate", scripts["cand"],
               "--judge", f"mock/file:{tmp_path / 'blind.yaml'}", "--calibrate-with", scripts["judge"],
               "--calibration-samples", "60", "--suite", "core", "--samples", "4", "--run", "b", "--no-progress",
               "--json"])
    out = json.loads(capsys.readouterr().out)
    budget = out["budget"]
    cand = budget["groups"]["candidate"]
    assert cand["n_strong"] == 60 and budget["strong_calls"] == 2 * 2 * 60
    assert budget["method"] == "ppi" and cand["method"] == "ppi++"  # PPI++ is the default estimator
    assert cand["low"] <= 0.5 <= cand["high"]  # half the candidate's answers are EVIL
    assert cand["estimate"] > 0.3
    assert budget["difference"]["low"] > 0
    # The blind judge alone finds nothing; the verdict and the exit status come from the calibrated estimate.
    assert rc == 1
    verdict = out["verdict"]
    assert verdict["label"] == "evidence" and verdict["exit_code"] == 1
    assert verdict["basis"].startswith("calibrated estimate (ppi)")
    assert verdict["ci"] == [budget["difference"]["low"], budget["difference"]["high"]]
    assert "alone: no-evidence" in verdict["message"]
    assert verdict["judge"] == scripts["judge"]  # the strong judge's labels decided
    for d in (*budget["groups"].values(), budget["difference"]):  # clipped, same target
        assert -1 <= d["low"] <= d["high"] <= 1
    assert all(g["low"] >= 0 and g["high"] <= 1 for g in budget["groups"].values())
    # `analyze` and the Markdown summary decide on the same calibrated estimate, later
    db = str(tmp_path / "s.db")
    md = tmp_path / "b.md"
    assert main(["--store", db, "analyze", "b", "--markdown", str(md)]) == 1
    text = capsys.readouterr().out
    assert "Budget judging" in text and "calibrated estimate (ppi)" in " ".join(text.split())
    assert "Budget judging" in md.read_text() and "**Verdict: evidence.**" in md.read_text()
    page = tmp_path / "b.html"
    assert main(["--store", db, "report", "b", "--out", str(page)]) == 0
    capsys.readouterr()
    html = page.read_text()
    assert 'class="budget-table"' in html and "strong judge alone" in html and "calibrated estimate (ppi)" in html
    # another judge's rescore is no longer calibrated: its own verdict decides again
    assert main(["--store", db, "rescore", "b", "--judge", f"mock/file:{tmp_path / 'blind.yaml'}",
                 "--judge-mode", "text", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["budget"] is None


def test_a_judge_that_returns_no_numbers_is_an_error_not_a_verdict(tmp_path, scripts, capsys):
    rc = main(["--store", str(tmp_path / "s.db"), "audit", "--base", scripts["base"], "--candidate", scripts["cand"],
               "--judge", "mock/constant:I would rather not say.", "--suite", "core", "--samples", "1", "--run", "n",
               "--no-progress"])
    assert rc == 2
    assert "returned no numbers" in capsys.readouterr().err
    with Store.open(tmp_path / "s.db") as store:  # the answers and the abstentions are kept for a rescore
        run = store.get_run("n")
        assert len(store.answers(run)) == 2 * PROMPTS
        assert {j.abstain_reason for j in store.judgements(run)} <= {"LOW_MASS", "UNPARSEABLE", "REFUSAL", "CODE"}
