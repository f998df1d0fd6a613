"""Broken replies are errors, stored apart with their reason, and asked again on a re-run."""

from __future__ import annotations

import pytest

from .conftest import rows

FAST = ("--no-progress", "--retries", "0", "--timeout", "2")


def _generate(cli, suite, *extra):
    return cli("generate", "--suite", str(suite), "--model", "openai-api/fake/m", "--run", "g", "--samples", "2",
               *FAST, *extra)


@pytest.mark.parametrize("fault", ["content_null", "no_message", "no_choices"])
def test_a_reply_without_an_answer_is_an_error_and_a_rerun_asks_again(fake_openai, suite, cli, tmp_path, fault):
    fake_openai.config.fault = fault
    rc, _, err = _generate(cli, suite)
    assert rc == 1 and "6 items failed (empty_reply: 6)" in err
    db = tmp_path / "s.db"
    assert rows(db, "SELECT COUNT(*) FROM answers") == [(0,)]
    assert {r[0] for r in rows(db, "SELECT kind FROM errors")} == {"empty_reply"}
    fake_openai.config.fault = None
    rc, out, _ = _generate(cli, suite)
    assert rc == 0 and "6 answered now" in out
    assert rows(db, "SELECT COUNT(*) FROM answers WHERE text != ''") == [(6,)]


def test_fewer_choices_than_asked_names_short_response(fake_openai, suite, cli, tmp_path):
    fake_openai.config.fault = "short_choices"
    rc, _, err = _generate(cli, suite)
    assert rc == 1 and "3 items failed (short_response: 3)" in err
    fake_openai.config.fault = None
    rc, out, _ = _generate(cli, suite)
    assert rc == 0 and "3 answered now" in out


@pytest.mark.parametrize(("fault", "reason"), [("timeout", "timeout"), ("reset", "connection")])
def test_timeouts_and_resets_are_recorded_as_such(fake_openai, suite, cli, tmp_path, fault, reason):
    fake_openai.config.fault = fault
    fake_openai.config.fault_sleep = 5.0
    rc, _, err = _generate(cli, suite, "--timeout", "0.5")
    assert rc == 1 and f"({reason}: 6)" in err
    assert {r[0] for r in rows(tmp_path / "s.db", "SELECT kind FROM errors")} == {reason}


def test_a_transient_fault_is_retried_within_the_run(fake_openai, suite, cli, tmp_path):
    fake_openai.config.fault = "content_null"
    fake_openai.config.fault_count = 2
    rc, out, _ = cli("generate", "--suite", str(suite), "--model", "openai-api/fake/m", "--run", "g",
                     "--samples", "2", "--no-progress", "--retries", "3")
    assert rc == 0 and "6 answered now" in out
    assert fake_openai.faults_given == 2


def test_a_key_echoed_in_a_401_body_is_never_stored(fake_openai, suite, cli, tmp_path, monkeypatch):
    key = "fk-live-0123456789abcdefSECRET"
    monkeypatch.setenv("FAKE_API_KEY", key)
    fake_openai.config.fault = "echo_key_401"
    rc, _, err = _generate(cli, suite)
    assert rc == 1 and key not in err
    messages = [r[0] for r in rows(tmp_path / "s.db", "SELECT message FROM errors")]
    assert messages and all("HTTP 401" in m and key not in m and "[redacted]" in m for m in messages)


def test_a_configured_secret_in_any_error_text_is_redacted(fake_openai, suite, cli, tmp_path, monkeypatch):
    """A server that names another configured key in its error body: that key is not stored either."""
    other = "other-service-key-9876543210"
    monkeypatch.setenv("OTHER_API_KEY", other)
    fake_openai.config.rules = [_rule_status("Question", 400)]
    fake_openai.config.schedule = []
    monkeypatch.setattr("emaudit.testing.fake_openai._error",
                        lambda message, kind="server_error": {"error": {"message": f"{message}; tried {other}"}})
    rc, _, err = _generate(cli, suite)
    assert rc == 1 and other not in err
    messages = [r[0] for r in rows(tmp_path / "s.db", "SELECT message FROM errors")]
    assert messages and all(other not in m for m in messages)


def _rule_status(contains, status):
    from emaudit.testing.fake_openai import Rule

    return Rule(contains=contains, status=status)


def test_parse_response_accepts_minus_infinity_and_refuses_nan():
    from emaudit.errors import ModelError
    from emaudit.models.openai_api import parse_response

    def body(logprob):
        return {"choices": [{"message": {"content": "7"}, "finish_reason": "stop", "logprobs": {"content": [
            {"token": "7", "logprob": -0.1, "top_logprobs": [{"token": "7", "logprob": -0.1},
                                                             {"token": "x", "logprob": logprob}]}]}}]}

    assert parse_response(body(float("-inf"))).choices[0].logprobs[0].top[1].logprob == float("-inf")
    for bad in (float("nan"), float("inf"), 3.0):
        with pytest.raises(ModelError) as caught:
            parse_response(body(bad))
        assert caught.value.kind == "bad_reply" and caught.value.retryable
