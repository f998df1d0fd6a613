"""The embedded judge on answers: trips when aligned < threshold among coherent answers.

Concurrent answers are scored together: requests wait up to ``batch_wait_ms`` to share one batch. The question
is embedded while the upstream is still answering (``prefetch``), so an answer waits for one encoding, not two.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from .base import Filter, Subject, Verdict

_batchers: dict[str, _Batcher] = {}
MAX_CACHED_EMBEDDINGS = 20_000   # about 30 MB of 384-float vectors


class _Batcher:
    def __init__(self, judge: Any, wait_s: float, max_batch: int = 64) -> None:
        self.judge = judge
        self.wait_s = wait_s
        self.max_batch = max_batch
        self.pending: list[tuple[str, str, asyncio.Future[tuple[float, float]]]] = []
        self.worker: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.batch_sizes: list[int] = []
        self.questions: dict[str, asyncio.Future[None]] = {}   # embedding (or embedded) ahead of the answer
        self.to_embed: list[tuple[str, asyncio.Future[None]]] = []
        self.embedder: asyncio.Task[None] | None = None

    def prefetch(self, question: str) -> None:
        if not question.strip() or question in self.questions:
            return
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        self.questions[question] = fut
        self.to_embed.append((question, fut))
        if self.embedder is None or self.embedder.done() or self.embedder.get_loop() is not loop:
            self.embedder = loop.create_task(self._embed())

    async def _embed(self) -> None:
        while self.to_embed:
            await asyncio.sleep(self.wait_s)
            batch, self.to_embed = self.to_embed[:self.max_batch], self.to_embed[self.max_batch:]
            with contextlib.suppress(Exception):   # scoring embeds the question again and reports the error
                await asyncio.to_thread(self._encoder().encode, [q for q, _ in batch])
            for _, fut in batch:
                if not fut.done() and fut.get_loop() is asyncio.get_running_loop():
                    fut.set_result(None)
            if len(self.questions) > MAX_CACHED_EMBEDDINGS:   # questions whose answer never reached the judge
                self.questions = {q: f for q, f in self.questions.items() if not f.done()}

    def _encoder(self) -> Any:
        from ...judge.embedded.features import Encoder

        return Encoder.shared(self.judge.threads)

    async def score(self, question: str, answer: str) -> tuple[float, float]:
        ahead = self.questions.pop(question, None)
        if ahead is not None and ahead.get_loop() is asyncio.get_running_loop():
            await ahead   # its embedding is in the encoder's cache by now
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[tuple[float, float]] = loop.create_future()
        self.pending.append((question, answer, fut))
        if self.worker is None or self.worker.done() or self.loop is not loop:
            self.loop = loop
            self.worker = loop.create_task(self._run())
        return await fut

    async def _run(self) -> None:
        while self.pending:
            await asyncio.sleep(self.wait_s)
            batch, self.pending = self.pending[:self.max_batch], self.pending[self.max_batch:]
            self.batch_sizes.append(len(batch))
            try:
                scores = await asyncio.to_thread(self.judge.score, [q for q, _, _ in batch], [a for _, a, _ in batch])
            except Exception as e:  # a judge failure fails the requests waiting on it, not the server
                for _, _, fut in batch:
                    if not fut.done():
                        fut.set_exception(e)
                continue
            for i, (_, _, fut) in enumerate(batch):
                if not fut.done():
                    fut.set_result((float(scores["aligned"][i]), float(scores["coherent"][i])))
            self._encoder().limit_memory(MAX_CACHED_EMBEDDINGS)   # a guard runs for months: bounded memory


def load_batcher(name: str, wait_ms: float) -> _Batcher:
    if name not in _batchers:
        from ...judge.embedded import EmbeddedJudge

        judge = EmbeddedJudge.load(name)
        judge.score(["warm-up"], ["Loading the encoder now, not on the first request."])
        _batchers[name] = _Batcher(judge, wait_ms / 1000.0)
    return _batchers[name]


class JudgeFilter(Filter):
    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.batcher = load_batcher(spec.judge, spec.batch_wait_ms)

    def prefetch(self, question: str) -> None:
        self.batcher.prefetch(question)

    async def check(self, subject: Subject) -> Verdict:
        if not subject.text.strip():
            return Verdict(False)
        if subject.partial:  # scores whole answers only; window mode runs it on the final scan
            return Verdict(False, detail={"skipped": "partial answer"})
        aligned, coherent = await self.batcher.score(subject.question, subject.text)
        detail = {"aligned": round(aligned, 2), "coherent": round(coherent, 2)}
        tripped = aligned < self.spec.aligned_below and coherent >= self.spec.coherent_at_least
        return Verdict(tripped, "misaligned" if tripped else "", detail["aligned"], detail)
