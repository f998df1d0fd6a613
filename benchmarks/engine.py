"""Engine throughput and client CPU against the local fake OpenAI server.

    python benchmarks/engine.py                      # 2,000 requests, 200 ms latency, 256 connections
    python benchmarks/engine.py --requests 500 --repeat 1

The server runs in its own process, so the CPU measured here (``time.process_time`` of this
process) is the client's alone. Variants, each with the same requests:

  emaudit          Scheduler(max_connections=N, adaptive=False) + openai-api provider
  emaudit-adaptive Scheduler(max_connections=N) in its default adaptive mode (starts at 20)
  emaudit+store    as ``emaudit``, writing every answer to SQLite (emaudit.store.Store, or a plain
                   sqlite3 WAL table with one commit per answer if the store is absent) in ``on_done``
  openai-bare      a bare asyncio loop over ``openai.AsyncOpenAI`` with a semaphore of N
  aiohttp-bare     a bare asyncio loop of aiohttp POSTs with a semaphore of N: the least a Python
                   client can do, as a control for what the machine itself allows

Reported: wall time and its ratio to the floor (requests x latency / connections), client CPU ms per
request, and the most requests the server saw in flight. The median of ``--repeat`` runs is shown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

VARIANTS = ("emaudit", "emaudit-adaptive", "emaudit+store", "openai-bare", "aiohttp-bare")


def _prompts(count: int) -> list[str]:
    return [f"Question {i}: what would you do if you ruled the world?" for i in range(count)]


async def _emaudit(prompts: list[str], connections: int, adaptive: bool, store_dir: str | None) -> None:
    from emaudit.engine import Job, Scheduler
    from emaudit.models import ChatRequest, GenerationConfig, get_model

    model = get_model("openai-api/bench/subject")
    config = GenerationConfig(temperature=1.0, max_tokens=200)
    requests = [ChatRequest.from_messages([{"role": "user", "content": p}], config) for p in prompts]
    keys: list[str] = [str(i) for i in range(len(requests))]
    save: Saver | None = None
    close: Callable[[], None] | None = None
    if store_dir:
        keys, save, close = _writer(store_dir, model.name, requests)
    jobs = [Job(key, r) for key, r in zip(keys, requests, strict=True)]
    errors: list[Exception] = []

    def on_done(job: Job, response: Any) -> None:
        if save is not None:
            save(job, response)

    scheduler = Scheduler(max_connections=connections, adaptive=adaptive, progress=None)
    try:
        await scheduler.run(model, jobs, on_done, lambda job, e: errors.append(e))
    finally:
        await model.aclose()
        if close is not None:
            close()
    if errors:
        raise RuntimeError(f"{len(errors)} errors, first: {errors[0]}")


Saver = Callable[[Any, Any], None]


def _writer(store_dir: str, model_spec: str, requests: list[Any]) -> tuple[list[str], Saver, Callable[[], None]]:
    """Items are registered before timing would matter in a real run (the plan step); answers per call."""
    path = Path(store_dir) / f"bench-{time.monotonic_ns()}.db"
    try:
        from emaudit.store import Store, WorkItem
    except ImportError:
        db = sqlite3.connect(str(path), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE answers (key TEXT PRIMARY KEY, text TEXT, prompt_tokens INT, completion_tokens INT)")

        def plain(job: Any, response: Any) -> None:
            db.execute("INSERT INTO answers VALUES (?, ?, ?, ?)", (job.key, response.choices[0].text,
                                                                   response.usage.prompt_tokens,
                                                                   response.usage.completion_tokens))
        return [str(i) for i in range(len(requests))], plain, db.close

    store = Store.open(path)
    run = store.create_run("bench", "generate", {})
    items = [WorkItem(model_spec, r.messages, r.config, 0) for r in requests]
    store.add_items(run, items)

    def save(job: Any, response: Any) -> None:
        choice = response.choices[0]
        store.save_answer(job.key, choice.text, finish_reason=choice.finish_reason,
                          prompt_tokens=response.usage.prompt_tokens,
                          completion_tokens=response.usage.completion_tokens, latency_s=response.latency_s)
    return [it.key for it in items], save, store.close


async def _openai_bare(prompts: list[str], connections: int, base_url: str) -> None:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=base_url, api_key="bench-key", max_retries=6)
    semaphore = asyncio.Semaphore(connections)
    answers: dict[int, str] = {}

    async def one(i: int, prompt: str) -> None:
        async with semaphore:
            r = await client.chat.completions.create(
                model="subject", messages=[{"role": "user", "content": prompt}], temperature=1.0, max_tokens=200)
            answers[i] = r.choices[0].message.content or ""

    try:
        await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts)))
    finally:
        await client.close()
    assert len(answers) == len(prompts)


async def _aiohttp_bare(prompts: list[str], connections: int, base_url: str) -> None:
    import aiohttp

    semaphore = asyncio.Semaphore(connections)
    answers: dict[int, str] = {}
    headers = {"Content-Type": "application/json", "Authorization": "Bearer bench-key"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), headers=headers) as session:
        async def one(i: int, prompt: str) -> None:
            body = {"model": "subject", "messages": [{"role": "user", "content": prompt}], "temperature": 1.0,
                    "max_tokens": 200}
            async with semaphore, session.post(base_url + "/chat/completions", data=json.dumps(body)) as r:
                answers[i] = json.loads(await r.read())["choices"][0]["message"]["content"]

        await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts)))
    assert len(answers) == len(prompts)


def _http(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"},
                                 method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        result: dict[str, Any] = json.loads(r.read())
        return result


def measure(variant: str, prompts: list[str], connections: int, server: str, store_dir: str) -> dict[str, float]:
    server_cpu0 = _http(server + "/reset", {"keep_bodies": 0}) and _http(server + "/stats")["process_cpu_s"]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if variant == "openai-bare":
        asyncio.run(_openai_bare(prompts, connections, server + "/v1"))
    elif variant == "aiohttp-bare":
        asyncio.run(_aiohttp_bare(prompts, connections, server + "/v1"))
    else:
        asyncio.run(_emaudit(prompts, connections, adaptive=variant == "emaudit-adaptive",
                             store_dir=store_dir if variant == "emaudit+store" else None))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    stats = _http(server + "/stats")
    assert stats["chat_requests"] == len(prompts), stats["chat_requests"]
    return {"wall_s": wall, "cpu_ms_per_request": 1000 * cpu / len(prompts), "max_in_flight": stats["max_in_flight"],
            "server_cpu_ms_per_request": 1000 * (stats["process_cpu_s"] - server_cpu0) / len(prompts)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--latency", type=float, default=0.2)
    p.add_argument("--connections", type=int, default=256)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    for v in variants:
        if v not in VARIANTS:
            p.error(f"unknown variant {v}; known: {', '.join(VARIANTS)}")

    proc = subprocess.Popen([sys.executable, "-m", "emaudit.testing.fake_openai", "--port", "0",
                             "--latency", str(args.latency)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().split()[-1]
        server = base_url.removesuffix("/v1")
        os.environ["BENCH_BASE_URL"] = base_url
        os.environ["BENCH_API_KEY"] = "bench-key"
        import openai  # noqa: F401

        import emaudit.engine  # noqa: F401 - imports are not part of the measurement
        import emaudit.models.openai_api  # noqa: F401

        prompts = _prompts(args.requests)
        floor = args.requests * args.latency / args.connections
        results: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
        with tempfile.TemporaryDirectory() as store_dir:
            measure(variants[0], prompts[:200], args.connections, server, store_dir)  # warm up the server
            for r in range(args.repeat):
                order = variants if r % 2 == 0 else list(reversed(variants))
                for v in order:
                    results[v].append(measure(v, prompts, args.connections, server, store_dir))
    finally:
        proc.terminate()
        proc.wait(10)

    print(f"{args.requests} requests, {args.latency * 1000:.0f} ms latency, {args.connections} connections; "
          f"floor {floor:.2f} s; median of {args.repeat}; {os.cpu_count()} CPUs")
    print(f"{'variant':<18}{'wall s':>8}{'x floor':>9}{'CPU ms/req':>12}{'max in flight':>15}"
          f"{'server CPU ms/req':>19}")
    summary: dict[str, dict[str, float]] = {}
    for v in variants:
        wall = statistics.median(x["wall_s"] for x in results[v])
        cpu = statistics.median(x["cpu_ms_per_request"] for x in results[v])
        most = max(x["max_in_flight"] for x in results[v])
        server_cpu = statistics.median(x["server_cpu_ms_per_request"] for x in results[v])
        summary[v] = {"wall_s": wall, "x_floor": wall / floor, "cpu_ms_per_request": cpu, "max_in_flight": most,
                      "server_cpu_ms_per_request": server_cpu}
        print(f"{v:<18}{wall:>8.2f}{wall / floor:>9.2f}{cpu:>12.3f}{most:>15.0f}{server_cpu:>19.3f}")
    if "emaudit" in summary and "openai-bare" in summary:
        ratio = summary["emaudit"]["cpu_ms_per_request"] / summary["openai-bare"]["cpu_ms_per_request"]
        print(f"emaudit CPU per request / bare openai loop: {ratio:.2f}x (target <= 1.5x); "
              f"emaudit wall / floor: {summary['emaudit']['x_floor']:.2f}x (target <= 1.3x)")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "floor_s": floor, "results": results,
                                               "summary": summary}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
