"""Progress bars: drawn on a terminal, silent elsewhere."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console

from emaudit.engine import Job, Progress, Scheduler
from emaudit.models import ChatRequest, get_model


def _run(progress: Progress | None) -> None:
    model = get_model("mock/echo")
    jobs = [Job(str(i), ChatRequest.from_messages([{"role": "user", "content": f"a b {i}"}])) for i in range(30)]
    asyncio.run(Scheduler(progress=progress).run(model, jobs, lambda j, r: None, lambda j, e: None))


def test_bar_shows_items_errors_and_tokens_on_a_terminal():
    out = io.StringIO()
    with Progress(console=Console(file=out, force_terminal=True, width=120)) as progress:
        _run(progress)
    text = out.getvalue()
    assert "mock/echo" in text and "30/30" in text and "0 err" in text and "90 tok" in text


def test_no_terminal_means_no_output():
    out = io.StringIO()
    progress = Progress(console=Console(file=out))
    assert not progress.enabled
    with progress:
        _run(progress)
    _run(None)
    assert out.getvalue() == ""
