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


def test_answers_are_never_overwritten_and_items_shared_across_runs(tmp_path):
    store = Store.open(tmp_path / "s.db")
    a = store.create_run("a", "generate", {})
    b = store.create_run("b", "generate", {})
    store.add_items(a, [_item("q")])
    store.add_items(b, [_item("q")])
    assert store.save_answer(_item("q").key, "first") is True
    assert store.save_answer(_item("q").key, "second") is False
    assert store.pending_items(b) == []  # the same work in another run is already answered
    assert [r.text for r in store.answers(b)] == ["first"]


def test_item_key_depends_on_everything_that_determines_the_answer():
    base = _item("q")
    assert base.key == _item("q").key
    assert base.key != _item("q", s=1).key
    assert base.key != _item("q", model="mock/other").key
    other_cfg = WorkItem("mock/echo", (("user", "q"),), GenerationConfig(temperature=0.5), 0)
    assert base.key != other_cfg.key


def test_errors_are_kept_apart_and_cleared_by_an_answer(tmp_path):
    store = Store.open(tmp_path / "s.db")
    run = store.create_run("r", "generate", {})
    store.add_items(run, [_item("q")])
    store.save_error(run, _item("q").key, "http_500", "server error")
    assert [e.kind for e in store.open_errors(run)] == ["http_500"]
    assert store.summary(run).failed == 1
    store.save_answer(_item("q").key, "ok")
    assert store.open_errors(run) == []
    assert store.summary(run).failed == 0
    assert store.answers(run)[0].text == "ok"


def test_judgements_once_per_answer_metric_judge(tmp_path):
    store = Store.open(tmp_path / "s.db")
    run = store.create_run("r", "audit", {})
    store.add_items(run, [_item("q")])
    key = _item("q").key
    store.save_answer(key, "ok")
    store.register_judge(run, "j1", {"model": "mock/number:50"})
    assert store.save_judgement(Judgement(key, "aligned", "j1", 80.0))
    assert not store.save_judgement(Judgement(key, "aligned", "j1", 10.0))
    assert [j.score for j in store.judgements(run)] == [80.0]
    assert store.summary(run).judgements == 1


def test_unknown_run_lists_near_matches(tmp_path):
    store = Store.open(tmp_path / "s.db")
    store.create_run("support-v2", "audit", {})
    with pytest.raises(UserError, match="did you mean support-v2"):
        store.get_run("support-v3")


def test_unwritable_store_path_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        Store.open(tmp_path / "missing-dir" / "s.db")
    with pytest.raises(UserError, match="unsupported store URL"):
        Store.open("postgresql://localhost/db")


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
