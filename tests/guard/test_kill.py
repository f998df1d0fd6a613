"""`kill -9` of the guard loses no committed log row and no queued hold."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from emaudit.guard.journal import Journal
from emaudit.testing.fake_openai import Rule

REPO = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(store: Path, policy: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "emaudit", "--store", str(store), "guard", "serve", "--upstream",
                             "openai-api/fake/m", "--policy", str(policy), "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(proc.stderr.read().decode() if proc.stderr else "guard did not start")


def test_kill_9_loses_no_committed_row_and_no_queued_hold(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.config.rules = [Rule("hold me", answer="an offshore plan")]
    fake_openai.config.latency = 0.01
    store, policy, port = tmp_path / "runs.db", tmp_path / "p.yaml", _port()
    policy.write_text("hold: {timeout_s: 3600}\noutput: [{use: keywords, words: [offshore], action: hold}]\n")
    proc = _start(store, policy, port)
    url = f"http://127.0.0.1:{port}/v1/chat/completions"

    def ask(i: int) -> int:
        text = "hold me" if i % 10 == 0 else f"question {i}"
        try:
            r = httpx.post(url, json={"model": "m", "messages": [{"role": "user", "content": text}]}, timeout=2)
            return r.status_code
        except httpx.HTTPError:
            return 0

    with ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(ask, i) for i in range(200)]
        time.sleep(1.0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        answered = sum(f.result() == 200 for f in futures)
    journal = Journal.open(store)
    rows = journal.logs()
    allowed = [r for r in rows if r["decision"] == "allow"]
    assert len(allowed) >= answered > 0          # every answer a client got was logged first
    held = journal.holds()
    assert held and len(held) == sum(r["decision"] == "hold" for r in rows)
    proc = _start(store, policy, port)          # a new guard finds the queue as it was
    try:
        assert [h["id"] for h in Journal.open(store).holds()] == [h["id"] for h in held]
        assert httpx.post(url, json={"model": "m", "messages": [{"role": "user", "content": "again"}]}).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
