"""`local`: today's behaviour. One worker runs jobs in this process, one after another; more use a process pool
(forked where available, so workers inherit what the parent imported). The pool starts at the first result
asked for, so a caller can load threaded libraries (torch) after that without forking them."""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Iterable, Iterator
from typing import Any

from .base import MARKERS_ENV, Executor, Job, run_job


class LocalExecutor(Executor):
    name = "local"

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)
        self.markers = os.environ.get(MARKERS_ENV) or None

    @property
    def slots(self) -> int:
        return self.workers

    def run(self, jobs: Iterable[Job], *, max_in_flight: int | None = None) -> Iterator[tuple[Job, Any]]:
        if self.workers == 1:
            for job in jobs:
                yield job, run_job(job.fn, job.args, job.key, self.markers)
            return
        limit = max(1, max_in_flight or 2 * self.workers)
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        done: queue.SimpleQueue[tuple[Job, Any, BaseException | None]] = queue.SimpleQueue()
        with ctx.Pool(self.workers) as pool:
            pending = iter(jobs)
            in_flight = 0

            def submit() -> bool:
                job = next(pending, None)
                if job is None:
                    return False
                def finished(result: Any, job: Job = job) -> None:
                    done.put((job, result, None))

                def failed(error: BaseException, job: Job = job) -> None:
                    done.put((job, None, error))

                pool.apply_async(run_job, (job.fn, job.args, job.key, self.markers), callback=finished,
                                 error_callback=failed)
                return True

            while in_flight < limit and submit():
                in_flight += 1
            while in_flight:
                job, result, error = done.get()
                in_flight -= 1
                if error is not None:
                    raise error
                yield job, result
                if submit():
                    in_flight += 1
