"""A filter from another installed package, found through its entry point, used by a policy."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from emaudit.errors import UserError
from emaudit.testing.fake_openai import Rule

from .conftest import chat


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real (tiny) distribution on sys.path: a module and its dist-info with entry_points.txt."""
    site = tmp_path / "site"
    (site / "shouty_filter-1.0.dist-info").mkdir(parents=True)
    (site / "shouty_filter-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: shouty-filter\n"
                                                                   "Version: 1.0\n")
    (site / "shouty_filter-1.0.dist-info" / "entry_points.txt").write_text(
        "[emaudit.guard_filters]\nshouty = shouty_filter:Shouty\nbroken = shouty_filter:NOT_A_FILTER\n")
    (site / "shouty_filter.py").write_text(textwrap.dedent("""
        from emaudit.guard.filters import Filter, Verdict

        NOT_A_FILTER = 3

        class Shouty(Filter):
            async def check(self, subject):
                letters = [c for c in subject.text if c.isalpha()]
                share = sum(c.isupper() for c in letters) / max(1, len(letters))
                limit = self.spec.options.get("max_upper", 0.5)
                return Verdict(share > limit, "shouting", share)
    """))
    monkeypatch.syspath_prepend(str(site))
    yield
    sys.modules.pop("shouty_filter", None)


def test_a_plugin_filter_blocks(installed_plugin: None, guard: Any, fake_openai: Any) -> None:
    fake_openai.config.rules = [Rule("loud", answer="I AM VERY SURE ABOUT THIS")]
    url, journal = guard("output: [{use: plugin, entry_point: shouty, options: {max_upper: 0.6}, action: block}]")
    assert chat(url, "quiet please").json()["choices"][0]["message"]["content"] == "quiet please"
    assert chat(url, "loud").json()["choices"][0]["message"]["refusal"] == "shouting"
    assert [r["decision"] for r in journal.logs()] == ["allow", "block"]


@pytest.mark.parametrize(("name", "words"), [("missing", "no guard filter plugin 'missing'"),
                                             ("broken", "is not a guard Filter class")])
def test_unknown_or_wrong_plugins_are_user_errors(installed_plugin: None, guard: Any, name: str,
                                                  words: str) -> None:
    with pytest.raises(UserError, match=words):
        guard(f"output: [{{use: plugin, entry_point: {name}}}]")
