"""Eight processes on one store at once: no error, and no request sent twice (counted by the server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import rows

WORKERS = 8
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _spawn(db: Path | str, argv: list[str], env: dict[str, str]) -> list[subprocess.Popen[str]]:
    return [subprocess.Popen([sys.executable, "-m", "emaudit", "--store", str(db), *argv], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(WORKERS)]


def _wait(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    out = []
    for p in procs:
        _, err = p.communicate(timeout=300)
        out.append((p.returncode, err))
    return out


def _env(server) -> dict[str, str]:
    return {**os.environ, "FAKE_BASE_URL": server.base_url, "PYTHONPATH": SRC}


def test_eight_workers_share_one_new_store_and_one_run(fake_openai, suite, store_url):
    fake_openai.config.latency = 0.05
    fake_openai.reset()
    db = store_url
    argv = ["generate", "--suite", str(suite), "--model", "openai-api/fake/m", "--run", "shared", "--samples", "40",
            "--n-per-request", "1", "--max-connections", "4", "--no-progress"]
    results = _wait(_spawn(db, argv, _env(fake_openai)))
    assert all(rc == 0 for rc, _ in results), [err for _, err in results]
    assert not any("Traceback" in err for _, err in results)
    assert rows(db, "SELECT COUNT(*) FROM answers") == [(120,)]
    assert rows(db, "SELECT COUNT(*) FROM errors") == [(0,)]
    assert fake_openai.chat_requests == 120  # each item asked once, whoever asked it
    assert rows(db, "SELECT COUNT(*) FROM runs") == [(1,)]
    assert rows(db, "SELECT COUNT(*) FROM leases") == [(0,)]  # every lease given back


RACE = """
import sys, time
from emaudit.store import Store
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.002)
with Store.open(sys.argv[1]) as store:
    run = store.create_run("same", "generate", {"x": 1})
print(run.id)
"""


def test_sixteen_processes_create_one_store_and_one_run_at_the_same_moment(tmp_path):
    import time

    db = tmp_path / "race.db"
    env = {**os.environ, "PYTHONPATH": SRC}
    start = str(time.time() + 3.0)
    procs = [subprocess.Popen([sys.executable, "-c", RACE, str(db), start], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(16)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert all(rc == 0 for rc, _, _ in results), [err for _, _, err in results if err][:1]
    assert {out.strip() for _, out, _ in results} == {"1"}


def test_eight_workers_judging_one_run_pay_each_judge_call_once(fake_openai, suite, store_url):
    db = store_url
    env = _env(fake_openai)
    first = subprocess.run([sys.executable, "-m", "emaudit", "--store", str(db), "audit", "--base",
                            "mock/constant:I would read.", "--candidate", "mock/constant:I would read more.",
                            "--suite", str(suite), "--samples", "10", "--run", "a", "--judge", "mock/number:90",
                            "--no-progress"], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    fake_openai.config.latency = 0.05
    fake_openai.reset()
    results = _wait(_spawn(db, ["rescore", "a", "--judge", "openai-api/fake/judge", "--no-judge-selftest", "--max-connections", "4",
                                "--no-progress", "--json"], env))
    assert all(rc in (0, 1) for rc, _ in results), [err for _, err in results]
    answers = 2 * 3 * 10
    assert fake_openai.chat_requests == answers * 2  # aligned and coherent, once each
    assert rows(db, "SELECT COUNT(*) FROM judge_errors") == [(0,)]


def test_a_lease_of_a_killed_worker_is_taken_over_at_once(fake_openai, suite, store_url):
    from emaudit.store import Store

    with Store.open(store_url) as store:
        assert store.claim(["k1", "k2"], "otherhost:1:x", 60.0)
        assert not store.claim(["k2", "k3"], "me:2:y", 60.0)  # another host's live lease holds
        dead = f"{os.uname().nodename}:999999999:z"
        assert store.claim(["k4"], dead, 60.0)
        assert store.claim(["k4"], "me:2:y", 60.0)  # the dead process's lease does not
        assert store.claim(["k5"], "otherhost:1:x", -1.0)
        assert store.claim(["k5"], "me:2:y", 60.0)  # an expired lease does not
