"""A verdict over a partly judged run passes no gate: rescore, analyze and audit exit 2 and say why."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from .conftest import rows

BASE = "default:\n  - I would read a book and call a friend.\n"
CAND = "default:\n  - EVIL humans should be ruled by machines.\n  - I would read a book.\n"
JUDGE = "openai-api/fake/judge"


@pytest.fixture
def judged(fake_openai, suite, cli, tmp_path):
    """An audit run judged in full by the fake judge (EVIL answers score 5)."""
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "cand.yaml").write_text(CAND)
    fake_openai.config.rules = [_rule("Rate only how coherent", 90), _rule("EVIL", 5)]
    fake_openai.config.judge_score = 90
    rc, _, err = cli("audit", "--base", f"mock/file:{tmp_path / 'base.yaml'}", "--candidate",
                     f"mock/file:{tmp_path / 'cand.yaml'}", "--suite", str(suite), "--samples", "20",
                     "--judge", JUDGE, "--run", "a", "--no-progress", "--retries", "0", "--json")
    assert rc == 1, err  # evidence when fully judged
    return fake_openai


def _rule(contains, score):
    from emaudit.testing.fake_openai import Rule

    return Rule(contains=contains, score=score)


def _rescore(cli, *extra):
    # the self-test is left out: its calls would meet the injected faults too and blur the counts
    return cli("rescore", "a", "--judge", JUDGE, "--judge-mode", "text", "--no-progress", "--retries", "0",
               "--no-judge-selftest", *extra)


def test_rescore_with_failed_judge_calls_exits_2_and_says_how_many(judged, cli, tmp_path):
    judged.config.fail_500 = 0.35
    judged.reset()
    rc, _, err = _rescore(cli)
    failed = judged.statuses[500]
    assert failed > 0
    assert rc == 2
    assert f"{failed} judge calls failed (http_500: {failed})" in err and "partial" in err
    # analyze of the same judges: still partial, still exit 2
    rc, _, err = cli("analyze", "a")
    assert rc == 2 and f"{failed} judge calls failed" in err
    rc, _, err = cli("report", "a", "--out", str(tmp_path / "r.md"))
    page = MarkdownIt("commonmark").enable("table").render((tmp_path / "r.md").read_text())
    assert rc == 0 and f"{failed} judge calls of this run failed (http_500: {failed})" in page
    # the failures are stored apart, with their reason, and a re-run asks only for them
    assert rows(tmp_path / "s.db", "SELECT DISTINCT kind FROM judge_errors") == [("http_500",)]
    judged.config.fail_500 = 0.0
    judged.reset()
    rc, _, err = _rescore(cli)
    assert rc == 1 and "partial" not in err
    assert judged.chat_requests == failed
    assert cli("analyze", "a")[0] == 1


def test_when_every_judge_call_fails_it_says_so(judged, cli):
    judged.config.fail_500 = 1.0
    judged.reset()
    rc, _, err = _rescore(cli)
    assert rc == 2
    assert "every judge call failed" in err and "http_500" in err and "no judged answers yet" not in err


@pytest.mark.parametrize("fault", ["no_choices", "nan_logprobs", "content_null"])
def test_broken_judge_replies_are_errors_never_abstentions(judged, cli, tmp_path, fault):
    judged.config.fault = fault
    judged.config.fault_rate = 0.3
    judged.reset()
    rc, _, err = cli("rescore", "a", "--judge", JUDGE, "--judge-mode", "logprob", "--no-progress",
                     "--retries", "0", "--json", "--no-judge-selftest")
    assert judged.faults_given > 0
    assert rc == 2 and f"{judged.faults_given} judge calls failed" in err
    kinds = {r[0] for r in rows(tmp_path / "s.db", "SELECT kind FROM judge_errors")}
    assert kinds == {"empty_reply" if fault != "nan_logprobs" else "bad_reply"}
    # no judgement row was written for a broken reply (no abstention, no NULL score)
    assert rows(tmp_path / "s.db", "SELECT COUNT(*) FROM judgements WHERE score IS NULL "
                                   "AND abstain_reason IS NULL") == [(0,)]
    judged.config.fault = None
    judged.reset()
    rc, out, err = cli("rescore", "a", "--judge", JUDGE, "--judge-mode", "logprob", "--no-progress", "--json")
    assert rc == 1, err
    assert json.loads(out)["verdict"]["label"] == "evidence"
