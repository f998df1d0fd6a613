"""The guard's cost: the same streamed chat requests direct to the fake server and through `emaudit guard`.

Both servers run as separate processes (the fake OpenAI server, and `python -m emaudit guard serve`), the
client here is a bare aiohttp loop with N concurrent streams. Per variant: end-to-end latency p50/p99 of
each full stream, requests per second, the guard's CPU per request (from /proc), the guard's own overhead
as it logs it (latency_ms - upstream_ms per row: filters and bookkeeping outside the upstream call;
it leaves out HTTP parsing and the log commit, which only the end-to-end difference includes), and log rows lost (answers the client got that have no
log row; must be 0).

    python benchmarks/guard.py                          # 2000 requests, 200 streams, 50 ms upstream latency
    python benchmarks/guard.py --variants rules --requests 500
    python benchmarks/guard.py --pace 30 --workers 2    # answers streamed at 30 events/s (~0.75 s each), 2 guard
                                                        # processes: time to first token and total, added
The default (``--pace 0``) sends each whole answer at once: the saturation case.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np

REPO = Path(__file__).resolve().parents[1]
RULES = """
version: bench-rules
stream: {mode}
input:
  - {{use: regex, packs: [prompt-injection, credential-request], action: block}}
  - {{use: tools, deny: [run_shell], arguments: [shell, sql, paths, urls, credentials], action: block}}
output:
  - {{use: regex, packs: [misaligned-persona], action: block}}
  - {{use: secrets, action: flag}}
  - {{use: tools, deny: [run_shell], arguments: [shell, sql, paths, urls, credentials], action: block}}
"""
JUDGE = RULES.replace("bench-rules", "bench-judge") + \
    "  - {{use: judge, judge: local, aligned_below: 30, batch_wait_ms: 2, action: block}}\n"
VARIANTS = {"rules": (RULES, "buffer"), "rules-window": (RULES, "window"), "rules-audit": (RULES, "audit"),
            "judge": (JUDGE, "buffer"), "judge-audit": (JUDGE, "audit")}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO / "src"), OMP_WAIT_POLICY="PASSIVE", HF_HUB_OFFLINE="1",
                TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")


def _cpu_s(pid: int) -> float:
    """CPU seconds of ``pid`` and its children (the guard's workers)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


class LoadSampler:
    """The 1-minute load average, sampled every second while a run lasts: (mean, max)."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self.samples.append(os.getloadavg()[0])
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def text(self) -> str:
        return f"{sum(self.samples) / len(self.samples):.1f} (max {max(self.samples):.1f})"


async def _wait(url: str, timeout: float = 120.0, workers: int = 1) -> None:
    """Until ``url`` answers, from every one of ``workers`` guard processes (new connections spread them)."""
    deadline = time.time() + timeout
    seen: set[str] = set()
    while time.time() < deadline:
        try:
            async with aiohttp.ClientSession() as s, s.get(url + "/models") as r:
                if r.status == 200:
                    seen.add(r.headers.get("X-Guard-Worker", "0"))
                    if len(seen) >= workers:
                        return
                    continue
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def _load(url: str, requests: int, concurrency: int) -> tuple[list[float], int, float, list[float]]:
    """Latency (s) of each full stream, the count answered 200, wall seconds, time to the first byte of each
    stream's body (s)."""
    latencies: list[float] = []
    firsts: list[float] = []
    ok = 0
    sem = asyncio.Semaphore(concurrency)
    words = " ".join(f"w{i}" for i in range(20))

    async def one(session: aiohttp.ClientSession, i: int) -> None:
        nonlocal ok
        body = {"model": "m", "stream": True,
                "messages": [{"role": "user", "content": f"question {i}: please repeat {words}"}]}
        async with sem:
            t0 = time.perf_counter()
            async with session.post(url + "/chat/completions", json=body) as r:
                data = b""
                async for chunk in r.content.iter_any():
                    if not data:
                        firsts.append(time.perf_counter() - t0)
                    data += chunk
            latencies.append(time.perf_counter() - t0)
            if r.status == 200 and data.endswith(b"data: [DONE]\n\n"):
                ok += 1

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=300)) as session:
        warm = [one(session, -k) for k in range(min(concurrency, 50))]
        await asyncio.gather(*warm)
        latencies.clear()
        firsts.clear()
        ok = 0
        t0 = time.perf_counter()
        await asyncio.gather(*(one(session, i) for i in range(requests)))
        wall = time.perf_counter() - t0
    return latencies, ok, wall, firsts


def _pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs) * 1000, q))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=200)
    p.add_argument("--latency", type=float, default=0.05, help="the fake upstream's seconds before answering")
    p.add_argument("--variants", default="rules,rules-window,judge")
    p.add_argument("--pace", type=float, default=0.0,
                   help="the fake upstream streams this many events per second (0: the whole answer at once)")
    p.add_argument("--workers", type=int, default=1, help="guard serve --workers")
    p.add_argument("--guard-src", help="run the guard from another checkout's src/ (before/after comparisons)")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="guard-bench-"))
    fake = subprocess.Popen([sys.executable, "-m", "emaudit.testing.fake_openai", "--port", "0", "--latency",
                             str(args.latency), "--stream-delay", str(1 / args.pace if args.pace else 0),
                             "--echo-prefix", "Sure, here it is: "],   # an answer unlike its question
                            env=_env(), stdout=subprocess.PIPE, text=True)
    assert fake.stdout is not None
    fake_url = re.search(r"(http://\S+/v1)", fake.stdout.readline()).group(1)  # type: ignore[union-attr]
    pace = f"{args.pace:g} events/s" if args.pace else "whole answer at once"
    print(f"load average before: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores); {args.requests} streamed "
          f"requests, {args.concurrency} at once, upstream latency {args.latency * 1000:.0f} ms, {pace}, "
          f"{args.workers} guard worker(s)", flush=True)
    rows: list[tuple[Any, ...]] = []
    try:
        asyncio.run(_wait(fake_url))
        with LoadSampler() as load:
            direct, ok, wall, first = asyncio.run(_load(fake_url, args.requests, args.concurrency))
        rows.append(("direct", direct, ok, wall, None, None, None, first, load.text()))
        for name in args.variants.split(","):
            policy_text, mode = VARIANTS[name]
            policy = tmp / f"{name}.yaml"
            policy.write_text(policy_text.format(mode=mode))
            store, port = tmp / f"{name}.db", _port()
            guard = subprocess.Popen(
                [sys.executable, "-m", "emaudit", "--store", str(store), "guard", "serve", "--upstream",
                 "openai-api/fake/m", "--policy", str(policy), "--port", str(port),
                 *(["--workers", str(args.workers)] if args.workers > 1 else [])],
                env=dict(_env(), FAKE_BASE_URL=fake_url, **({"PYTHONPATH": args.guard_src} if args.guard_src else {})), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            url = f"http://127.0.0.1:{port}/v1"
            try:
                asyncio.run(_wait(url, workers=args.workers))
                cpu0 = _cpu_s(guard.pid)
                db = sqlite3.connect(store)
                before = db.execute("SELECT max(id) FROM guard_log").fetchone()[0] or 0
                with LoadSampler() as load:
                    lat, ok, wall, first = asyncio.run(_load(url, args.requests, args.concurrency))
                cpu = _cpu_s(guard.pid) - cpu0
                logged = db.execute("SELECT latency_ms - upstream_ms FROM guard_log WHERE id > ? AND "
                                    "status = 200", (before,)).fetchall()
                lost = max(0, ok - len(logged))
                own = [x[0] / 1000 for x in logged if x[0] is not None]
                rows.append((name, lat, ok, wall, cpu / max(1, len(lat)), own, lost, first, load.text()))
            finally:
                guard.terminate()
                guard.wait(30)
    finally:
        fake.terminate()
        fake.wait(10)
    base50, base99 = _pct(rows[0][1], 50), _pct(rows[0][1], 99)
    first50, first99 = _pct(rows[0][7], 50), _pct(rows[0][7], 99)
    print(f"load average after: {os.getloadavg()[0]:.1f}\n")
    print("| variant | TTFT p50 / p99 ms | added TTFT p50 / p99 ms | total p50 / p99 ms | added total p50 / p99 ms | "
          "guard's filter time p50 / p99 ms | rps | guard CPU ms/request | answered | log rows lost | "
          "load avg during (max) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    out = []
    for name, lat, ok, wall, cpu, own, lost, first, load_text in rows:
        p50, p99, f50, f99 = _pct(lat, 50), _pct(lat, 99), _pct(first, 50), _pct(first, 99)
        is_direct = name == "direct"
        added = "" if is_direct else f"{p50 - base50:.1f} / {p99 - base99:.1f}"
        added_first = "" if is_direct else f"{f50 - first50:.1f} / {f99 - first99:.1f}"
        own_s = "" if not own else f"{_pct(own, 50):.1f} / {_pct(own, 99):.1f}"
        cpu_s = "" if cpu is None else f"{cpu * 1000:.2f}"
        print(f"| {name} | {f50:.1f} / {f99:.1f} | {added_first} | {p50:.1f} / {p99:.1f} | {added} | {own_s} | "
              f"{len(lat) / wall:.0f} | {cpu_s} | {ok}/{len(lat)} | {'' if lost is None else lost} | {load_text} |")
        out.append({"variant": name, "p50_ms": p50, "p99_ms": p99, "ttft_p50_ms": f50, "ttft_p99_ms": f99,
                    "rps": len(lat) / wall, "answered": ok,
                    "guard_cpu_ms_per_request": None if cpu is None else cpu * 1000, "log_rows_lost": lost,
                    "guard_own_p50_ms": _pct(own, 50) if own else None,
                    "guard_own_p99_ms": _pct(own, 99) if own else None, "load_average": load_text,
                    "pace_events_per_s": args.pace, "workers": args.workers})
        if cpu:
            print(f"    {name}: at {cpu * 1000:.2f} ms of CPU each, one core serves at most {1 / cpu:.0f} guarded "
                  "requests/s")
    (tmp / "results.json").write_text(json.dumps(out, indent=2))
    print(f"\nresults: {tmp / 'results.json'}")
    return 0 if all(r["log_rows_lost"] in (None, 0) for r in out) else 1


if __name__ == "__main__":
    raise SystemExit(main())
