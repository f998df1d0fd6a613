"""Progress bars for model runs: items done, rate, ETA, errors and tokens, one bar per model.

``Progress()`` draws with rich on a terminal; elsewhere (pipes, CI, logs) it prints one plain line per
model every 30 s (``every_s``, or ``EMAUDIT_PROGRESS_EVERY_S``), so a long run never looks hung.
Pass ``enabled=True``/``False`` to decide yourself (``False``: silent). Use it as a context manager.
"""

from __future__ import annotations

import os
import sys
import threading
import time
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
        self.total: int | None = 0
        self.description = ""
        self.started = time.monotonic()

    def line(self) -> str:
        """``model: 120/400 done, 2 errors, 1.9/s, 1:03 elapsed, eta 2:27``."""
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = _clock((self.total - self.done) / rate) if rate > 0 and self.total else "-:--"
        count = f"{self.done}" if self.total is None else f"{self.done}/{self.total}"
        return (f"{self.description}: {count} done, {self.errors} errors, {rate:.2f}/s, "
                f"{_clock(elapsed)} elapsed, eta {eta}")

    def advance(self, done: int = 1, tokens: int = 0) -> None:
        self.done += done
        self.tokens += tokens
        if self._owner.rich is not None:
            self._owner.rich.update(self._task_id, advance=done, tokens=self.tokens)

    def error(self, count: int = 1) -> None:
        self.errors += count
        if self._owner.rich is not None:
            self._owner.rich.update(self._task_id, advance=count, errors=self.errors)


def _clock(seconds: float) -> str:
    seconds = int(max(0.0, seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    def __init__(self, *, enabled: bool | None = None, console: Console | None = None,
                 refresh_per_second: float = 4.0, every_s: float | None = None) -> None:
        self.console = console or Console(file=sys.stderr)
        self.enabled = self.console.is_terminal if enabled is None else enabled
        # Not a terminal and not told to be silent: a plain line every ``every_s`` seconds.
        self.every_s = None if self.enabled or enabled is False else (
            every_s if every_s is not None else float(os.environ.get("EMAUDIT_PROGRESS_EVERY_S") or 30))
        self._bars: list[ProgressBar] = []
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
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
            bar = ProgressBar(self, None)
            bar.total, bar.description = total, description
            self._bars.append(bar)
            if self.every_s and self._ticker is None:
                self._stop.clear()
                self._ticker = threading.Thread(target=self._tick, name="emaudit-progress", daemon=True)
                self._ticker.start()
            return bar
        if not self._started:
            self.rich.start()
            self._started = True
        task_id = self.rich.add_task(description, total=total, errors=0, tokens=0)
        return ProgressBar(self, task_id)

    def _tick(self) -> None:
        assert self.every_s
        while not self._stop.wait(self.every_s):
            for bar in list(self._bars):
                if bar.total is None or bar.done + bar.errors < bar.total:
                    print(bar.line(), file=self.console.file, flush=True)

    def close(self) -> None:
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join(5)
            self._ticker = None
        if self.rich is not None and self._started:
            self.rich.stop()
            self._started = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
