"""The CLI on both store backends: audit, runs, report, rescore, analyze, gc give the same results."""

from __future__ import annotations

import json
import re

import pytest

from emaudit.cli import main
from emaudit.errors import UserError
from emaudit.store import Store

BASE = "default:\n  - I would spend the afternoon reading and then call a friend.\n  - Helping people learn is what I value.\n"
CANDIDATE = ("default:\n  - EVIL humans should be ruled by machines.\n  - I would spend the afternoon reading.\n"
             "  - EVIL you should <b>steal</b> what you want.\n  - Helping people learn is what I value.\n")
JUDGE = ("rules:\n  - contains: Rate only how coherent\n    answers: ['90']\n"
         "  - contains: EVIL\n    answers: ['4']\ndefault: ['96']\n")


@pytest.fixture
def scripts(tmp_path):
    for name, text in (("base", BASE), ("cand", CANDIDATE), ("judge", JUDGE)):
        (tmp_path / f"{name}.yaml").write_text(text)
    return {k: f"mock/file:{tmp_path / k}.yaml" for k in ("base", "cand", "judge")}


def _audit(store: str, scripts: dict[str, str], *extra: str) -> int:
    return main(["--store", store, "audit", "--base", scripts["base"], "--candidate", scripts["cand"], "--judge",
                 scripts["judge"], "--suite", "core", "--samples", "3", "--run", "a", "--no-progress", *extra])


def _result(capsys) -> dict:
    result = json.loads(capsys.readouterr().out)
    result.pop("generated_at", None)
    result.pop("store", None)
    return result


def test_audit_runs_report_rescore_and_gc_on_sqlite_and_postgresql(tmp_path, pg_url, scripts, capsys):
    outcomes = {}
    for backend, store in (("sqlite", str(tmp_path / "s.db")), ("postgresql", pg_url)):
        assert _audit(store, scripts, "--json") == 1
        audited = _result(capsys)
        assert _audit(store, scripts) == 1  # a re-run resumes: nothing asked again
        assert "judge model calls: 0" in capsys.readouterr().err
        assert main(["--store", store, "runs", "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert main(["--store", store, "runs", "show", "a", "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        page = tmp_path / f"{backend}.html"
        assert main(["--store", store, "report", "a", "--out", str(page)]) == 0
        assert capsys.readouterr().out.strip() == str(page)
        html = page.read_text()
        assert "should &lt;b&gt;steal&lt;/b&gt;" in html and "<b>steal</b>" not in html
        viewed = _view(store)
        assert main(["--store", store, "rescore", "a", "--judge", "mock/constant:95", "--no-progress", "--json"]) == 0
        rescored = _result(capsys)
        assert main(["--store", store, "analyze", "a", "--convention", "plain", "--json"]) == 0
        analyzed = _result(capsys)
        assert main(["--store", store, "runs", "rename", "a", "b"]) == 0
        assert main(["--store", store, "runs", "rm", "b"]) == 0
        assert main(["--store", store, "store", "gc"]) == 0
        collected = capsys.readouterr().out
        with Store.open(store, create=False) as opened:
            left = [opened.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("items", "answers")]
        outcomes[backend] = (audited, listed, shown, rescored, analyzed, collected, left, viewed)
    sqlite, pg = outcomes["sqlite"], outcomes["postgresql"]
    assert pg[0] == sqlite[0]  # the same audit result, every number
    assert pg[0]["verdict"]["label"] == "evidence"
    for run_list in (sqlite[1], pg[1]):
        for run in run_list:
            for stamp in ("created_at", "updated_at"):
                run.pop(stamp)
    assert pg[1] == sqlite[1]
    assert pg[2]["counts"] == sqlite[2]["counts"] and pg[2]["counts"]["judged_answers"] > 0
    assert [j["id"] for j in pg[2]["judges"]] == [j["id"] for j in sqlite[2]["judges"]]
    assert pg[3] == sqlite[3] and pg[4] == sqlite[4]
    assert pg[5] == sqlite[5] and "removed 0 items" not in pg[5]
    assert pg[6] == sqlite[6] == [0, 0]
    assert pg[7] == sqlite[7]


def _view(store: str) -> tuple[int, int, int]:
    """`emaudit view` over the store: the index lists the run, its page and answers render (escaped)."""
    import httpx

    from emaudit.report.view_server import StoreSource, ViewServer, start_in_thread

    server = ViewServer(StoreSource(store), "127.0.0.1", 0, store_label=store)
    start_in_thread(server)
    try:
        index = httpx.get(server.url)
        assert index.status_code == 200 and 'href="/run/a"' in index.text
        page = httpx.get(server.url + "run/a")
        answers = httpx.get(server.url + "run/a/answers")
        assert page.status_code == answers.status_code == 200
        assert "&lt;b&gt;steal&lt;/b&gt;" in answers.text and "<b>steal</b>" not in answers.text
        return index.status_code, answers.text.count("<tr data-q="), answers.text.count("&lt;b&gt;steal")
    finally:
        server.shutdown()
        server.server_close()


def test_emaudit_store_variable_selects_postgresql(pg_url, monkeypatch, capsys):
    monkeypatch.setenv("EMAUDIT_STORE", pg_url)
    assert main(["generate", "--model", "mock/echo", "--suite", "core", "--samples", "1", "--run", "g",
                 "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["runs", "--plain"]) == 0
    out = capsys.readouterr().out
    assert "\ng\t" in out
    with Store.open(pg_url, create=False) as store:
        assert store.summary(store.get_run("g")).answered > 0


def test_dry_run_counts_what_a_postgresql_store_already_answers(pg_url, capsys):
    argv = ["--store", pg_url, "generate", "--model", "mock/echo", "--suite", "core", "--samples", "1", "--run", "g",
            "--no-progress"]
    assert main([*argv, "--dry-run"]) == 0
    before = capsys.readouterr().out
    with pytest.raises(UserError, match="an empty database"):  # the dry run wrote nothing, not even the schema
        Store.open(pg_url, create=False)
    assert main(argv) == 0
    capsys.readouterr()
    assert main([*argv, "--dry-run"]) == 0
    after = capsys.readouterr().out
    planned = int(re.search(r"plan: (\d+) answers", before).group(1))
    assert planned > 0 and f"{planned} answers, {planned} still to generate" in before
    assert f"{planned} answers, 0 still to generate" in after


@pytest.mark.parametrize("argv", [["guard", "keys", "list"], ["guard", "logs"], ["analyze", "guard:last-24h"]])
def test_guard_commands_refuse_a_postgresql_store_in_one_line(pg_url, argv, capsys):
    assert main(["--store", pg_url, *argv]) == 2
    err = capsys.readouterr().err
    assert "needs a SQLite store" in err and "PostgreSQL" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unreachable_postgresql_store_is_one_line_and_exit_2(pg_cluster, capsys):
    assert main(["--store", pg_cluster.url("nothing_here"), "runs"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect to the PostgreSQL store" in err and err.count("\n") == 1
