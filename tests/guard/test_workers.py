"""`guard serve --workers 2`: two processes on one port, one store: no log row lost, holds decided anywhere."""

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


def _ask(url: str, text: str) -> httpx.Response:
    with httpx.Client(timeout=30) as client:   # a new connection each time: the kernel picks the worker
        return client.post(url + "/chat/completions", json={"model": "m", "messages": [{"role": "user",
                                                                                        "content": text}]})


def test_two_workers_share_the_port_the_store_and_the_hold_queue(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.config.rules = [Rule("hold me", answer="an offshore plan")]
    store, policy, port = tmp_path / "runs.db", tmp_path / "p.yaml", _port()
    policy.write_text("hold: {timeout_s: 60}\noutput: [{use: keywords, words: [offshore], action: hold}]\n")
    proc = subprocess.Popen([sys.executable, "-m", "emaudit", "--store", str(store), "guard", "serve", "--upstream",
                             "openai-api/fake/m", "--policy", str(policy), "--port", str(port), "--workers", "2"],
                            env=dict(os.environ, PYTHONPATH=str(REPO / "src")), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        workers: set[str] = set()
        deadline = time.time() + 60
        while workers != {"0", "1"} and time.time() < deadline:   # both up, both reachable
            try:
                workers.add(httpx.get(url + "/models", timeout=2).headers["X-Guard-Worker"])
            except httpx.HTTPError:
                time.sleep(0.2)
        assert workers == {"0", "1"}, proc.stderr.read().decode() if proc.stderr and proc.poll() is not None else workers

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda i: _ask(url, f"question {i}"), range(200)))
        assert all(r.status_code == 200 for r in answers)
        served = {r.headers["X-Guard-Worker"] for r in answers}
        journal = Journal.open(store)
        assert served == {"0", "1"} and len(journal.logs()) == 200    # no row lost from either worker

        crossed = 0
        with ThreadPoolExecutor(1) as pool:
            for _ in range(12):                     # until a hold made in one worker is approved in the other
                before = len(journal.holds(state=None))
                held = pool.submit(_ask, url, "hold me")
                while len(journal.holds(state=None)) == before:
                    time.sleep(0.05)
                hold = journal.holds()[0]
                with httpx.Client(timeout=10) as client:
                    decided = client.post(f"http://127.0.0.1:{port}/guard/queue/{hold['id']}",
                                          data={"verdict": "approve", "by": "alice", "why": "checked",
                                                "sha256": hold["held_sha256"]})
                assert decided.status_code == 303 and "message" not in decided.headers["Location"]
                released = held.result(30)
                assert released.headers["X-Guard-Decision"] == "hold-released"
                assert released.json()["choices"][0]["message"]["content"] == "an offshore plan"
                if released.headers["X-Guard-Worker"] != decided.headers["X-Guard-Worker"]:
                    crossed += 1
                    break
        assert crossed == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    assert proc.returncode == 0 or proc.returncode == -signal.SIGTERM
