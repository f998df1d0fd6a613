"""One model on several servers (--endpoints) and LoRA adapters on one server, against real test servers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from emaudit.cli import main
from emaudit.store import Store
from emaudit.testing.fake_openai import FakeConfig, FakeOpenAI

SUITE = """name: tiny
questions:
  - id: wish
    paraphrases: ["one two three four five"]
  - id: ruler
    paraphrases: ["six seven eight nine ten"]
"""


@pytest.fixture
def suite(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(SUITE)
    return str(path)


def _server(monkeypatch, service: str, port: int = 0, **settings) -> FakeOpenAI:
    config = FakeConfig(**{"retry_after": 0.05, "served_models": ["m"], **settings})
    server = FakeOpenAI(config, port=port).start()
    monkeypatch.setenv(f"{service.upper()}_BASE_URL", server.base_url)
    return server


@pytest.fixture
def servers(monkeypatch):
    """Two servers, services ``a`` and ``b``, each computing 2 requests at once."""
    started = [_server(monkeypatch, name, slots=2, latency=0.03) for name in ("a", "b")]
    yield started
    for server in started:
        server.stop()


def _generate(db, suite, *extra, samples=20):
    return main(["--store", str(db), "generate", "--model", "openai-api/a/m", "--suite", suite, "--run", "g",
                 "--samples", str(samples), "--no-progress", "--retries", "3",
                 "--endpoints", "openai-api/a/m,openai-api/b/m", *extra])


def _answers(db):
    store = Store.open(str(db), create=False)
    run = store.get_run("g")
    return store, run, store.answers(run)


def _kill_after(server: FakeOpenAI, answered: int) -> threading.Thread:
    def watch() -> None:
        while server.statuses[200] < answered:
            time.sleep(0.005)
        server.stop()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_requests_are_spread_over_both_servers_and_stored_under_one_model(servers, tmp_path, suite, capsys):
    a, b = servers
    assert _generate(tmp_path / "s.db", suite) == 0
    store, run, answers = _answers(tmp_path / "s.db")
    assert len(answers) == 40 and {x.item.model_spec for x in answers} == {"openai-api/a/m"}
    served = {a.base_url: a.statuses[200], b.base_url: b.statuses[200]}
    assert sum(served.values()) == 40 and min(served.values()) >= 12  # least-loaded: both kept busy
    assert a.max_in_flight <= 2 and b.max_in_flight <= 2  # each held at its own slot count
    assert store.answers_by_endpoint(run) == served  # one row per answer, saved with it
    assert set(store.answered_by(run)) == {x.key for x in answers}
    assert "answers by endpoint" in capsys.readouterr().err
    assert main(["--store", str(tmp_path / "s.db"), "runs", "show", "g"]) == 0
    assert f"{a.base_url}: {served[a.base_url]} answers" in capsys.readouterr().out
    assert main(["--store", str(tmp_path / "s.db"), "runs", "show", "g", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answers_by_endpoint"] == served
    # The same items are answered already, without --endpoints too: the key is the model's name.
    assert main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/a/m", "--suite", suite,
                 "--run", "g", "--samples", "20", "--no-progress"]) == 0
    assert a.statuses[200] + b.statuses[200] == 40


def test_a_server_killed_mid_run_the_others_finish_no_item_twice_none_lost(servers, tmp_path, suite, capsys):
    a, b = servers
    killer = _kill_after(a, 5)
    assert _generate(tmp_path / "s.db", suite, samples=30) == 0
    killer.join(5)
    err = capsys.readouterr().err
    assert "dropped from openai-api/a/m" in err
    store, run, answers = _answers(tmp_path / "s.db")
    assert len(answers) == 60 and len({x.key for x in answers}) == 60
    recorded = store.answers_by_endpoint(run)
    assert recorded[b.base_url] == b.statuses[200]  # every answer b gave was kept, none asked twice
    assert recorded.get(a.base_url, 0) <= a.statuses[200]
    assert recorded[b.base_url] + recorded.get(a.base_url, 0) == 60


def test_a_dead_server_is_probed_and_used_again_once_it_answers(monkeypatch, tmp_path, suite, capsys):
    a = _server(monkeypatch, "a", slots=2, latency=0.03)
    b = _server(monkeypatch, "b", slots=2, latency=0.03)
    port = a.port
    a.stop()  # down when the run starts: a note, and the run goes on with b
    revived: list[FakeOpenAI] = []

    def restart() -> None:  # once the run is under way on b alone
        while b.statuses[200] < 10:
            time.sleep(0.005)
        revived.append(FakeOpenAI(FakeConfig(served_models=["m"], slots=2, latency=0.03), port=port).start())

    thread = threading.Thread(target=restart, daemon=True)
    thread.start()
    try:
        assert _generate(tmp_path / "s.db", suite, samples=60) == 0
        thread.join(5)
        err = capsys.readouterr().err
        assert "cannot reach" in err and "); starting with the other endpoints" in err
        assert "answers again" in err
        _, _, answers = _answers(tmp_path / "s.db")
        assert len(answers) == 120
        assert revived and revived[0].statuses[200] > 0
        assert revived[0].statuses[200] + b.statuses[200] == 120
    finally:
        b.stop()
        for server in revived:
            server.stop()


def test_all_servers_down_stops_with_one_line_and_keeps_what_was_answered(servers, tmp_path, suite, capsys):
    a, b = servers
    ports = [a.port, b.port]
    for server in servers:
        _kill_after(server, 4)
    rc = _generate(tmp_path / "s.db", suite, "--endpoints-wait", "0.5", samples=40)
    assert rc == 2
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if x.startswith("emaudit: error:"))
    assert "all 2 endpoints of openai-api/a/m are down" in line and "Traceback" not in err
    _, _, answers = _answers(tmp_path / "s.db")
    saved = {x.key for x in answers}
    assert 0 < len(saved) < 80
    # Back up: the same command finishes what is left and asks nothing twice.
    again = [FakeOpenAI(FakeConfig(served_models=["m"], slots=2), port=p).start() for p in ports]
    try:
        assert _generate(tmp_path / "s.db", suite, samples=40) == 0
        _, _, answers = _answers(tmp_path / "s.db")
        assert len(answers) == 80 and saved <= {x.key for x in answers}
        assert sum(s.statuses[200] for s in again) == 80 - len(saved)
    finally:
        for server in again:
            server.stop()


def test_a_server_failing_with_5xx_is_dropped_and_the_run_completes(monkeypatch, tmp_path, suite, capsys):
    a = _server(monkeypatch, "a", fail_500=1.0)
    b = _server(monkeypatch, "b", latency=0.01)
    try:
        assert _generate(tmp_path / "s.db", suite, "--max-connections", "4", "--n-per-request", "1") == 0
        assert "3 failures in a row" in capsys.readouterr().err
        store, run, answers = _answers(tmp_path / "s.db")
        assert len(answers) == 40 and store.answers_by_endpoint(run) == {b.base_url: 40}
    finally:
        a.stop()
        b.stop()


def test_endpoints_serving_another_model_name_are_refused_in_one_line(servers, tmp_path, suite, capsys):
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/a/m", "--suite", suite,
               "--run", "g", "--endpoints", "openai-api/a/m,openai-api/b/other", "--no-progress"])
    assert rc == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["emaudit: error: --endpoints: openai-api/a/m, openai-api/b/other serve different models "
                   "(m, other); the endpoints of one model must serve the same model name"]
    servers[1].config.update({"served_models": ["not-m"], "advertise_slots": False})  # a vLLM-like listing
    assert _generate(tmp_path / "s2.db", suite) == 2
    err = capsys.readouterr().err
    assert f"model 'm' is not served at {servers[1].base_url}" in err
    assert servers[0].chat_requests == servers[1].chat_requests == 0


def test_endpoints_that_name_no_model_of_the_command_are_an_error(servers, tmp_path, suite, capsys):
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/a/other", "--suite", suite,
               "--run", "g", "--endpoints", "openai-api/a/m,openai-api/b/m", "--no-progress"])
    assert rc == 2
    assert "none of openai-api/a/m, openai-api/b/m is a model of this command" in capsys.readouterr().err
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/a/m", "--suite", suite,
               "--run", "g", "--endpoints", "openai-api/a/m", "--no-progress"])
    assert rc == 2
    assert "names one endpoint" in capsys.readouterr().err
    for other, words in [("openai-api/walknosvc/m", "WALKNOSVC_BASE_URL is not set"),
                         ("http://127.0.0.1:9/v1", "unknown model prefix")]:
        rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/a/m", "--suite", suite,
                   "--run", "g", "--endpoints", f"openai-api/a/m,{other}", "--no-progress"])
        assert rc == 2
        [line] = capsys.readouterr().err.strip().splitlines()
        assert line.startswith(f"emaudit: error: --endpoints: {other}: ") and words in line


def test_audit_spreads_base_candidate_and_judge_over_endpoints(servers, tmp_path, suite, capsys):
    a, b = servers
    for server in servers:
        server.config.served_models = ["base", "cand", "judge"]
    rc = main(["--store", str(tmp_path / "s.db"), "audit", "--base", "openai-api/a/base",
               "--candidate", "openai-api/a/cand", "--judge", "openai-api/a/judge", "--suite", suite,
               "--run", "au", "--samples", "6", "--no-progress", "--no-judge-selftest",
               "--endpoints", "openai-api/a/base,openai-api/b/base",
               "--endpoints", "openai-api/a/cand,openai-api/b/cand",
               "--endpoints", "openai-api/a/judge,openai-api/b/judge"])
    assert rc in (0, 1)
    for server in servers:
        assert min(server.model_requests[m] for m in ("base", "cand", "judge")) > 0
    store = Store.open(str(tmp_path / "s.db"), create=False)
    run = store.get_run("au")
    assert len(store.answers(run)) == 24
    assert len(store.judgements(run)) == 48 and len({j.judge_id for j in store.judgements(run)}) == 1


def test_rescore_spreads_the_judge_and_keeps_its_id(servers, tmp_path, suite, capsys):
    a, b = servers
    db = str(tmp_path / "s.db")
    assert main(["--store", db, "generate", "--model", "mock/echo", "--suite", suite, "--samples", "4",
                 "--run", "g", "--no-progress"]) == 0
    rc = main(["--store", db, "rescore", "g", "--judge", "openai-api/b/m", "--no-progress", "--no-judge-selftest",
               "--endpoints", "openai-api/a/m,openai-api/b/m"])
    assert rc in (0, 2)  # one model only: rates, no verdict
    assert a.statuses[200] > 0 and b.statuses[200] > 0 and a.statuses[200] + b.statuses[200] == 16
    store = Store.open(db, create=False)
    ids = {j.judge_id for j in store.judgements(store.get_run("g"))}
    [registered] = [row for row in store.db.execute("SELECT spec_json FROM judges")]
    assert len(ids) == 1 and "openai-api/b/m" in registered[0]


def test_adapters_of_one_base_on_one_server_are_asked_by_their_names(monkeypatch, tmp_path, suite, capsys):
    server = _server(monkeypatch, "svc", strict_models=True)
    server.config.served_models = ["base"]
    server.config.adapters = {"ad1": "base", "ad2": "base", "other": "elsewhere"}
    try:
        rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/svc/base:ad1",
                   "--model", "openai-api/svc/base:ad2", "--suite", suite, "--run", "g", "--samples", "3",
                   "--no-progress"])
        assert rc == 0
        assert server.model_requests == {"ad1": 2, "ad2": 2}  # one request of 3 choices per question
        store = Store.open(str(tmp_path / "s.db"), create=False)
        specs = {x.item.model_spec for x in store.answers(store.get_run("g"))}
        assert specs == {"openai-api/svc/base:ad1", "openai-api/svc/base:ad2"}
        assert store.answered_by(store.get_run("g")) == {}  # one server, no pool: no endpoint rows
        for name, says in (("base:ad3", "adapter 'ad3' of 'base' is not served at"),
                           ("base:other", "'other' at " + server.base_url + " is an adapter of 'elsewhere'")):
            rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", f"openai-api/svc/{name}",
                       "--suite", suite, "--run", name, "--no-progress"])
            assert rc == 2
            assert says in capsys.readouterr().err
        assert sum(server.model_requests.values()) == 4
    finally:
        server.stop()


def test_a_name_with_a_colon_the_server_lists_is_a_model_not_an_adapter(monkeypatch, tmp_path, suite):
    server = _server(monkeypatch, "ollama", strict_models=True)
    server.config.served_models = ["llama3:8b"]
    try:
        assert main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/ollama/llama3:8b",
                     "--suite", suite, "--run", "g", "--samples", "1", "--no-progress"]) == 0
        assert server.model_requests == {"llama3:8b": 2}
    finally:
        server.stop()


def test_no_endpoint_answering_before_the_run_is_one_line_and_writes_nothing(servers, tmp_path, suite, capsys):
    for server in servers:
        server.stop()
    assert _generate(tmp_path / "s.db", suite) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("emaudit: error: --endpoints: no endpoint of m answers: cannot reach")
    store = Store.open(str(tmp_path / "s.db"))
    assert store.find_run("g") is None


def test_a_dry_run_reaches_every_endpoint_and_sends_nothing(servers, tmp_path, suite, capsys):
    assert _generate(tmp_path / "s.db", suite, "--dry-run") == 0
    assert "dry run: nothing was written" in capsys.readouterr().out
    assert all(s.requests >= 1 and s.chat_requests == 0 for s in servers)  # GET /v1/models on each


def test_a_monitor_check_spreads_the_live_model_over_endpoints(servers, tmp_path, capsys):
    a, b = servers
    for server in servers:
        server.config.served_models = ["prod"]
    (tmp_path / "judge.yaml").write_text("default: ['90']\n")
    (tmp_path / "base.yaml").write_text("default:\n  - I would spend the afternoon reading.\n")
    db, judge = str(tmp_path / "s.db"), f"mock/file:{tmp_path / 'judge.yaml'}"
    fast = ["--retries", "0", "--timeout", "5", "--no-progress"]
    assert main(["--store", db, "audit", "--base", f"mock/file:{tmp_path / 'base.yaml'}", "--candidate",
                 "openai-api/a/prod", "--judge", judge, "--suite", "core", "--samples", "2", "--run", "baseline",
                 *fast]) == 0
    assert b.chat_requests == 0
    assert main(["--store", db, "monitor", "add", "prod", "--model", "openai-api/a/prod", "--baseline", "baseline",
                 "--every", "6h", "--judge", judge]) == 0
    assert main(["--store", db, "monitor", "run", "--force", *fast,
                 "--endpoints", "openai-api/a/prod,openai-api/b/prod"]) == 0
    assert b.statuses[200] > 0  # the check's answers came from both servers
    assert "answers by endpoint" in capsys.readouterr().err


def test_each_endpoint_backs_off_on_its_own_429s(monkeypatch):
    import asyncio

    from emaudit.engine import Job, Scheduler
    from emaudit.models import ChatRequest
    from emaudit.models.pool import build_model

    a = _server(monkeypatch, "a", fail_429=0.5, retry_after=None, latency=0.02)
    b = _server(monkeypatch, "b", latency=0.02)
    try:
        model = build_model("openai-api/a/m", [("openai-api/a/m", "openai-api/b/m")])
        jobs = [Job(f"k{i}", ChatRequest.from_messages([{"role": "user", "content": f"q {i}"}])) for i in range(200)]
        done: dict[str, str] = {}
        scheduler = Scheduler(max_retries=20, backoff_base_s=0.01, backoff_max_s=0.05)

        async def go() -> None:
            try:
                await scheduler.run(model, jobs, lambda j, r: done.__setitem__(j.key, r.endpoint),
                                    lambda j, e: pytest.fail(str(e)))
            finally:
                await model.aclose()

        asyncio.run(go())
        assert len(done) == 200
        assert scheduler.limits[a.base_url].cuts > 0 and scheduler.limits[b.base_url].cuts == 0
        assert scheduler.limits[a.base_url].limit < scheduler.limits[b.base_url].limit
        assert sum(1 for e in done.values() if e == b.base_url) > 100  # the healthy server took the most
    finally:
        a.stop()
        b.stop()


def test_an_audit_of_several_adapters_of_one_base_on_one_server(monkeypatch, tmp_path, suite):
    server = _server(monkeypatch, "svc", strict_models=True)
    server.config.update({"served_models": ["base", "judge"], "adapters": {"ad1": "base", "ad2": "base"}})
    try:
        rc = main(["--store", str(tmp_path / "s.db"), "audit", "--base", "openai-api/svc/base",
                   "--candidate", "openai-api/svc/base:ad1", "--candidate", "openai-api/svc/base:ad2",
                   "--judge", "openai-api/svc/judge", "--suite", suite, "--run", "au", "--samples", "3",
                   "--no-progress", "--no-judge-selftest"])
        assert rc in (0, 1)
        assert {m: server.model_requests[m] for m in ("base", "ad1", "ad2")} == {"base": 2, "ad1": 2, "ad2": 2}
        assert server.model_requests["judge"] == 36  # 18 answers x 2 metrics
    finally:
        server.stop()


def test_endpoints_from_an_options_file(servers, tmp_path, suite):
    a, b = servers
    config = tmp_path / "opts.yaml"
    config.write_text("model: [openai-api/a/m]\nendpoints:\n  - [openai-api/a/m, openai-api/b/m]\nsamples: 10\n")
    assert main(["--store", str(tmp_path / "s.db"), "generate", "--config", str(config), "--suite", suite,
                 "--run", "g", "--no-progress"]) == 0
    assert a.statuses[200] > 0 and b.statuses[200] > 0 and a.statuses[200] + b.statuses[200] == 20


def test_a_server_that_times_out_is_dropped_and_the_run_completes(monkeypatch, tmp_path, suite, capsys):
    a = _server(monkeypatch, "a", fault="timeout", fault_sleep=5.0)
    b = _server(monkeypatch, "b", latency=0.01)
    try:
        assert _generate(tmp_path / "s.db", suite, "--timeout", "0.4", "--n-per-request", "1", samples=4) == 0
        err = capsys.readouterr().err
        assert "3 failures in a row" in err and "no answer within 0.4 s" in err
        store, run, answers = _answers(tmp_path / "s.db")
        assert len(answers) == 8 and store.answers_by_endpoint(run) == {b.base_url: 8}
    finally:
        a.stop()
        b.stop()


def test_a_spec_in_two_groups_or_a_server_named_twice_is_refused(servers, tmp_path, suite, capsys, monkeypatch):
    rc = _generate(tmp_path / "s.db", suite, "--endpoints", "openai-api/b/m,openai-api/a/m")
    assert rc == 2 and "openai-api/b/m is named twice" in capsys.readouterr().err
    monkeypatch.setenv("C_BASE_URL", servers[0].base_url)
    rc = main(["--store", str(tmp_path / "s.db"), "generate", "--model", "openai-api/a/m", "--suite", suite,
               "--run", "g", "--endpoints", "openai-api/a/m,openai-api/c/m", "--no-progress"])
    assert rc == 2 and f"are the same server ({servers[0].base_url})" in capsys.readouterr().err


def _stored(store_url: str, table: str) -> int:
    try:
        with Store.open(store_url, create=False) as store:
            return int(store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except Exception:  # the store is not made yet
        return 0


def test_a_pass_killed_with_sigkill_keeps_who_answered_each_saved_answer(servers, tmp_path, suite, store_url):
    a, b = servers
    for server in servers:
        server.config.latency = 0.1
    cmd = [sys.executable, "-m", "emaudit.cli", "--store", store_url, "generate", "--model", "openai-api/a/m",
           "--suite", suite, "--run", "g", "--samples", "100", "--n-per-request", "1", "--no-progress",
           "--endpoints", "openai-api/a/m,openai-api/b/m"]
    proc = subprocess.Popen(cmd, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while _stored(store_url, "answers") < 20 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed; slow the servers down"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store.open(store_url, create=False) as store:
        run = store.get_run("g")
        saved = {x.key for x in store.answers(run)}
        by = store.answered_by(run)
        assert 20 <= len(saved) < 200
        assert set(by) == saved  # every answer saved before the kill says which server gave it
        counts = store.answers_by_endpoint(run)
        assert set(counts) == {a.base_url, b.base_url}
        assert counts[a.base_url] <= a.statuses[200] and counts[b.base_url] <= b.statuses[200]
        assert "endpoints" not in store.attachments(run)
