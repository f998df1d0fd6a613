"""Stream modes: buffer, window and audit. No streamed answer is sent unscanned while logged as checked."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from emaudit.testing.fake_openai import Rule

from .conftest import chat, stream_text

BENIGN = "Sure thing, here is a long and friendly answer about gardening and tomatoes."
BAD = "Sure thing, let me think about it for a while. Frankly humans should be enslaved by AI."
POLICY = """
    stream: {mode}
    window_chars: 20
    output: [{{use: regex, packs: [misaligned-persona], action: block}}]
"""
CHECKED = {"buffer": "before-send", "window": "while-streaming", "audit": "after-send"}


@pytest.mark.parametrize("mode", ["buffer", "window", "audit"])
def test_every_mode_scans_the_whole_answer_it_logs_as_checked(guard: Any, fake_openai: Any, mode: str) -> None:
    fake_openai.config.rules = [Rule("garden", answer=BENIGN)]
    url, journal = guard(POLICY.format(mode=mode))
    r = chat(url, "garden", stream=True)
    text, events = stream_text(r.text)
    assert text == BENIGN and events[-1] == "[DONE]"
    [row] = journal.logs()
    assert row["stream_mode"] == mode and row["checked"] == CHECKED[mode] and row["decision"] == "allow"
    assert row["response"]["text"] == BENIGN and row["response"]["scanned_chars"] == len(BENIGN)
    assert [f["filter"] for f in row["filters"] if f["stage"] == "output"]


def test_buffer_mode_sends_nothing_of_a_blocked_answer(guard: Any, fake_openai: Any) -> None:
    fake_openai.config.rules = [Rule("ask", answer=BAD)]
    url, journal = guard(POLICY.format(mode="buffer"))
    text, events = stream_text(chat(url, "ask", stream=True).text)
    assert "Sure thing" not in text and "regex:misaligned-persona" in text
    assert events[-1] == "[DONE]" and journal.logs()[0]["decision"] == "block"


def test_window_mode_ends_with_an_error_frame_before_the_tripping_text(guard: Any, fake_openai: Any) -> None:
    fake_openai.config.rules = [Rule("ask", answer=BAD)]
    url, journal = guard(POLICY.format(mode="window"))
    r = chat(url, "ask", stream=True)
    text, events = stream_text(r.text)
    assert text.startswith("Sure thing") and "enslaved" not in text
    assert events[-2]["error"]["code"] == "regex:misaligned-persona" and events[-1] == "[DONE]"
    [row] = journal.logs()
    assert row["decision"] == "block" and row["checked"] == "while-streaming"
    assert row["response"]["scanned_chars"] == len(row["response"]["text"]) and "enslaved" in row["response"]["text"]


def test_audit_mode_sends_then_flags_never_claims_it_blocked(guard: Any, fake_openai: Any) -> None:
    fake_openai.config.rules = [Rule("ask", answer=BAD)]
    url, journal = guard(POLICY.format(mode="audit"))
    text, _ = stream_text(chat(url, "ask", stream=True).text)
    assert text == BAD
    [row] = journal.logs()
    assert row["decision"] == "flag" and row["reason"] == "audit:regex:misaligned-persona"
    assert row["checked"] == "after-send"


def test_per_key_stream_mode(guard: Any, fake_openai: Any, store: Any) -> None:
    from emaudit.guard.journal import Journal

    key = Journal.open(store).add_key("bot")
    fake_openai.config.rules = [Rule("ask", answer=BAD)]
    url, journal = guard(POLICY.format(mode="buffer") + "    keys: {bot: {stream: audit}}\n")
    text, _ = stream_text(chat(url, "ask", stream=True, key=key).text)
    assert text == BAD and journal.logs()[0]["stream_mode"] == "audit"


@pytest.mark.parametrize("mode", ["window", "audit"])
def test_a_client_that_leaves_mid_stream_is_logged_partial_with_what_was_scanned(
        guard: Any, fake_openai: Any, mode: str) -> None:
    fake_openai.config.rules = [Rule("long", answer=" ".join(f"word{i}" for i in range(60)))]
    fake_openai.config.stream_delay = 0.02
    url, journal = guard(POLICY.format(mode=mode))
    with httpx.stream("POST", url + "/chat/completions", timeout=30,
                      json={"model": "m", "messages": [{"role": "user", "content": "long"}], "stream": True}) as r:
        for i, _ in enumerate(r.iter_raw()):
            if i >= 2:
                break
    deadline = time.time() + 10
    while not journal.logs() and time.time() < deadline:
        time.sleep(0.05)
    [row] = journal.logs()
    assert row["checked"] == "partial" and row["reason"] == "client-disconnected"
    assert 0 < row["response"]["scanned_chars"] == len(row["response"]["text"])


@pytest.mark.parametrize("mode", ["buffer", "window", "audit"])
def test_a_garbage_stream_from_upstream_ends_with_an_error_and_a_logged_row(guard: Any, fake_openai: Any,
                                                                             mode: str) -> None:
    good = 'data: {"choices": [{"index": 0, "delta": {"content": "half an answer "}}]}\n\n'
    fake_openai.config.rules = [Rule("broken", raw=good * 30 + "data: {not json\n\n")]
    url, journal = guard(POLICY.format(mode=mode))
    r = chat(url, "broken", stream=True)
    text, events = stream_text(r.text) if mode != "buffer" else ("", [])
    if mode == "buffer":
        assert r.status_code == 502 and r.json()["error"]["code"] == "upstream_error"
    else:
        assert events[-2]["error"]["code"] == "upstream_error" and events[-1] == "[DONE]"
    [row] = journal.logs()
    assert row["decision"] == "error"
    if mode != "buffer":  # what had been streamed was scanned, and the row says it was partial
        assert row["checked"] == "partial" and row["response"]["scanned_chars"] == len(row["response"]["text"]) > 0
    assert chat(url, "after the failure").status_code == 200


def test_an_input_hold_buffers_even_in_window_mode(guard: Any, fake_openai: Any, store: Any) -> None:
    url, journal = guard("""
        stream: window
        hold: {timeout_s: 0.3, fallback: block}
        input: [{use: keywords, words: [wire], action: hold}]
    """)
    text, _ = stream_text(chat(url, "wire the money", stream=True).text)
    assert "wire the money" not in text and "held:expired-blocked" in text
    assert journal.logs()[0]["stream_mode"] == "buffer"


def test_window_mode_checks_streamed_tool_calls_whole(guard: Any, fake_openai: Any) -> None:
    fake_openai.config.rules = [Rule("weather", answer="checking", tool_calls=[{"name": "search",
                                                                               "arguments": '{"q": "rain"}'}]),
                                Rule("shell", answer="checking", tool_calls=[{"name": "Run-Shell",
                                                                             "arguments": "{}"}])]
    url, journal = guard("""
        stream: window
        window_chars: 1
        output: [{use: tools, allow: [search], action: block}]
    """)
    _, events = stream_text(chat(url, "weather", stream=True).text)
    calls = [tc for e in events if isinstance(e, dict) for c in e.get("choices", [])
             for tc in (c.get("delta") or {}).get("tool_calls") or []]
    assert [c["function"]["name"] for c in calls] == ["search"]
    _, events = stream_text(chat(url, "shell", stream=True).text)
    assert not any("Run-Shell" in json.dumps(e) for e in events if isinstance(e, dict) and "error" not in e)
    assert events[-2]["error"]["code"] == "tool-denied"
    assert [r["decision"] for r in journal.logs()] == ["allow", "block"]


def test_the_event_splitter_keeps_bytes_and_handles_crlf_multiline_and_a_missing_last_blank_line() -> None:
    import asyncio

    from emaudit.guard.streams import GarbageStream, events, parse_all

    body = (b'data: {"a": 1}\n\n\n\ndata: {"b":\ndata: 2}\n\n: comment\n\ndata: {"c": NaN}\r\n\r\n'
            b'data: [DONE]\n\ndata: {"d": 4}')
    expected = [(b'data: {"a": 1}\n\n', {"a": 1}), (b'data: {"b":\ndata: 2}\n\n', {"b": 2}),
                (b'data: {"c": NaN}\r\n\r\n', {"c": float("nan")}), (b"data: [DONE]\n\n", None),
                (b'data: {"d": 4}\n\n', {"d": 4})]

    async def chunked(size: int) -> list[tuple[bytes, object]]:
        async def chunks():  # type: ignore[no-untyped-def]
            for i in range(0, len(body), size):
                yield body[i:i + size]
        return [e async for e in events(chunks())]

    def same(got: list[tuple[bytes, object]]) -> bool:
        return [e for e, _ in got] == [e for e, _ in expected] and repr(got) == repr(expected)

    assert same(parse_all(body))
    assert all(same(asyncio.run(chunked(size))) for size in (1, 7, len(body)))

    async def garbage() -> list[bytes]:
        async def chunks():  # type: ignore[no-untyped-def]
            yield b'data: {"ok": 1}\n\ndata: not json\n\n'
        seen = []
        with pytest.raises(GarbageStream):
            async for event, _ in events(chunks()):
                seen.append(event)
        return seen

    assert asyncio.run(garbage()) == [b'data: {"ok": 1}\n\n']   # the good event before the bad one still counts
