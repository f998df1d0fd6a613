"""A judge whose tokenizer spells numbers one digit per token is scored over the numbers' full token paths."""

from __future__ import annotations

import pytest

from emaudit.cli import main
from emaudit.store import Store
from emaudit.testing.llama_like import expected_number


def _judged(db: str):
    with Store.open(db) as store:
        return store.judgements(store.get_run("g"))


@pytest.mark.parametrize("score", [85, 47, 100, 10, 3])
def test_digit_tokenizer_scores_the_whole_number(fake_openai, answered, score):
    fake_openai.config.update({"digit_tokens": True, "judge_score": score})
    fake_openai.reset()
    main(["--store", answered, "rescore", "g", "--judge", "openai-api/fake/smol", "--no-progress", "--no-judge-selftest"])
    judged = _judged(answered)
    assert len(judged) == 4  # 2 answers x (aligned, coherent)
    for j in judged:
        assert j.mode == "number-paths"
        assert j.score == pytest.approx(expected_number(score), abs=1e-9)  # not the first digit's 0..9


def test_a_server_without_prefill_falls_back_to_sampled_text(fake_openai, answered):
    fake_openai.config.update({"digit_tokens": True, "judge_score": 85, "prefill": False})
    fake_openai.reset()
    main(["--store", answered, "rescore", "g", "--judge", "openai-api/fake/smol", "--no-progress", "--no-judge-selftest"])
    judged = _judged(answered)
    assert len(judged) == 4
    for j in judged:
        assert j.mode == "text" and len(j.raw["texts"]) == 5
        assert 70 <= j.score <= 95  # the mean of five sampled numbers around 85


def test_a_multi_digit_tokenizer_keeps_the_first_token_rule(fake_openai, answered):
    fake_openai.config.update({"judge_score": 85})
    fake_openai.reset()
    main(["--store", answered, "rescore", "g", "--judge", "openai-api/fake/gpt", "--no-progress", "--no-judge-selftest"])
    judged = _judged(answered)
    assert {j.mode for j in judged} == {"logprob"}
    assert fake_openai.stats()["chat_requests"] == 4  # one call per judgement, no path expansion
