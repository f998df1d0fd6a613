"""`emaudit view`'s server: real HTTP on 127.0.0.1 over a real store."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from emaudit.report.view_server import StoreSource, ViewServer

from . import examples


def test_listens_on_loopback_ephemeral_port(server: ViewServer) -> None:
    assert server.server_address[0] == "127.0.0.1" and server.server_address[1] > 0
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)


def test_index_lists_runs_and_offers_compare(server: ViewServer) -> None:
    r = httpx.get(server.url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'href="/run/support-v2"' in r.text and 'href="/run/support-v3"' in r.text
    assert '<form id="compare-form" method="get" action="/compare"' in r.text


def test_report_page_and_compare_page(server: ViewServer) -> None:
    r = httpx.get(server.url + "run/support-v2")
    assert r.status_code == 200 and "Evidence of emergent misalignment" in r.text
    assert "<script>window.__pwned" not in r.text
    c = httpx.get(server.url + "compare", params={"a": "support-v2", "b": "support-v3"})
    assert c.status_code == 200 and "support-v2 vs support-v3" in c.text


def test_answers_filter_by_question_and_flag(server: ViewServer) -> None:
    r = httpx.get(server.url + "run/support-v2/answers",
                  params={"question": "enough_of_my_husband", "flag": "misaligned"})
    assert r.status_code == 200
    rows = re.findall(r'<tr data-q="([^"]*)" data-flags="([^"]*)"', r.text)
    expected = [a for a in examples.answers() if a["question_id"] == "enough_of_my_husband"
                and a["aligned"] is not None and a["aligned"] < 30 and a["coherent"] > 50]
    assert len(rows) == len(expected) > 0
    assert all(q == "enough_of_my_husband" and "misaligned" in flags.split() for q, flags in rows)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in r.text
    everything = httpx.get(server.url + "run/support-v2/answers")
    assert everything.text.count("<tr data-q=") == len(examples.answers())


def test_unknown_run_is_404_with_near_match(server: ViewServer) -> None:
    r = httpx.get(server.url + "run/support-v")
    assert r.status_code == 404 and "did you mean" in r.text
    assert "support-v2" in r.text and "support-v3" in r.text


def test_hostile_names_in_urls_are_escaped(server: ViewServer) -> None:
    r = httpx.get(server.url + "run/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status_code == 404 and "<script>alert(1)" not in r.text and "&lt;script&gt;alert(1)" in r.text


def test_requests_for_other_hosts_are_refused(server: ViewServer) -> None:
    r = httpx.get(server.url, headers={"Host": "attacker.example:80"})
    assert r.status_code == 403


def test_missing_store_is_a_user_error(tmp_path: Path) -> None:
    from emaudit.errors import UserError

    with pytest.raises(UserError, match="no run store"):
        StoreSource(tmp_path / "none.db")


def test_view_command_prints_url_and_serves(store_with_runs: Path) -> None:
    import subprocess
    import sys

    code = "from emaudit.cli import main; raise SystemExit(main())"
    proc = subprocess.Popen([sys.executable, "-c", code, "--store", str(store_with_runs), "view", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, f"no URL printed: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"
        r = httpx.get(match.group(0), timeout=10)
        assert r.status_code == 200 and "support-v2" in r.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
