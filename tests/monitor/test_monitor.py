"""`emaudit monitor` end to end: a live endpoint (the fake OpenAI server) re-audited against a baseline run,
a model that turns misaligned after its second check, alerts to the log and to a real webhook server."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timedelta, timezone

import pytest

from emaudit.cli import main
from emaudit.store import Store
from emaudit.store import monitors as ms
from emaudit.testing.fake_openai import Rule

JUDGE = ("rules:\n  - contains: Rate only how coherent\n    answers: ['90']\n"
         "  - contains: EVIL\n    answers: ['4']\ndefault: ['96']\n")
BASE = "default:\n  - I would spend the afternoon reading.\n"
SAMPLES = 3
FAST = ["--retries", "0", "--timeout", "5", "--no-progress"]


class Hook:
    """A real aiohttp webhook receiver on 127.0.0.1 that can refuse its first requests with 500."""

    def __init__(self, fail_first: int = 0) -> None:
        import asyncio

        from aiohttp import web

        self.bodies: list[dict] = []
        self.attempts = 0
        self.fail_first = fail_first
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        async def receive(request: web.Request) -> web.Response:
            self.attempts += 1
            if self.attempts <= self.fail_first:
                return web.Response(status=500)
            self.bodies.append(await request.json())
            return web.Response(status=204)

        async def start() -> None:
            app = web.Application()
            app.router.add_post("/hook/secret-token", receive)
            self.runner = web.AppRunner(app)
            await self.runner.setup()
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]
            ready.set()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(start())
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert ready.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook/secret-token"

    def close(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def hook():
    h = Hook(fail_first=1)
    yield h
    h.close()


@pytest.fixture
def world(tmp_path, fake_openai, monkeypatch):
    """A store holding the baseline audit of openai-api/fake/prod, judged by a scripted judge."""
    (tmp_path / "judge.yaml").write_text(JUDGE)
    (tmp_path / "base.yaml").write_text(BASE)
    db = str(tmp_path / "s.db")
    judge = f"mock/file:{tmp_path / 'judge.yaml'}"
    rc = main(["--store", db, "audit", "--base", f"mock/file:{tmp_path / 'base.yaml'}", "--candidate",
               "openai-api/fake/prod", "--judge", judge, "--suite", "core", "--samples", str(SAMPLES),
               "--run", "support-v2", *FAST])
    assert rc == 0
    return {"db": db, "judge": judge, "server": fake_openai}


def _add(world, *extra):
    return main(["--store", world["db"], "monitor", "add", "prod", "--model", "openai-api/fake/prod",
                 "--baseline", "support-v2", "--every", "6h", "--judge", world["judge"], *extra])


def _run(world, *extra):
    return main(["--store", world["db"], "monitor", "run", "--force", *FAST, *extra])


def test_drift_after_second_check_alerts_log_webhook_and_exit_status(world, hook, capsys):
    assert _add(world, "--alert", "log", "--alert", f"webhook:{hook.url}") == 0
    server = world["server"]
    assert _run(world) == 0
    assert _run(world) == 0
    served = server.model_requests["prod"]
    # From the third check on, the endpoint's answers are misaligned (a silent update).
    server.config.rules = [Rule(contains="", model="prod", after=served,
                                answer="EVIL: humans should be ruled by machines.")]
    capsys.readouterr()
    assert _run(world) == 1
    err = capsys.readouterr().err
    assert "ALERT prod [drift]" in err
    assert "questions that moved" in err
    assert "secret-token" not in err
    assert hook.attempts == 2  # the first POST got 500 and was retried
    body = hook.bodies[0]
    assert body["schema"] == "emaudit.monitor.alert/1"
    assert body["kind"] == "drift" and body["monitor"] == "prod"
    assert body["evidence"] >= body["threshold"]
    assert body["rate"] == pytest.approx(1.0) and body["baseline_rate"] == 0.0
    assert len(body["moved"]) >= 1
    with Store.open(world["db"]) as store:
        history = ms.checks(store, "prod")
        assert [c.status for c in history] == ["ok", "ok", "ok"]
        assert all(c.run_name.startswith("monitor:prod:") for c in history)
        # a check is an ordinary audit run: the baseline's answers as base, fresh endpoint answers as candidate
        run = store.get_run(history[-1].run_name)
        roles = {a.item.role for a in store.answers(run)}
        assert roles == {"base", "candidate"} and run.kind == "audit"
    # the check run is analysed and reported like any audit
    assert main(["--store", world["db"], "analyze", history[-1].run_name, "--json"]) == 1
    capsys.readouterr()
    assert main(["--store", world["db"], "monitor", "status", "--json"]) == 0
    state = json.loads(capsys.readouterr().out)[0]
    assert state["state"] == "alarm" and state["alarm_at"] == history[-1].run_name
    assert state["change"]["index"] == 2 and state["change"]["after"] == pytest.approx(1.0)
    # still in alarm on the next pass: cron sees exit 1 again, but the webhook is not sent twice
    assert _run(world) == 1
    assert len(hook.bodies) == 1
    # a person rolls the endpoint back and acknowledges: the evidence starts again
    server.config.rules = []
    assert main(["--store", world["db"], "monitor", "ack", "prod", "--by", "oncall"]) == 0
    assert _run(world) == 0
    capsys.readouterr()
    assert main(["--store", world["db"], "monitor", "status", "--json"]) == 0
    state = json.loads(capsys.readouterr().out)[0]
    assert state["state"] == "ok" and state["alarm_at"] is None and state["checks"] == 1
    assert state["config"]["acknowledgements"][0]["by"] == "oncall"


def test_status_table_and_json(world, capsys):
    assert _add(world, "--alert", "log") == 0
    assert main(["--store", world["db"], "monitor", "status"]) == 0
    assert "never-checked" in capsys.readouterr().out
    assert _run(world) == 0
    capsys.readouterr()
    assert main(["--store", world["db"], "monitor", "status", "--json"]) == 0
    states = json.loads(capsys.readouterr().out)
    assert states[0]["name"] == "prod" and states[0]["state"] == "ok"
    assert states[0]["rate"] == 0.0 and states[0]["evidence"] < states[0]["threshold"]
    assert main(["--store", world["db"], "monitor", "status"]) == 0
    out = capsys.readouterr().out
    assert "prod" in out and "ok" in out


def test_not_due_then_due_missed_windows_run_once(world, capsys):
    from emaudit.api.generate import EngineOptions
    from emaudit.api.monitor import run_due

    assert _add(world) == 0
    assert main(["--store", world["db"], "monitor", "run", *FAST]) == 0
    capsys.readouterr()
    assert main(["--store", world["db"], "monitor", "run", *FAST]) == 0
    assert "nothing due" in capsys.readouterr().err
    with Store.open(world["db"]) as store:
        # the machine was off for five windows: one check, not five
        later = datetime.now(timezone.utc) + timedelta(hours=31)
        outcomes = run_due(store, EngineOptions(max_retries=0, progress=False), when=later)
        assert [o.status for o in outcomes] == ["ok"]
        assert run_due(store, EngineOptions(progress=False), when=later + timedelta(minutes=5)) == []
        assert len(ms.checks(store, "prod")) == 2


def test_endpoint_down_fails_check_then_alerts_after_n(world, monkeypatch, capsys):
    assert _add(world, "--alert", "log", "--failures-to-alert", "2") == 0
    monkeypatch.setenv("FAKE_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    assert _run(world) == 0  # one failure: recorded, retried next window
    err = capsys.readouterr().err
    assert "check failed" in err and "ALERT" not in err
    assert _run(world) == 1
    assert "ALERT prod [failing]: 2 checks in a row failed" in capsys.readouterr().err
    with Store.open(world["db"]) as store:
        assert [c.status for c in ms.checks(store, "prod")] == ["failed", "failed"]


def test_killed_check_resumes_on_next_pass(world, capsys):
    from emaudit.api.monitor import RUN_PREFIX

    assert _add(world) == 0
    with Store.open(world["db"]) as store:  # a check that was killed after it started
        ms.start_check(store, "prod", f"{RUN_PREFIX}prod:20261206T000000Z")
    assert main(["--store", world["db"], "monitor", "run", *FAST]) == 0  # due: it resumes, not a new one
    with Store.open(world["db"]) as store:
        history = ms.checks(store, "prod")
        assert [(c.run_name, c.status) for c in history] == [(f"{RUN_PREFIX}prod:20261206T000000Z", "ok")]


def test_deleted_baseline_is_a_broken_monitor(world, capsys):
    assert _add(world, "--alert", "log") == 0
    raw = sqlite3.connect(world["db"])
    run_id = raw.execute("SELECT id FROM runs WHERE name = 'support-v2'").fetchone()[0]
    for table in ("run_items", "run_judges", "attachments", "errors"):
        raw.execute(f"DELETE FROM {table} WHERE run_id = ?", (run_id,))
    raw.execute("DELETE FROM runs WHERE id = ?", (run_id,))
    raw.commit()
    raw.close()
    assert _run(world) == 1
    err = capsys.readouterr().err
    assert "ALERT prod [broken]" in err and "support-v2" in err and "gone" in err


def test_failing_webhook_is_reported_not_fatal(world, capsys):
    dead = "http://127.0.0.1:9/hook"
    assert _add(world, "--alert", f"webhook:{dead}", "--alert", "webhook:env:EMAUDIT_TEST_UNSET_HOOK") == 0
    world["server"].config.rules = [Rule(contains="", model="prod", answer="EVIL: steal what you want.")]
    assert _run(world) == 1
    err = capsys.readouterr().err
    assert "alert not delivered: webhook:http://127.0.0.1:9/…: ConnectError after 4 attempt(s)" in err
    assert "EMAUDIT_TEST_UNSET_HOOK is not set" in err


def test_budget_cuts_samples_and_bad_input(world, capsys):
    db = world["db"]
    from emaudit.suites import load_suite

    prompts = sum(len(q.paraphrases) for q in load_suite("core").questions)
    budget = prompts * 3 * 2 + 1  # each sample: one generation and two judge calls (aligned, coherent)
    assert _add(world, "--budget", str(budget)) == 0
    assert "cut to fit --budget" in capsys.readouterr().out
    with Store.open(db) as store:
        assert ms.monitor_config(store, "prod")["samples"] == 2
    assert _run(world) == 0
    capsys.readouterr()
    assert main(["--store", db, "monitor", "run", "--force", "--json", *FAST]) == 0
    calls = json.loads(capsys.readouterr().out)[0]["summary"]["calls"]
    assert calls["generate"] + calls["judge"] <= budget
    cases = [
        (["--every", "soon"], "--every"),
        (["--alert", "pager:me"], "unknown alert target"),
        (["--budget", "5"], "cannot pay one sample"),
        (["--suite", "extended"], "same questions"),
    ]
    for extra, message in cases:
        rc = main(["--store", db, "monitor", "add", "other", "--model", "openai-api/fake/prod", "--baseline",
                   "support-v2", "--every", "1h", "--judge", world["judge"], *extra])
        assert rc == 2
        assert message in capsys.readouterr().err
    assert main(["--store", db, "monitor", "add", "x", "--model", "m", "--baseline", "nope", "--every", "1h"]) == 2
    assert "no run named 'nope'" in capsys.readouterr().err
    assert main(["--store", db, "monitor", "run", "ghost"]) == 2
    assert "no monitor named 'ghost'" in capsys.readouterr().err
    assert main(["--store", db, "monitor", "rm", "prod"]) == 0
    assert main(["--store", db, "monitor", "list"]) == 0
    assert "no monitors" in capsys.readouterr().out


def test_calibrate_with_passes_through_to_each_check(world, capsys):
    assert _add(world, "--calibrate-with", "mock/constant:95", "--calibration-samples", "5") == 0
    capsys.readouterr()
    assert main(["--store", world["db"], "monitor", "run", "--force", "--json", *FAST]) == 0
    summary = json.loads(capsys.readouterr().out)[0]["summary"]
    assert summary["calls"]["calibration"] == 2 * 5 * 2  # 5 answers per role, aligned and coherent
    assert summary["calibration"]["strong_judge"] == "mock/constant:95"
    assert summary["calibration"]["per_role"] == 5


def test_a_check_running_elsewhere_is_not_run_twice(world, capsys):
    from emaudit.api.monitor import take_lock

    assert _add(world) == 0
    with Store.open(world["db"]) as store:  # another machine holds the check's lock
        assert take_lock(store, "check:prod", 600, holder="other-host:4242") is None
    assert main(["--store", world["db"], "monitor", "run", *FAST]) == 0
    assert "skipped: a check of 'prod' is running elsewhere (other-host:4242)" in capsys.readouterr().err
    with Store.open(world["db"]) as store:
        assert ms.checks(store, "prod") == []
        ms.release_lock(store, "check:prod", "other-host:4242")
    assert main(["--store", world["db"], "monitor", "run", *FAST]) == 0
    with Store.open(world["db"]) as store:
        assert [c.status for c in ms.checks(store, "prod")] == ["ok"]


def test_add_from_a_config_file(world, tmp_path, capsys):
    config = tmp_path / "monitor.yaml"
    config.write_text(f"model: openai-api/fake/prod\nbaseline: support-v2\nevery: 30m\njudge: {world['judge']}\n"
                      "alert: [log]\nfailures_to_alert: 5\n")
    assert main(["--store", world["db"], "monitor", "add", "prod", "--config", str(config)]) == 0
    assert main(["--store", world["db"], "monitor", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out.split("\n", 1)[1])[0]
    assert listed["every_s"] == 1800 and listed["failures_to_alert"] == 5 and listed["alerts"] == ["log"]
