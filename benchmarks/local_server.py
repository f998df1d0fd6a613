"""`emaudit generate` against a queueing server with 4 slots: answers per minute and cancelled tasks.

    . .venv/bin/activate
    python benchmarks/local_server.py                          # this checkout's code, every scenario
    python benchmarks/local_server.py --src /tmp/before/src    # another checkout's code (e.g. main's, from git archive)

The server is the test server (``python -m emaudit.testing.fake_openai --slots 4``) in its own process,
llama.cpp-like: 4 slots, a FIFO queue, ``n`` capped at the slot count, work of a client that hangs up
cancelled and counted, ``/props`` naming the slots (or not, in the "unadvertised" scenario). Each answer
takes ``latency + words x token_latency`` seconds of a slot (1 + 20 x 0.05 = 2 s here), so the server's
capacity is 4 / 2 s = 120 answers per minute, measured first by a bare client keeping exactly 4 requests
in flight. Time is scaled down from the real run of issue 19 (about 40 s per SmolLM2 answer, a 120 s
timeout): 2 s per answer with a 6 s timeout keeps the ratio, every other setting is the default.
Each run stops after ``--seconds`` (answers are counted in the store then) or when every item is answered.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp

WORDS = 20  # words per prompt: the echo answer has as many, each costing token_latency
SCENARIOS = {
    # name: (server settings, samples per question, questions, extra generate options)
    "distinct prompts": ({}, 1, 240, []),
    "6 samples per prompt": ({}, 6, 40, []),
    "unadvertised slots": ({"advertise_slots": False}, 1, 240, []),
}


def _suite(path: Path, questions: int) -> None:
    lines = ["name: bench", "questions:"]
    for i in range(questions):
        words = " ".join(f"w{i}x{j}" for j in range(WORDS - 1))
        lines += [f"  - id: q{i}", f"    paraphrases: [\"{words} end\"]"]
    path.write_text("\n".join(lines) + "\n")


SERVER_SRC = str(Path(__file__).resolve().parent.parent / "src")  # the test server always comes from here


def _server(settings: dict) -> tuple[subprocess.Popen, str]:
    cfg = Path(tempfile.mkdtemp()) / "server.json"
    cfg.write_text(json.dumps({"latency": 1.0, "token_latency": 0.05, "max_n": 4, "slots": 4, **settings}))
    env = dict(os.environ, PYTHONPATH=SERVER_SRC)
    proc = subprocess.Popen([sys.executable, "-m", "emaudit.testing.fake_openai", "--port", "0",
                             "--settings", str(cfg)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().split()[-1]


def _stats(base: str) -> dict:
    with urllib.request.urlopen(base.removesuffix("/v1") + "/stats", timeout=10) as r:
        return dict(json.loads(r.read()))


def _answers(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=10)
        n = con.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        con.close()
        return int(n)
    except sqlite3.OperationalError:
        return 0


async def _capacity(base: str, seconds: float) -> float:
    """Answers per minute with exactly 4 requests in flight: what the server can do."""
    done = 0
    stop = time.monotonic() + seconds
    body = {"model": "m", "messages": [{"role": "user", "content": " ".join(["w"] * WORDS)}], "max_tokens": 600}

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal done
        while time.monotonic() < stop:
            async with session.post(base + "/chat/completions", json=body) as r:
                await r.read()
                done += r.status == 200

    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(4)))
    return 60 * done / (time.monotonic() - started)


def _generate(base: str, src: str, samples: int, questions: int, extra: list[str], seconds: float) -> dict:
    work = Path(tempfile.mkdtemp())
    _suite(work / "suite.yaml", questions)
    env = dict(os.environ, PYTHONPATH=src, BENCH_BASE_URL=base)
    cmd = [sys.executable, "-m", "emaudit.cli", "--store", str(work / "s.db"), "generate", "--model",
           "openai-api/bench/m", "--suite", str(work / "suite.yaml"), "--samples", str(samples), "--run", "b",
           "--timeout", "6", *extra]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    wall = time.monotonic() - started
    answered = _answers(work / "s.db")
    err = proc.stderr.read() if proc.stderr else ""
    return {"answers": answered, "items": samples * questions, "wall_s": round(wall, 1),
            "answers_per_min": round(60 * answered / wall, 1), "exit": proc.returncode,
            "said": [line for line in err.splitlines() if line.startswith("emaudit:")][:3]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--src", default=SERVER_SRC,
                   help="the emaudit sources the client runs (default: this checkout's; the server is always it)")
    p.add_argument("--seconds", type=float, default=150.0, help="stop each generate run after this long")
    p.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated, from: " + ", ".join(SCENARIOS))
    args = p.parse_args(argv)
    proc, base = _server({})
    try:
        capacity = asyncio.run(_capacity(base, 30.0))
    finally:
        proc.terminate()
        proc.wait()
    print(json.dumps({"server_capacity_answers_per_min": round(capacity, 1)}), flush=True)
    for name in args.scenarios.split(","):
        settings, samples, questions, extra = SCENARIOS[name]
        proc, base = _server(settings)
        try:
            row = _generate(base, args.src, samples, questions, extra, args.seconds)
            stats = _stats(base)
        finally:
            proc.terminate()
            proc.wait()
        row.update(scenario=name, cancelled_tasks=stats["cancelled_tasks"], chat_requests=stats["chat_requests"],
                   statuses=stats["statuses"], share_of_capacity=round(row["answers_per_min"] / capacity, 3))
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
