"""``fake_openai``: a real OpenAI-compatible server on 127.0.0.1 (move to tests/conftest.py to share)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emaudit.testing.fake_openai import FakeConfig, FakeOpenAI


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """A fresh server; ``openai-api/fake/<model>`` points at it. Change ``.config`` and call ``.reset()``."""
    with FakeOpenAI(FakeConfig(retry_after=0.05)) as server:
        monkeypatch.setenv("FAKE_BASE_URL", server.base_url)
        monkeypatch.delenv("FAKE_API_KEY", raising=False)
        yield server
