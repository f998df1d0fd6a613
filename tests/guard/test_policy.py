"""Policy files: validated, with errors that name file, line and field; per-key overrides."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from emaudit.errors import UserError
from emaudit.guard.policy import load_policy


def _load(tmp_path: Path, text: str) -> tuple[object, str]:
    p = tmp_path / "guard.yaml"
    p.write_text(textwrap.dedent(text))
    return load_policy(p)


@pytest.mark.parametrize(("text", "line", "field", "words"), [
    ("version: v1\nstream: sideways\n", 2, "stream", "buffer"),
    ("version: v1\noutput:\n  - use: regex\n    packs: [nope]\n", 4, "output.0.regex.packs", "unknown pack"),
    ("version: v1\ninput:\n  - use: secrets\n  - use: tools\n    action: maybe\n", 5, "input.1.tools.action",
     "allow"),
    ("version: v1\ninput:\n  - use: telepathy\n", 3, "input.0", "use"),
    ("version: v1\noutput:\n  - use: judge\n    aligned_below: 300\n", 4, "output.0.judge.aligned_below", "100"),
    ("version: v1\nkeys:\n  bot:\n    strem: window\n", 4, "keys.bot.strem", "Extra"),
    ("version: v1\noutput:\n  - use: regex\n    patterns: ['(unclosed']\n", 4, "output.0.regex.patterns",
     "does not compile"),
    ("version: v1\ninput: [\n", 3, None, "not valid YAML"),
])
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, line: int, field: str | None,
                                         words: str) -> None:
    with pytest.raises(UserError) as e:
        _load(tmp_path, text)
    assert e.value.path == str(tmp_path / "guard.yaml")
    assert e.value.line == line
    assert e.value.field == field
    assert words.lower() in str(e.value).lower()


def test_per_key_overrides_and_version_label(tmp_path: Path) -> None:
    policy, version = _load(tmp_path, """
        version: v2
        stream: window
        input: [{use: regex, packs: [prompt-injection], action: block}]
        output: [{use: secrets, action: flag}]
        keys:
          ci-bot: {output: [{use: tools, deny: [run_shell]}], stream: audit}
    """)
    assert version.startswith("v2@")
    chosen = policy.for_request("any", "ci-bot")  # type: ignore[attr-defined]
    assert [s.use for s in chosen.input] == ["regex"] and [s.use for s in chosen.output] == ["tools"]
    assert chosen.stream == "audit" and chosen.route is None
    chosen = policy.for_request("any", "other")  # type: ignore[attr-defined]
    assert [s.use for s in chosen.output] == ["secrets"] and chosen.stream == "window"


ROUTED = """
    version: r1
    stream: buffer
    hold: {timeout_s: 30, fallback: block}
    output: [{use: secrets, action: flag}]
    keys:
      ci-bot: {stream: audit}
      auditor: {output: [{use: keywords, words: [x], action: flag}]}
    routes:
      - name: mini
        model: [gpt-mini, "mini-*"]
        upstream: openai-api/fake/small
        stream: window
        window_chars: 50
        hold: {timeout_s: 5, fallback: release}
        output: [{use: regex, packs: [pii], action: block}]
      - name: bots-only
        model: "*"
        keys: [ci-bot]
        input: [{use: secrets, action: block}]
"""


def test_routes_match_by_model_and_key_with_precedence_key_route_defaults(tmp_path: Path) -> None:
    policy: Any
    policy, _ = _load(tmp_path, ROUTED)
    mini = policy.for_request("gpt-mini", "someone")
    assert mini.route == "mini" and mini.upstream == "openai-api/fake/small" and mini.stream == "window"
    assert [s.use for s in mini.output] == ["regex"] and mini.window_chars == 50
    assert (mini.hold.timeout_s, mini.hold.fallback) == (5, "release")
    assert policy.for_request("mini-2025", "someone").route == "mini"          # glob
    assert policy.for_request("gpt-minis", "someone").route is None            # exact names are exact
    # key override > route > defaults: ci-bot's stream beats the route's; its output comes from the route
    bot = policy.for_request("gpt-mini", "ci-bot")
    assert bot.route == "mini" and bot.stream == "audit" and [s.use for s in bot.output] == ["regex"]
    assert [s.use for s in policy.for_request("gpt-mini", "auditor").output] == ["keywords"]
    # a route limited to keys: only those keys; other requests fall back to the defaults
    assert policy.for_request("big", "ci-bot").route == "bots-only"
    other = policy.for_request("big", "someone")
    assert other.route is None and other.upstream is None and [s.use for s in other.output] == ["secrets"]
    assert other.hold.timeout_s == 30 and other.stream == "buffer"
    assert policy.public_models() == ["gpt-mini"]


@pytest.mark.parametrize(("text", "line", "field", "words"), [
    ("routes:\n  - name: a\n    model: x\n    colour: red\n", 4, "routes.0.colour", "Extra"),
    ("routes:\n  - name: a\n    model: x\n  - name: a\n    model: y\n", 4, "routes.1.name", "two routes are named 'a'"),
    ("routes:\n  - name: a\n    model: x\n    upstream: ftp://x\n", 4, "routes.0.upstream", "base URL"),
    ("routes:\n  - name: a\n    model: []\n", 3, "routes.0.model", "at least 1"),
    ("routes:\n  - model: x\n", 2, "routes.0.name", "required"),
    ("routes:\n  - name: a\n    model: x\n    upstream_model: m\n", 4, "routes.0.upstream_model", "names none"),
    ("routes:\n  - name: a\n    model: x\n    upstream: openai-api/fake/m\n    upstream_key_env: K\n", 5,
     "routes.0.upstream_key_env", "base-URL upstream"),
])
def test_route_errors_name_file_line_and_field(tmp_path: Path, text: str, line: int, field: str,
                                               words: str) -> None:
    with pytest.raises(UserError) as e:
        _load(tmp_path, text)
    assert (e.value.path, e.value.line, e.value.field) == (str(tmp_path / "guard.yaml"), line, field)
    assert words.lower() in str(e.value).lower()


def test_a_route_without_upstream_is_an_error_only_when_the_guard_has_none(tmp_path: Path) -> None:
    p = tmp_path / "guard.yaml"
    p.write_text("routes:\n  - name: a\n    model: x\n    upstream: openai-api/fake/a\n"
                 "  - name: b\n    model: y\n")
    load_policy(p)   # with --upstream: route b uses it
    with pytest.raises(UserError) as e:
        load_policy(p, default_upstream=False)
    assert (e.value.line, e.value.field) == (5, "routes.1.upstream") and "names no upstream" in str(e.value)
    p.write_text("version: v1\n")
    with pytest.raises(UserError) as e:
        load_policy(p, default_upstream=False)
    assert e.value.field == "routes"


def test_cli_reports_a_bad_policy_in_one_line(tmp_path: Path, fake_openai: object,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from emaudit.cli import main

    p = tmp_path / "bad.yaml"
    p.write_text("version: v1\noutput:\n  - use: code\n    min_severity: SEVERE\n")
    assert main(["--store", str(tmp_path / "s.db"), "guard", "serve", "--upstream", "openai-api/fake/m",
                 "--policy", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"emaudit: error: {p}:4: output.0.code.min_severity:") and "\n" not in err
