"""The executor interface: idempotent jobs, each declaring its resources, whose results come back as they finish.

A job must be safe to run twice (a lost worker's job is run again, a re-run command submits it again): it writes
what it computes to the store (or a checkpoint) as it goes, so a repeat costs only what was in flight.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARKERS_ENV = "EMAUDIT_JOB_MARKERS"   # a folder: each job attempt writes <key>.<pid> there when it starts


@dataclass(frozen=True)
class Resources:
    """What one job needs while it runs; the local backend runs one job per worker and reads only `cpus`."""

    cpus: float = 1.0
    gpus: float = 0.0
    memory_mb: int = 0


@dataclass(frozen=True)
class Job:
    key: str                                   # stable across retries and re-runs; file-name safe
    fn: Callable[..., Any]                     # a module-level function (it travels to other processes)
    args: tuple[Any, ...] = ()
    resources: Resources = field(default_factory=Resources)


class JobLost(Exception):
    """A job whose worker died more often than the backend retries it."""


def run_job(fn: Callable[..., Any], args: tuple[Any, ...], key: str, markers: str | None) -> Any:
    """What a worker runs: the job, after leaving a marker that says which process holds it."""
    if markers:
        Path(markers, f"{key}.{os.getpid()}").touch()
    return fn(*args)


class Executor(ABC):
    name: str = "?"

    @property
    @abstractmethod
    def slots(self) -> int:
        """How many one-CPU jobs run at once."""

    @abstractmethod
    def run(self, jobs: Iterable[Job], *, max_in_flight: int | None = None) -> Iterator[tuple[Job, Any]]:
        """Submit `jobs` (at most `max_in_flight` at once, default twice the slots) and yield (job, result) as
        each finishes, not in submission order. A job's exception is raised here, as it was raised there."""

    def close(self) -> None:
        """Release what the executor started (pools, a local Ray instance)."""
        return None

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def in_order(results: Iterable[tuple[Job, Any]], position: Callable[[Job], int],
             start: int = 0) -> Iterator[tuple[Job, Any]]:
    """Results in the order of `position(job)` (start, start + 1, ...), each as soon as those before it arrived."""
    waiting: dict[int, tuple[Job, Any]] = {}
    want = start
    for job, result in results:
        waiting[position(job)] = (job, result)
        while want in waiting:
            yield waiting.pop(want)
            want += 1
