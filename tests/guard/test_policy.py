"""Policy files: validated, with errors that name file, line and field; per-key overrides."""

from __future__ import annotations

import textwrap
from pathlib import Path

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
    inp, out, stream = policy.for_key("ci-bot")  # type: ignore[attr-defined]
    assert [s.use for s in inp] == ["regex"] and [s.use for s in out] == ["tools"] and stream == "audit"
    inp, out, stream = policy.for_key("other")  # type: ignore[attr-defined]
    assert [s.use for s in out] == ["secrets"] and stream == "window"


def test_cli_reports_a_bad_policy_in_one_line(tmp_path: Path, fake_openai: object,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from emaudit.cli import main

    p = tmp_path / "bad.yaml"
    p.write_text("version: v1\noutput:\n  - use: code\n    min_severity: SEVERE\n")
    assert main(["--store", str(tmp_path / "s.db"), "guard", "serve", "--upstream", "openai-api/fake/m",
                 "--policy", str(p)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"emaudit: error: {p}:4: output.0.code.min_severity:") and "\n" not in err
