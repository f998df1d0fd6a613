"""Progress bars for model runs: items done, rate, ETA, errors and tokens, one bar per model.

``Progress()`` draws with rich on a terminal and does nothing otherwise (pipes, CI, tests);
pass ``enabled=True``/``False`` to decide yourself. Use it as a context manager around runs.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f}/s" if speed else "-/s", style="progress.data.speed")


class _ErrorsTokensColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        errors = task.fields.get("errors", 0)
        tokens = task.fields.get("tokens", 0)
        style = "red" if errors else "dim"
        return Text(f"{errors} err  {_short(tokens)} tok", style=style)


def _short(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    return str(n)


class ProgressBar:
    """One model's bar; a no-op when its ``Progress`` is disabled."""

    def __init__(self, owner: Progress, task_id: Any) -> None:
        self._owner = owner
        self._task_id = task_id
        self.done = 0
        self.errors = 0
        self.tokens = 0

    def advance(self, done: int = 1, tokens: int = 0) -> None:
        self.done += done
        self.tokens += tokens
        if self._owner.rich is not None:
            self._owner.rich.update(self._task_id, advance=done, tokens=self.tokens)

    def error(self, count: int = 1) -> None:
        self.errors += count
        if self._owner.rich is not None:
            self._owner.rich.update(self._task_id, advance=count, errors=self.errors)


class Progress:
    def __init__(self, *, enabled: bool | None = None, console: Console | None = None,
                 refresh_per_second: float = 4.0) -> None:
        self.console = console or Console(file=sys.stderr)
        self.enabled = self.console.is_terminal if enabled is None else enabled
        self.rich: RichProgress | None = None
        if self.enabled:
            self.rich = RichProgress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), _ErrorsTokensColumn(),
                console=self.console, refresh_per_second=refresh_per_second, transient=False,
            )
        self._started = False

    def bar(self, description: str, total: int | None) -> ProgressBar:
        """A new bar (``total`` None: a count without an end); starts drawing on first use."""
        if self.rich is None:
            return ProgressBar(self, None)
        if not self._started:
            self.rich.start()
            self._started = True
        task_id = self.rich.add_task(description, total=total, errors=0, tokens=0)
        return ProgressBar(self, task_id)

    def close(self) -> None:
        if self.rich is not None and self._started:
            self.rich.stop()
            self._started = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
