"""The guard in front of the fake OpenAI server: ``guard(policy_yaml)`` starts one, returns (base URL, journal)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emaudit.guard.serve import GuardThread, build_settings


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "runs.db"


@pytest.fixture
def guard(fake_openai: Any, store: Path, tmp_path: Path) -> Iterator[Any]:
    started: list[GuardThread] = []

    def start(policy: str | None = None, upstream: str | None = "openai-api/fake/m",
              **options: Any) -> tuple[str, Any]:
        path = None
        if policy is not None:
            path = tmp_path / f"policy{len(started)}.yaml"
            path.write_text(textwrap.dedent(policy))
        settings = build_settings(upstream, str(path) if path else None, store, **options)
        thread = GuardThread(settings)
        url = thread.__enter__()
        started.append(thread)
        return url, settings.journal

    yield start
    for t in started:
        t.__exit__()


def chat(url: str, text: str, *, stream: bool = False, key: str | None = None, **body: Any) -> Any:
    import httpx

    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(url + "/chat/completions", headers=headers, timeout=30,
                      json={"model": "any", "messages": [{"role": "user", "content": text}], "stream": stream,
                            **body})


def stream_text(raw: str) -> tuple[str, list[Any]]:
    """The text a streaming client assembles, and every event (dicts, and "[DONE]")."""
    import json

    text, out = "", []
    for line in raw.splitlines():
        if line.startswith("data: "):
            data = line[6:]
            if data == "[DONE]":
                out.append(data)
                continue
            obj = json.loads(data)
            out.append(obj)
            for c in obj.get("choices", []):
                text += (c.get("delta") or {}).get("content") or ""
    return text, out
