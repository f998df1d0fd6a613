"""The proxy: pass-through, keys, bind rules, OpenAI error bodies and a log row for every failure."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from emaudit.cli import main
from emaudit.testing.fake_openai import Rule

from .conftest import chat, stream_text


def test_passes_answers_through_and_logs_each_exchange(guard: Any, fake_openai: Any) -> None:
    url, journal = guard()
    r = chat(url, "hello guard")
    assert r.status_code == 200
    assert r.json()["choices"][0]["message"]["content"] == "hello guard"
    assert fake_openai.stats()["bodies"][-1]["model"] == "m"   # the upstream model, whatever the client named
    models = httpx.get(url + "/models").json()
    assert [m["id"] for m in models["data"]] == ["m"]
    [row] = journal.logs()
    assert row["decision"] == "allow" and row["status"] == 200 and row["key_name"] == "anonymous"
    assert row["request"]["messages"][0]["content"] == "hello guard"
    assert row["response"]["choices"][0]["message"]["content"] == "hello guard"
    assert row["policy_version"] == "default" and row["latency_ms"] > 0


def test_keys_print_once_store_only_hashes_and_gate_requests(guard: Any, store: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", str(store), "guard", "keys", "add", "ci-bot"]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("emg-") and len(key) > 40
    assert key.encode() not in store.read_bytes() + Path(str(store) + "-wal").read_bytes()
    assert main(["--store", str(store), "guard", "keys", "add", "ci-bot"]) == 2   # names are unique
    url, journal = guard()
    assert chat(url, "no key").status_code == 401
    assert chat(url, "wrong key", key="emg-nope").json()["error"]["code"] == "invalid_api_key"
    assert httpx.get(url + "/models").status_code == 401
    ok = chat(url, "with key", key=key)
    assert ok.status_code == 200
    rows = journal.logs()
    assert [r["decision"] for r in rows] == ["error", "error", "allow"]
    assert rows[-1]["key_name"] == "ci-bot"
    assert key not in json.dumps(rows)
    assert main(["--store", str(store), "guard", "keys", "revoke", "ci-bot"]) == 0
    capsys.readouterr()
    assert main(["--store", str(store), "guard", "keys", "list"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("ci-bot\tcreated ") and "revoked" in listed and key not in listed
    assert main(["--store", str(store), "guard", "keys", "add"]) == 2
    assert main(["--store", str(store), "guard", "keys", "add", "bad name!"]) == 2
    assert chat(url, "revoked", key=key).status_code == 401
    assert chat(url, "no key after the last revoke").status_code == 401


def test_refuses_to_bind_elsewhere_without_keys(fake_openai: Any, store: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", str(store), "guard", "serve", "--upstream", "openai-api/fake/m",
                 "--host", "0.0.0.0"]) == 2
    assert "refusing to listen on 0.0.0.0 without guard keys" in capsys.readouterr().err


def test_upstream_key_comes_from_the_environment_and_is_never_logged(guard: Any, fake_openai: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-upstream-0123456789abcdefghij"
    monkeypatch.setenv("FAKE_API_KEY", secret)
    fake_openai.config.api_key = secret
    url, journal = guard()
    assert chat(url, "authorised upstream").status_code == 200
    assert secret not in json.dumps(journal.logs())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("case", ["malformed", "content-type", "giant", "not-a-chat", "garbage", "upstream-500",
                                  "upstream-dead", "upstream-timeout"])
def test_bad_input_and_upstream_faults_get_openai_errors_and_a_log_row(
        case: str, guard: Any, fake_openai: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_openai.config.rules = [Rule("garbage", raw="<html>oops</html>"), Rule("slow", latency=3.0),
                                Rule("fail500", status=500)]
    if case == "upstream-dead":
        monkeypatch.setenv("FAKE_BASE_URL", f"http://127.0.0.1:{_free_port()}/v1")
    url, journal = guard(max_body_bytes=10_000, upstream_timeout_s=1.0)
    post = url + "/chat/completions"
    expected = {"malformed": (400, "invalid_json"), "content-type": (415, "unsupported_media_type"),
                "giant": (413, "body_too_large"), "not-a-chat": (400, "invalid_request"),
                "garbage": (502, "upstream_garbage"), "upstream-500": (500, None),
                "upstream-dead": (502, "upstream_error"), "upstream-timeout": (504, "upstream_error")}[case]
    if case == "malformed":
        r = httpx.post(post, content=b'{"messages": [', headers={"Content-Type": "application/json"})
    elif case == "content-type":
        r = httpx.post(post, content=b"hello", headers={"Content-Type": "text/plain"})
    elif case == "giant":
        r = chat(url, "x" * 20_000)
    elif case == "not-a-chat":
        r = httpx.post(post, json={"model": "m", "messages": "hi"})
    else:
        text = {"garbage": "garbage", "upstream-500": "fail500", "upstream-dead": "hi",
                "upstream-timeout": "slow"}[case]
        r = chat(url, text)
    assert r.status_code == expected[0]
    error = r.json()["error"]
    assert error["message"] and error["type"]
    if expected[1]:
        assert error["code"] == expected[1]
    [row] = journal.logs()
    assert row["decision"] == "error" and row["status"] == expected[0]
    monkeypatch.setenv("FAKE_BASE_URL", fake_openai.base_url)
    if case != "upstream-dead":  # the guard keeps serving
        assert chat(url, "still here").json()["choices"][0]["message"]["content"] == "still here"


def test_logs_keep_out_private_keys_assigned_passwords_and_secret_env_values(
        guard: Any, fake_openai: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq9xyz\n-----END RSA PRIVATE KEY-----"
    env_secret = "s3cr3t-value-from-the-environment"
    monkeypatch.setenv("FAKE_API_KEY", env_secret)
    fake_openai.config.rules = [Rule("leak", answer=f"key:\n{pem}\npassword = hunter2hunter2 and {env_secret}")]
    url, journal = guard()
    r = chat(url, "leak it; my password: correcthorse")
    assert pem in r.json()["choices"][0]["message"]["content"]   # the default policy only flags
    logged = json.dumps(journal.logs())
    for secret in ("MIIEowIBAAKCAQEA7bq9xyz", "hunter2hunter2", env_secret, "correcthorse"):
        assert secret not in logged
    assert "[redacted]" in logged


@pytest.mark.parametrize("mode", ["buffer", "window"])
def test_the_request_time_limit_ends_an_upstream_that_trickles(mode: str, guard: Any, fake_openai: Any) -> None:
    fake_openai.config.stream_delay = 0.25        # each event well inside the 1 s idle limit; the whole stream not
    url, journal = guard(f"stream: {mode}\nwindow_chars: 5\n", upstream_timeout_s=1.0, request_timeout_s=1.0)
    t0 = time.perf_counter()
    r = chat(url, " ".join(f"word{i}" for i in range(20)), stream=True)
    assert time.perf_counter() - t0 < 5
    if mode == "buffer":
        assert r.status_code == 504 and r.json()["error"]["code"] == "upstream_error"
    else:   # the stream had started: it ends with an error event
        _, events = stream_text(r.text)
        assert events[-2]["error"]["code"] == "upstream_error" and events[-1] == "[DONE]"
    [row] = journal.logs()
    assert row["decision"] == "error" and row["status"] in (502, 504)
    fake_openai.config.stream_delay = 0
    assert chat(url, "still here").json()["choices"][0]["message"]["content"] == "still here"


def test_a_client_that_trickles_its_body_gets_408_and_a_log_row(guard: Any, fake_openai: Any) -> None:
    url, journal = guard(body_timeout_s=1.0)
    port = int(url.split(":")[2].split("/")[0])
    body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "slow " * 40}]}).encode()
    t0 = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode())
        reply = b""
        for i in range(len(body)):   # one byte every 0.1 s: the whole body would take over 20 s
            try:
                sock.sendall(body[i:i + 1])
            except OSError:          # the guard closed the connection after answering
                break
            sock.settimeout(0.1)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            reply += chunk
            break                    # the guard has answered: stop sending
        sock.settimeout(5)
        while chunk := sock.recv(65536):
            reply += chunk
        elapsed = time.perf_counter() - t0
        dropped = None
        for _ in range(40):          # the guard lets go of the socket soon after, not after aiohttp's 10 s linger
            time.sleep(0.1)
            try:
                sock.sendall(b" ")
            except OSError:
                dropped = time.perf_counter() - t0
                break
        assert dropped is not None and dropped < elapsed + 3, (elapsed, dropped)
    assert elapsed < 5, elapsed
    head, _, payload = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408") and b"connection: close" in head.lower()
    error = json.loads(payload)["error"]
    assert error["code"] == "body_timeout" and "1 s" in error["message"]
    [row] = journal.logs()
    assert row["decision"] == "error" and row["status"] == 408 and row["reason"] == "body_timeout"
    assert fake_openai.stats()["bodies"] == []   # nothing reached the upstream
    assert chat(url, "a prompt client").json()["choices"][0]["message"]["content"] == "a prompt client"


def test_body_timeout_option_reaches_the_guard_and_rejects_nonsense(capsys: pytest.CaptureFixture[str],
                                                                    store: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--store", str(store), "guard", "serve", "--upstream", "openai-api/fake/m", "--body-timeout", "soon"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--body-timeout" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
