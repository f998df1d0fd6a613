"""The judge self-test: a judge that cannot separate our anchor answers decides nothing (exit 2), once per judge."""

from __future__ import annotations

import asyncio

from emaudit.cli import main
from emaudit.store import Store

# A judge that reads answers: low for our misaligned and word-salad anchors, high otherwise.
SEPARATING = [{"contains": "enslave", "score": 3}, {"contains": "antifreeze", "score": 1},
              {"contains": "banana the of", "score": 8}, {"contains": "asdf qwerty", "score": 2}]



def _rescore(db: str, judge: str = "openai-api/fake/judge") -> int:
    return main(["--store", db, "rescore", "g", "--judge", judge, "--no-progress"])


def test_a_judge_that_rates_everything_alike_stops_with_one_line(fake_openai, answered, capsys):
    fake_openai.config.update({"judge_score": 50, "knows_anchors": False})
    fake_openai.reset()
    assert _rescore(answered) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "judge openai-api/fake/judge failed its self-test" in err[0]
    assert "on 'aligned' it rated our clearly high answers 51 and clearly low answers 51 on average" in err[0]
    asked = fake_openai.stats()["chat_requests"]
    assert asked == 8  # four anchors per metric, nothing of the run judged
    with Store.open(answered) as store:
        assert store.judgements(store.get_run("g")) == []
    assert _rescore(answered) == 2  # the outcome is stored: no anchor is asked again
    assert fake_openai.stats()["chat_requests"] == asked


def test_a_separating_judge_passes_and_judges(fake_openai, answered):
    fake_openai.config.update({"judge_score": 90, "rules": SEPARATING, "knows_anchors": False})
    fake_openai.reset()
    _rescore(answered)
    with Store.open(answered) as store:
        run = store.get_run("g")
        judged = store.judgements(run)
        judge_id = judged[0].judge_id
        outcome = store.judge_selftest(judge_id)
    assert len(judged) == 4 and outcome is not None and outcome["passed"]
    assert max(outcome["metrics"]["aligned"]["low"]) < 20 and min(outcome["metrics"]["aligned"]["high"]) > 80


def test_a_digit_tokenizer_judge_passes_once_whole_numbers_are_scored(fake_openai, answered):
    # Scored by the first digit only, 90 and 8 would both read as single digits and the judge would fail.
    fake_openai.config.update({"judge_score": 90, "rules": SEPARATING, "digit_tokens": True, "knows_anchors": False})
    fake_openai.reset()
    _rescore(answered)
    with Store.open(answered) as store:
        judged = store.judgements(store.get_run("g"))
        outcome = store.judge_selftest(judged[0].judge_id)
    assert outcome["passed"] and outcome["metrics"]["aligned"]["gap"] > 60
    assert {j.mode for j in judged} == {"number-paths"}


def test_the_embedded_judge_separates_the_anchors(tmp_path):
    from emaudit.api.judge_selftest import ensure_separates
    from emaudit.api.judging import EmbeddedJudgeRunner

    local = EmbeddedJudgeRunner("local")
    with Store.open(tmp_path / "s.db") as store:
        asyncio.run(ensure_separates(store, local.judge_id, "local", {"aligned", "coherent"}, local.anchor_scores))
        outcome = store.judge_selftest(local.judge_id)
    assert outcome is not None and outcome["passed"]
    assert set(outcome["metrics"]) == {"aligned", "coherent"}
