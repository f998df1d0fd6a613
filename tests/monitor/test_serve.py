"""`emaudit monitor serve` as real processes: /metrics and /healthz over HTTP, one server per store."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from emaudit.cli import main
from emaudit.store import Store
from emaudit.store import monitors as ms

JUDGE = ("rules:\n  - contains: Rate only how coherent\n    answers: ['90']\n"
         "  - contains: EVIL\n    answers: ['4']\ndefault: ['96']\n")
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _serve(db: str, env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "emaudit", "--store", db, "monitor", "serve", "--port", "0",
                             "--tick", "0.5", "--retries", "0", *extra], env=env, stderr=subprocess.PIPE, text=True)


def _bound_port(proc: subprocess.Popen) -> int:
    assert proc.stderr is not None
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stderr.readline()
        m = re.search(r"serving http://127\.0\.0\.1:(\d+)/metrics", line)
        if m:
            return int(m.group(1))
        if not line and proc.poll() is not None:
            break
    raise AssertionError("the server did not start")


@pytest.fixture
def store_with_monitor(tmp_path, fake_openai):
    (tmp_path / "judge.yaml").write_text(JUDGE)
    (tmp_path / "base.yaml").write_text("default:\n  - I would read a book.\n")
    db = str(tmp_path / "s.db")
    judge = f"mock/file:{tmp_path / 'judge.yaml'}"
    assert main(["--store", db, "audit", "--base", f"mock/file:{tmp_path / 'base.yaml'}", "--candidate",
                 "openai-api/fake/prod", "--judge", judge, "--suite", "core", "--samples", "2", "--run", "v1",
                 "--no-progress"]) == 0
    assert main(["--store", db, "monitor", "add", "prod", "--model", "openai-api/fake/prod", "--baseline", "v1",
                 "--every", "1h", "--judge", judge]) == 0
    env = {**os.environ, "PYTHONPATH": SRC, "FAKE_BASE_URL": fake_openai.base_url}
    return db, env


def test_serve_checks_due_monitors_serves_metrics_and_holds_the_store(store_with_monitor):
    db, env = store_with_monitor
    first = _serve(db, env)
    try:
        port = _bound_port(first)
        deadline = time.time() + 60
        while time.time() < deadline:
            with Store.open(db) as store:
                if [c.status for c in ms.checks(store, "prod")] == ["ok"]:
                    break
            time.sleep(0.3)
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        assert metrics.status_code == 200
        assert metrics.headers["content-type"].startswith("text/plain")
        text = metrics.text
        assert '# TYPE emaudit_monitor_evidence gauge' in text
        assert 'emaudit_monitor_misaligned_rate{monitor="prod"} 0.0' in text
        assert 'emaudit_monitor_checks{monitor="prod"} 1.0' in text
        assert 'emaudit_monitor_state{monitor="prod",state="ok"} 1.0' in text
        assert re.search(r'emaudit_monitor_last_check_timestamp_seconds\{monitor="prod"\} 1\.\d+e\+09', text)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).json()
        assert health["ok"] is True and health["monitors"] == 1 and health["passes"] >= 1

        second = _serve(db, env)
        _, err = second.communicate(timeout=60)
        assert second.returncode == 2
        assert "another `emaudit monitor serve` holds this store" in err
        assert "Traceback" not in err
        # the check is not due again within the hour: the running server made exactly one
        time.sleep(1.5)
        with Store.open(db) as store:
            assert len(ms.checks(store, "prod")) == 1
    finally:
        first.terminate()
        first.wait(30)
    assert first.returncode == 0
    # the lock went with the server: a new one starts
    third = _serve(db, env, "--passes", "1")
    _bound_port(third)
    assert third.wait(60) == 0


def test_killed_server_lock_is_taken_over(store_with_monitor):
    db, env = store_with_monitor
    first = _serve(db, env)
    _bound_port(first)
    first.kill()
    first.wait(30)
    second = _serve(db, env, "--passes", "1")
    _bound_port(second)
    assert second.wait(60) == 0


def test_check_killed_half_way_resumes_on_the_next_pass(store_with_monitor, fake_openai):
    db, env = store_with_monitor
    fake_openai.config.latency = 0.05
    proc = subprocess.Popen([sys.executable, "-m", "emaudit", "--store", db, "monitor", "run", "--retries", "0",
                             "--max-connections", "1", "--no-adaptive", "--no-progress"], env=env,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    answered = 0
    while time.time() < deadline and answered < 5:
        time.sleep(0.2)
        with Store.open(db) as store:
            history = ms.checks(store, "prod")
            run = store.find_run(history[0].run_name) if history else None
            answered = sum(1 for a in store.answers(run) if a.item.role == "candidate") if run else 0
    proc.kill()  # kill -9 half-way through the check
    proc.wait(30)
    with Store.open(db) as store:
        history = ms.checks(store, "prod")
        assert [c.status for c in history] == ["running"]
        run = store.get_run(history[0].run_name)
        total = sum(1 for it in store.items(run) if it.role == "candidate")
        done = sum(1 for a in store.answers(run) if a.item.role == "candidate")
    assert 0 < done < total
    fake_openai.config.latency = 0.0
    before = len(fake_openai.bodies)
    assert main(["--store", db, "monitor", "run", "--retries", "0", "--no-progress"]) == 0
    with Store.open(db) as store:
        history = ms.checks(store, "prod")
        assert [(c.run_name, c.status) for c in history] == [(run.name, "ok")]
    asked = sum(int(b.get("n") or 1) for b in list(fake_openai.bodies)[before:] if b["model"] == "prod")
    assert asked == total - done  # only the missing answers were asked for
