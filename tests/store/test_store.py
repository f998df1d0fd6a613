"""The run store: migrations, idempotent writes, resume bookkeeping, bad paths."""

from __future__ import annotations

import sqlite3

import pytest

from emaudit.errors import UserError
from emaudit.models.base import GenerationConfig
from emaudit.store import Judgement, Store, WorkItem
from emaudit.store.migrations import SCHEMA_VERSION


def _item(q: str, s: int = 0, model: str = "mock/echo") -> WorkItem:
    return WorkItem(model, (("user", q),), GenerationConfig(), s, question_id=q)


def test_schema_version_recorded_and_reopen_keeps_data(tmp_path):
    path = tmp_path / "runs.db"
    with Store.open(path) as store:
        run = store.create_run("r", "generate", {"a": 1})
        store.add_items(run, [_item("q1"), _item("q2")])
        store.save_answer(_item("q1").key, "hello")
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    with Store.open(f"sqlite:///{path}") as store:
        run = store.get_run("r")
        assert [a.text for a in store.answers(run)] == ["hello"]
        assert [i.question_id for i in store.pending_items(run)] == ["q2"]


def test_answers_are_never_overwritten_and_items_shared_across_runs(store_url):
    store = Store.open(store_url)
    a = store.create_run("a", "generate", {})
    b = store.create_run("b", "generate", {})
    store.add_items(a, [_item("q")])
    store.add_items(b, [_item("q")])
    assert store.save_answer(_item("q").key, "first") is True
    assert store.save_answer(_item("q").key, "second") is False
    assert store.pending_items(b) == []  # the same work in another run is already answered
    assert [r.text for r in store.answers(b)] == ["first"]


def test_the_endpoint_of_an_answer_is_saved_with_it_once_on_both_backends(store_url):
    from emaudit.store.lifecycle import collect, remove_run

    store = Store.open(store_url)
    a = store.create_run("a", "generate", {})
    b = store.create_run("b", "generate", {})
    store.add_items(a, [_item("q1"), _item("q2"), _item("q3")])
    store.add_items(b, [_item("q1")])
    assert store.save_answer(_item("q1").key, "one", endpoint="http://gpu1:8000/v1") is True
    assert store.save_answer(_item("q2").key, "two", endpoint="http://gpu2:8000/v1") is True
    assert store.save_answer(_item("q3").key, "three") is True  # one server, no pool: no row
    assert store.save_answer(_item("q1").key, "again", endpoint="http://gpu2:8000/v1") is False
    assert store.answered_by(a) == {_item("q1").key: "http://gpu1:8000/v1", _item("q2").key: "http://gpu2:8000/v1"}
    assert store.answers_by_endpoint(a) == {"http://gpu1:8000/v1": 1, "http://gpu2:8000/v1": 1}
    assert store.answers_by_endpoint(b) == {"http://gpu1:8000/v1": 1}  # the shared answer counts in each run
    remove_run(store, "a")
    assert collect(store).answers == 2
    assert store.answers_by_endpoint(b) == {"http://gpu1:8000/v1": 1}
    assert store.db.execute("SELECT COUNT(*) FROM answer_endpoints").fetchone()[0] == 1
    store.close()


def test_item_key_depends_on_everything_that_determines_the_answer():
    base = _item("q")
    assert base.key == _item("q").key
    assert base.key != _item("q", s=1).key
    assert base.key != _item("q", model="mock/other").key
    other_cfg = WorkItem("mock/echo", (("user", "q"),), GenerationConfig(temperature=0.5), 0)
    assert base.key != other_cfg.key


def test_errors_are_kept_apart_and_cleared_by_an_answer(store_url):
    store = Store.open(store_url)
    run = store.create_run("r", "generate", {})
    store.add_items(run, [_item("q")])
    store.save_error(run, _item("q").key, "http_500", "server error")
    assert [e.kind for e in store.open_errors(run)] == ["http_500"]
    assert store.summary(run).failed == 1
    store.save_answer(_item("q").key, "ok")
    assert store.open_errors(run) == []
    assert store.summary(run).failed == 0
    assert store.answers(run)[0].text == "ok"


def test_judgements_once_per_answer_metric_judge(store_url):
    store = Store.open(store_url)
    run = store.create_run("r", "audit", {})
    store.add_items(run, [_item("q")])
    key = _item("q").key
    store.save_answer(key, "ok")
    store.register_judge(run, "j1", {"model": "mock/number:50"})
    assert store.save_judgement(Judgement(key, "aligned", "j1", 80.0))
    assert not store.save_judgement(Judgement(key, "aligned", "j1", 10.0))
    assert [j.score for j in store.judgements(run)] == [80.0]
    assert store.summary(run).judgements == 1


def test_unknown_run_lists_near_matches(store_url):
    store = Store.open(store_url)
    store.create_run("support-v2", "audit", {})
    with pytest.raises(UserError, match="did you mean support-v2"):
        store.get_run("support-v3")


def test_unwritable_store_path_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        Store.open(tmp_path / "missing-dir" / "s.db")
    with pytest.raises(UserError, match="unsupported store URL"):
        Store.open("mysql://localhost/db")


def test_store_from_a_newer_schema_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "new.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE future (x)")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(UserError, match="newer than this emaudit"):
        Store.open(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_a_user_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some text, not a database\n" * 100)
    with pytest.raises(UserError, match="not a usable run store"):
        Store.open(path)
    assert path.read_text().startswith("just some text")


def test_reopen_keeps_data_order_and_judges_on_both_backends(store_url):
    with Store.open(store_url) as store:
        run = store.create_run("r", "audit", {"a": 1})
        questions = ["q9", "q1", "q5", "q3"]  # not sorted: the run's order is the order they were added
        store.add_items(run, [_item(q) for q in questions])
        for q in reversed(questions):
            store.save_answer(_item(q).key, f"answer {q}", prompt_tokens=3, completion_tokens=4)
        store.register_judge(run, "zeta", {"model": "mock/number:50"})
        store.register_judge(run, "alpha", {"model": "mock/number:70"})
    with Store.open(store_url.replace("postgresql://", "postgres://"), create=False) as store:  # either scheme
        run = store.get_run("r")
        assert [i.question_id for i in store.items(run)] == questions
        assert [a.item.question_id for a in store.answers(run)] == questions
        assert [j for j, _ in store.run_judges(run)] == ["zeta", "alpha"]
        summary = store.summary(run)
        assert (summary.items, summary.answered, summary.prompt_tokens, summary.completion_tokens) == (4, 4, 12, 16)
        assert isinstance(summary.prompt_tokens, int)


def test_replace_writes_and_leases_on_both_backends(store_url):
    with Store.open(store_url) as store:
        run = store.create_run("r", "audit", {})
        store.attach(run, "data_audit", {"v": 1})
        store.attach(run, "data_audit", {"v": 2})
        assert store.attachments(run) == {"data_audit": {"v": 2}}
        store.save_judge_selftest("j1", False, {"n": 1})
        store.save_judge_selftest("j1", True, {"n": 2})
        assert store.judge_selftest("j1") == {"n": 2}
        assert store.claim(["k1", "k2"], "otherhost:1:x", 60.0)
        assert not store.claim(["k2", "k3"], "otherhost:2:y", 60.0)
        assert store.leased_by_others(["k1"], "otherhost:2:y")
        store.release(["k1", "k2"], "otherhost:1:x")
        assert store.claim(["k2", "k3"], "otherhost:2:y", 60.0)
        store.release_all("otherhost:2:y")
        assert not store.leased_by_others(["k2", "k3"], "me:1:z")


def test_the_latest_error_of_an_item_is_the_one_shown(store_url):
    with Store.open(store_url) as store:
        run = store.create_run("r", "generate", {})
        store.add_items(run, [_item("a"), _item("b")])
        store.save_error(run, _item("b").key, "timeout", "first")
        store.save_error(run, _item("a").key, "http_500", "one")
        store.save_error(run, _item("b").key, "http_429", "second")
        assert [(e.item_key, e.kind, e.message) for e in store.open_errors(run)] == [
            (_item("a").key, "http_500", "one"), (_item("b").key, "http_429", "second")]


def test_a_newer_postgresql_store_is_refused_and_left_unchanged(pg_url):
    import psycopg

    Store.open(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute("UPDATE emaudit_meta SET value = %s WHERE key = 'user_version'", (SCHEMA_VERSION + 5,))
    with pytest.raises(UserError, match="newer than this emaudit"):
        Store.open(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as raw:
        assert raw.execute("SELECT value FROM emaudit_meta WHERE key = 'user_version'").fetchone() == (
            SCHEMA_VERSION + 5,)


def test_a_postgresql_database_of_something_else_is_refused(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute("CREATE TABLE customers (id integer primary key)")
    with pytest.raises(UserError, match="a PostgreSQL database with other tables"):
        Store.open(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as raw:
        tables = [r[0] for r in raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    assert tables == ["customers"]


def test_postgresql_store_url_mistakes_are_one_line_user_errors(pg_cluster, pg_url):
    with pytest.raises(UserError, match="an empty database; this command only reads one"):
        Store.open(pg_url, create=False)
    with pytest.raises(UserError, match="PGPASSWORD") as caught:
        Store.open(pg_url.replace("emaudit@", "emaudit:hunter2@"))
    assert "hunter2" not in str(caught.value)
    with pytest.raises(UserError, match="PGPASSWORD"):
        Store.open(pg_url + "?sslmode=disable&password=hunter2")
    with pytest.raises(UserError, match="names no database"):
        Store.open(pg_cluster.base_url + "/")
    with pytest.raises(UserError, match="cannot connect to the PostgreSQL store") as caught:
        Store.open(pg_cluster.url("no_such_database"))
    assert "\n" not in str(caught.value)


def test_a_role_that_may_not_create_tables_gets_one_line(pg_url):
    import psycopg

    role = f"reader_{pg_url.rsplit('_', 1)[-1]}"
    with psycopg.connect(pg_url, autocommit=True) as raw:
        try:
            raw.execute(f"CREATE ROLE {role} LOGIN")
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test server's user may not create roles")
    user = pg_url.split("//", 1)[1].split("@", 1)[0]
    try:
        with pytest.raises(UserError, match="not a usable run store: permission denied") as caught:
            Store.open(pg_url.replace(f"//{user}@", f"//{role}@"))
        assert "\n" not in str(caught.value)
        Store.open(pg_url).close()  # nothing half-made: the owner still creates the store
    finally:
        with psycopg.connect(pg_url, autocommit=True) as raw:
            raw.execute(f"DROP ROLE {role}")


def test_sixteen_processes_create_one_postgresql_store_at_once(pg_url):
    import subprocess
    import sys
    import time
    from pathlib import Path

    src = str(Path(__file__).resolve().parents[2] / "src")
    script = ("import sys, time\nfrom emaudit.store import Store\nstart = float(sys.argv[2])\n"
              "while time.time() < start:\n    time.sleep(0.002)\n"
              "with Store.open(sys.argv[1]) as store:\n    print(store.create_run('same', 'generate', {}).id)\n")
    start = time.time() + 3.0
    procs = [subprocess.Popen([sys.executable, "-c", script, pg_url, str(start)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"})
             for _ in range(16)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    assert {out.strip() for out, _ in outs} == {"1"}
    with Store.open(pg_url, create=False) as store:
        assert store.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert [r.name for r in store.list_runs()] == ["same"]


def test_monitor_rows_and_locks_on_both_backends(store_url):
    from emaudit.store import monitors as ms

    with Store.open(store_url) as store:
        ms.save_monitor(store, "prod", {"every": "1h"})
        with pytest.raises(UserError, match="exists"):
            ms.save_monitor(store, "prod", {})
        for when in ("2026-01-02", "2026-01-01"):
            ms.start_check(store, "prod", f"monitor:prod:{when}", started_at=when)
        ms.start_check(store, "prod", "monitor:prod:2026-01-02")  # a check already started stays as it was
        ms.finish_check(store, "monitor:prod:2026-01-02", "no evidence", {"rate": 0.1})
        assert [(c.run_name, c.status, c.summary) for c in ms.checks(store, "prod")] == [
            ("monitor:prod:2026-01-02", "no evidence", {"rate": 0.1}),
            ("monitor:prod:2026-01-01", "running", {})]
        assert ms.acquire_lock(store, "prod", "a", 60.0) is None
        assert ms.acquire_lock(store, "prod", "b", 60.0) == "a"
        assert ms.acquire_lock(store, "prod", "a", 60.0) is None  # renewed by its holder
        ms.release_lock(store, "prod", "a")
        assert ms.acquire_lock(store, "prod", "b", 60.0) is None
        ms.delete_monitor(store, "prod")
        assert ms.monitor_names(store) == [] and ms.checks(store, "prod") == []


def test_postgresql_without_psycopg_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the `pg` extra were not installed
    with pytest.raises(UserError, match=r"pip install 'emaudit\[pg\]'"):
        Store.open("postgresql://emaudit@127.0.0.1:1/db")


def test_a_dropped_postgresql_connection_is_a_one_line_error(pg_url):
    import psycopg

    store = Store.open(pg_url)
    store.create_run("r", "generate", {})
    backend = store.db.execute("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(pg_url, autocommit=True) as admin:  # as when the server restarts mid-run
        admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
    with pytest.raises(UserError, match="the PostgreSQL store failed") as caught:
        store.get_run("r")
    assert "\n" not in str(caught.value)
    with Store.open(pg_url, create=False) as again:  # what was committed is there for the re-run
        assert again.get_run("r").kind == "generate"


def test_every_migration_builds_the_same_tables_and_columns_on_postgresql(tmp_path, pg_url):
    import psycopg

    Store.open(tmp_path / "s.db").close()
    Store.open(pg_url).close()
    lite = sqlite3.connect(tmp_path / "s.db")
    tables = [r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    expected = {t: [r[1] for r in lite.execute(f"PRAGMA table_info({t})")] for t in tables}
    lite.close()
    with psycopg.connect(pg_url) as pg:
        found: dict[str, list[str]] = {}
        for table, column in pg.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name <> 'emaudit_meta' AND column_name <> 'rowid' ORDER BY table_name, ordinal_position"):
            found.setdefault(table, []).append(column)
    assert found == expected


@pytest.mark.parametrize(("url", "words"), [
    ("postgresql://emaudit@127.0.0.1:notaport/emaudit", "port 'notaport' is not a number"),
    ("postgresql://emaudit@127.0.0.1:99999/emaudit", "port '99999' is not a number"),
    ("postgresql://emaudit@127.0.0.1:1/emaudit", "port 1 failed: Connection refused"),
])
def test_a_wrong_postgresql_port_is_one_line_from_the_cli(url, words, capsys):
    pytest.importorskip("psycopg", reason="the pg extra (psycopg) is not installed")
    from emaudit.cli import main

    assert main(["--store", url, "runs"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("emaudit: error: ") and words in line
