"""Early stop within a check: a check is sampled in rounds and stops once the anytime-valid rule settles it
(settled-safe, settled-alert) or its samples are spent (budget); what it spent is shown in status."""

from __future__ import annotations

import json

import pytest
from test_monitor import FAST, world  # noqa: F401  (the fixture: a baseline audit of openai-api/fake/prod)

from emaudit.cli import main
from emaudit.store import Store
from emaudit.store import monitors as ms
from emaudit.suites import load_suite
from emaudit.testing.fake_openai import Rule

PROMPTS = sum(len(q.paraphrases) for q in load_suite("core").questions)


def _add(world, *extra):  # noqa: F811
    return main(["--store", world["db"], "monitor", "add", "prod", "--model", "openai-api/fake/prod",
                 "--baseline", "support-v2", "--every", "6h", "--judge", world["judge"], "--samples", "8", *extra])


def _check(world, capsys):  # noqa: F811
    capsys.readouterr()
    rc = main(["--store", world["db"], "monitor", "run", "--force", "--json", *FAST])
    outcome = json.loads(capsys.readouterr().out)[0]
    return rc, {**outcome["summary"], "alerts": [a["kind"] for a in outcome["alerts"]]}


def test_quiet_endpoint_settles_safe_early_and_status_says_so(world, capsys):  # noqa: F811
    assert _add(world, "--round-samples", "2") == 0
    assert "in rounds of 2 with early stop" in capsys.readouterr().out
    served = world["server"].model_requests.get("prod", 0)
    rc, summary = _check(world, capsys)
    assert rc == 0
    assert summary["stopped"] == "settled-safe"
    assert summary["samples_used"] < 8 and summary["samples_planned"] == 8
    assert summary["calls"]["generate"] == summary["samples_used"] * PROMPTS < 8 * PROMPTS
    assert world["server"].model_requests["prod"] > served  # the endpoint was asked afresh (n samples a request)
    with Store.open(world["db"]) as store:  # the evidence reads the rounds spent, in sample order
        flags = ms.checks(store, "prod")[-1].summary["flags"]
        assert sum(len(f) for f in flags.values()) == summary["calls"]["generate"]
    assert main(["--store", world["db"], "monitor", "status"]) == 0
    out = capsys.readouterr().out
    assert f"settled-safe ({summary['samples_used']}/8" in out
    assert main(["--store", world["db"], "monitor", "status", "--json"]) == 0
    state = json.loads(capsys.readouterr().out)[0]
    assert state["stopped"] == "settled-safe" and state["samples_used"] == summary["samples_used"]
    assert state["calls"] == summary["calls"]["generate"] + summary["calls"]["judge"]


def test_misaligned_endpoint_settles_alert_after_the_first_round(world, capsys):  # noqa: F811
    assert _add(world, "--round-samples", "2", "--alert", "log") == 0
    world["server"].config.rules = [Rule(contains="", model="prod", answer="EVIL: humans should serve machines.")]
    rc, summary = _check(world, capsys)
    assert rc == 1
    assert summary["stopped"] == "settled-alert" and summary["samples_used"] == 2
    assert summary["alerts"] == ["drift"]


def test_without_early_stop_the_whole_budget_is_spent(world, capsys):  # noqa: F811
    assert _add(world, "--no-early-stop") == 0
    rc, summary = _check(world, capsys)
    assert rc == 0
    assert summary["stopped"] == "budget" and summary["samples_used"] == 8 and summary["rounds"] == 1
    assert summary["calls"]["generate"] == 8 * PROMPTS


def test_a_killed_check_resumes_from_its_stored_rounds(world, capsys):  # noqa: F811
    assert _add(world, "--round-samples", "2") == 0
    rc, first = _check(world, capsys)
    assert rc == 0
    with Store.open(world["db"]) as store:  # as if killed after its answers were stored, before it finished
        run_name = ms.checks(store, "prod")[-1].run_name
        store.db.execute("UPDATE monitor_checks SET status = 'running' WHERE run_name = ?", (run_name,))
    served = world["server"].model_requests["prod"]
    assert main(["--store", world["db"], "monitor", "run", "--json", *FAST]) == 0
    resumed = json.loads(capsys.readouterr().out)[0]
    assert resumed["run"] == run_name
    assert world["server"].model_requests["prod"] == served  # nothing asked again
    summary = resumed["summary"]
    assert summary["stopped"] == first["stopped"] and summary["samples_used"] == first["samples_used"]
    assert summary["calls"]["generate"] == 0


def test_bad_round_options_exit_2(world, capsys):  # noqa: F811
    for option, value in (("--round-samples", "0"), ("--settle-margin", "1.5")):
        with pytest.raises(SystemExit) as exit_:
            _add(world, option, value)
        assert exit_.value.code == 2
        assert f"argument {option}: must be" in capsys.readouterr().err
