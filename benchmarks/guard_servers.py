"""Which server the guard runs on: a bare pass-through proxy (non-streamed chat forwarded with one shared
aiohttp client session, as the guard does) on aiohttp's server vs Starlette on uvicorn.

Each proxy runs as its own process in front of the fake OpenAI server; the number compared is the proxy
process's CPU per request (from /proc), which holds up on a busy machine better than latency does.

    python benchmarks/guard_servers.py [--requests 3000] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from guard import _cpu_s, _env, _port, _wait  # noqa: E402

AIOHTTP_APP = """
import sys, aiohttp
from aiohttp import web
UP = sys.argv[1]
async def start(app):
    app["s"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
async def chat(request):
    body = await request.read()
    async with request.app["s"].post(UP + "/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"}) as r:
        data = await r.read()
    return web.Response(body=data, status=r.status, content_type="application/json")
async def models(request):
    return web.json_response({"object": "list", "data": []})
async def stop(app):
    await app["s"].close()
app = web.Application()
app.on_startup.append(start)
app.on_cleanup.append(stop)
app.router.add_post("/v1/chat/completions", chat)
app.router.add_get("/v1/models", models)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[2]), access_log=None, print=None)
"""
STARLETTE_APP = """
import sys, aiohttp, uvicorn
from contextlib import asynccontextmanager
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
UP = sys.argv[1]
S = {}
@asynccontextmanager
async def life(app):
    S["s"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    yield
    await S["s"].close()
async def chat(request):
    body = await request.body()
    async with S["s"].post(UP + "/chat/completions", data=body, headers={"Content-Type": "application/json"}) as r:
        data = await r.read()
    return Response(data, status_code=r.status, media_type="application/json")
async def models(request):
    return JSONResponse({"object": "list", "data": []})
app = Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"]), Route("/v1/models", models)],
                lifespan=life)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


async def _load(url: str, requests: int, concurrency: int) -> tuple[list[float], float]:
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def one(session: aiohttp.ClientSession, i: int) -> None:
        async with sem:
            t0 = time.perf_counter()
            async with session.post(url + "/chat/completions",
                                    json={"model": "m", "messages": [{"role": "user", "content": f"q{i}"}]}) as r:
                await r.read()
            latencies.append(time.perf_counter() - t0)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(one(session, -k) for k in range(concurrency)))
        latencies.clear()
        t0 = time.perf_counter()
        await asyncio.gather(*(one(session, i) for i in range(requests)))
        return latencies, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--concurrency", type=int, default=50)
    p.add_argument("--rounds", type=int, default=2, help="alternating rounds per server")
    args = p.parse_args(argv)
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        print("starlette and uvicorn are not installed: pip install starlette uvicorn (benchmark only)")
        return 0
    fake = subprocess.Popen([sys.executable, "-m", "emaudit.testing.fake_openai", "--port", "0"], env=_env(),
                            stdout=subprocess.PIPE, text=True)
    assert fake.stdout is not None
    up = re.search(r"(http://\S+/v1)", fake.stdout.readline()).group(1)  # type: ignore[union-attr]
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores); {args.requests} requests, "
          f"{args.concurrency} at once, {args.rounds} alternating rounds")
    results: dict[str, list[tuple[float, float, float]]] = {"aiohttp": [], "starlette+uvicorn": []}
    try:
        for _ in range(args.rounds):
            for name, code in (("aiohttp", AIOHTTP_APP), ("starlette+uvicorn", STARLETTE_APP)):
                port = _port()
                proc = subprocess.Popen([sys.executable, "-c", code, up, str(port)], env=_env())
                try:
                    asyncio.run(_wait(f"http://127.0.0.1:{port}/v1"))
                    cpu0 = _cpu_s(proc.pid)
                    lat, wall = asyncio.run(_load(f"http://127.0.0.1:{port}/v1", args.requests, args.concurrency))
                    cpu = _cpu_s(proc.pid) - cpu0
                    results[name].append((cpu / len(lat) * 1000, float(np.percentile(lat, 50) * 1000),
                                          len(lat) / wall))
                finally:
                    proc.terminate()
                    proc.wait(10)
    finally:
        fake.terminate()
    print(f"load average after: {os.getloadavg()[0]:.1f}\n")
    print("| server | proxy CPU ms/request (median of rounds) | p50 ms | rps |")
    print("|---|---|---|---|")
    for name, rows in results.items():
        cpu, p50, rps = (float(np.median([r[i] for r in rows])) for i in range(3))
        print(f"| {name} | {cpu:.3f} | {p50:.1f} | {rps:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
