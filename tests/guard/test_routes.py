"""Per-route policies: a route picks upstream, filters, stream mode and hold by the requested model (and key)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from emaudit.cli import main
from emaudit.testing.fake_openai import FakeConfig, FakeOpenAI, Rule

from .conftest import chat, stream_text

ROUTES = """
    version: routed
    output: [{use: keywords, words: [offshore], name: money, action: flag}]
    keys:
      strict-bot: {output: [{use: keywords, words: [offshore], name: money-strict, action: block}]}
    routes:
      - name: small
        model: [small, "small-*"]
        upstream: openai-api/fake/small-v2
        stream: window
        window_chars: 10
        output: [{use: keywords, words: [offshore], name: money-small, action: hold}]
        hold: {timeout_s: 0.5, fallback: release}
      - name: other-server
        model: big
        upstream: {second}
        upstream_model: big-v9
        upstream_key_env: SECOND_TEST_KEY
        output: [{use: keywords, words: [offshore], name: money-big, action: block}]
"""


@pytest.fixture
def second(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Another upstream server, reached by base URL, that needs its own key."""
    with FakeOpenAI(FakeConfig(api_key="second-secret")) as server:
        monkeypatch.setenv("SECOND_TEST_KEY", "second-secret")
        server.config.rules = [Rule("money", answer="an offshore account")]
        yield server


def test_routes_pick_upstream_filters_and_stream_and_log_which_decided(guard: Any, fake_openai: Any, second: Any,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    fake_openai.config.rules = [Rule("money", answer="an offshore account for you")]
    url, journal = guard(ROUTES.replace("{second}", second.base_url))

    r = chat(url, "money please", model="anything")       # no route: the defaults and --upstream
    assert r.status_code == 200 and r.headers["X-Guard-Decision"] == "flag" and r.json()["model"] == "m"

    r = chat(url, "money please", model="small-7")        # route small (glob): its upstream, its hold
    assert r.headers["X-Guard-Decision"] == "hold-released" and r.json()["model"] == "small-v2"

    r = chat(url, "money please", model="big")            # route other-server: another base URL and key
    assert r.json()["guard"]["reason"] == "keyword:money-big" and second.stats()["chat_requests"] == 1
    assert second.stats()["model_requests"] == {"big-v9": 1}

    r = chat(url, "hello", model="small", stream=True)  # the route's stream mode
    assert r.headers["X-Guard-Stream-Mode"] == "window" and stream_text(r.text)[0]

    rows = journal.logs()
    assert [(x["route"], x["model"], x["decision"]) for x in rows] == [
        (None, "m", "flag"), ("small", "small-v2", "hold"), ("other-server", "big-v9", "block"),
        ("small", "small-v2", "allow")]
    assert all(x["policy_version"].startswith("routed@") for x in rows)
    assert "second-secret" not in Path(journal.path).read_bytes().decode(errors="replace")
    assert main(["--store", str(journal.path), "guard", "logs", "--flagged"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert [line.rsplit("\t", 1)[1] for line in shown] == ["route -", "route small", "route other-server"]


def test_a_key_override_beats_the_route(guard: Any, fake_openai: Any, store: Path,
                                        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECOND_TEST_KEY", "unused")
    fake_openai.config.rules = [Rule("money", answer="an offshore account for you")]
    assert main(["--store", str(store), "guard", "keys", "add", "strict-bot"]) == 0
    key = capsys.readouterr().out.strip()
    url, journal = guard(ROUTES.replace("{second}", "http://127.0.0.1:9/v1"))
    r = chat(url, "money please", model="small", key=key)   # the key's output filters, the route's upstream
    assert r.json()["guard"]["reason"] == "keyword:money-strict" and r.json()["model"] == "small-v2"
    assert journal.logs()[-1]["route"] == "small"


def test_models_lists_the_routes_public_names(guard: Any, fake_openai: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECOND_TEST_KEY", "unused")
    url, _ = guard(ROUTES.replace("{second}", "http://127.0.0.1:9/v1"))
    names = [m["id"] for m in httpx.get(url + "/models").json()["data"]]
    assert names == ["m", "small", "big"]          # globs are not names


def test_without_a_default_upstream_unrouted_models_get_404(guard: Any, fake_openai: Any) -> None:
    url, journal = guard("""
        routes:
          - {name: only, model: m1, upstream: openai-api/fake/m1}
    """, upstream=None)
    assert chat(url, "hi", model="m1").json()["model"] == "m1"
    r = chat(url, "hi", model="m2")
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found"
    assert [m["id"] for m in httpx.get(url + "/models").json()["data"]] == ["m1"]
    assert [(x["route"], x["status"]) for x in journal.logs()] == [("only", 200), (None, 404)]


def test_serve_without_upstream_names_the_route_that_lacks_one(tmp_path: Path, fake_openai: Any,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "routes.yaml"
    p.write_text("routes:\n  - {name: a, model: x, upstream: openai-api/fake/x}\n  - {name: b, model: y}\n")
    assert main(["--store", str(tmp_path / "s.db"), "guard", "serve", "--policy", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"emaudit: error: {p}:3: routes.1.upstream: route 'b' names no upstream and the guard has none "
                   "(--upstream)")
    assert main(["--store", str(tmp_path / "s.db"), "guard", "serve"]) == 2
    assert "needs --upstream" in capsys.readouterr().err


def test_replay_honours_routes(guard: Any, fake_openai: Any, store: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    fake_openai.config.rules = [Rule("money", answer="an offshore account for you")]
    url, _ = guard("version: v1\n")
    for model in ("small", "anything"):
        assert chat(url, "money please", model=model).status_code == 200
    v2 = tmp_path / "v2.yaml"
    v2.write_text(textwrap.dedent("""
        version: v2
        routes:
          - name: small
            model: small
            output: [{use: keywords, words: [offshore], action: block}]
    """))
    assert main(["--store", str(store), "guard", "replay", "--since", "1h", "--policy", str(v2)]) == 0
    out = capsys.readouterr().out
    assert "2 logged exchanges" in out and "1 decision changes" in out and "  allow -> block: 1" in out
    changed = [line for line in out.splitlines() if "\tblock\t" in line]
    assert len(changed) == 1 and "\t- -> small\t" in changed[0] and "keyword:keywords" in changed[0]


@pytest.mark.parametrize(("route", "line", "field", "words"), [
    ("upstream: openai-api/nosvc/m", 3, "routes.0.upstream", "NOSVC_BASE_URL is not set"),
    ("upstream: http://127.0.0.1:9/v1\n    upstream_key_env: WALK_UNSET_KEY", 4, "routes.0.upstream_key_env",
     "WALK_UNSET_KEY is not set"),
])
def test_serve_names_the_line_of_a_route_upstream_it_cannot_resolve(
        route: str, line: int, field: str, words: str, tmp_path: Path, fake_openai: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "routes.yaml"
    p.write_text(f"routes:\n  - name: a\n    {route}\n    model: x\n")
    store = tmp_path / "s.db"
    assert main(["--store", str(store), "guard", "serve", "--upstream", "openai-api/fake/m", "--policy", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"emaudit: error: {p}:{line}: {field}: ") and words in err and "\n" not in err
