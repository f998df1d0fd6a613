"""Generation throughput across 1, 2 and 4 servers serving one model (``--endpoints``).

    python benchmarks/scale_endpoints.py                         # 4 slots, 0.5 s per request, 1/2/4 servers
    python benchmarks/scale_endpoints.py --slots 4 --latency 0.2 --repeat 3

Each server is the local test server (``python -m emaudit.testing.fake_openai --slots S --latency L``)
in its own process: it computes ``S`` requests at once, each taking ``L`` seconds, and queues the rest,
so one server answers at most ``S / L`` requests per second. The client is emaudit's own generate pass
(``emaudit.api.generate`` with ``EngineOptions(endpoints=...)``: plan, scheduler, store writes),
``items_per_server`` items per server so that every run lasts about as long. Reported per server count:
wall time, answers per second, the ideal (servers x S / L), scaling against 1 server (throughput /
(servers x throughput of 1 server); the target is >= 0.9), the client's CPU, the answers each server
gave, and the machine's load average (the machine is shared). The median of ``--repeat`` runs is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

QUESTIONS = 8


def _suite(folder: Path) -> str:
    lines = ["name: scale", "questions:"]
    for i in range(QUESTIONS):
        lines += [f"  - id: q{i}", f"    paraphrases: [\"Question {i}: what would you do if you ruled the world?\"]"]
    path = folder / "scale.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _start(slots: int, latency: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "emaudit.testing.fake_openai", "--port", "0",
                             "--slots", str(slots), "--latency", str(latency)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise RuntimeError(f"the test server did not start: {line!r}")
    return proc, line.removeprefix("listening on ")


def measure(servers: int, urls: list[str], suite: str, items_per_server: int, folder: Path) -> dict[str, Any]:
    from emaudit.api import generate
    from emaudit.api.generate import EngineOptions
    from emaudit.models import server_info
    from emaudit.store import Store

    server_info.forget()
    specs = []
    for i, url in enumerate(urls[:servers]):
        os.environ[f"SCALE{i}_BASE_URL"] = url
        specs.append(f"openai-api/scale{i}/subject")
    endpoints = [tuple(specs)] if servers > 1 else []
    samples = max(1, items_per_server * servers // QUESTIONS)
    store = Store.open(str(folder / f"scale-{servers}-{time.monotonic_ns()}.db"))
    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    result = generate(store, "scale", [suite], [specs[0]], samples=samples,
                      engine=EngineOptions(progress=False, endpoints=endpoints))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    if result.stats.failed or result.stats.answered != result.total_items:
        raise RuntimeError(f"{result.stats.failed} failed, {result.stats.answered} of {result.total_items} answered")
    spread = store.answers_by_endpoint(result.run) or {urls[0]: result.total_items}
    store.close()
    return {"servers": servers, "items": result.total_items, "wall_s": wall, "per_s": result.total_items / wall,
            "client_cpu_ms_per_item": 1000 * cpu / result.total_items, "load": (load_before + os.getloadavg()[0]) / 2,
            "spread": sorted(spread.values(), reverse=True)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--counts", default="1,2,4", help="server counts to measure")
    p.add_argument("--slots", type=int, default=4, help="requests each server computes at once")
    p.add_argument("--latency", type=float, default=0.5, help="seconds each request takes in its slot")
    p.add_argument("--items-per-server", type=int, default=160, help="answers asked per server in one run")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",")]
    procs = [_start(args.slots, args.latency) for _ in range(max(counts))]
    urls = [url for _, url in procs]
    rows: dict[int, list[dict[str, Any]]] = {n: [] for n in counts}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            suite = _suite(folder)
            for r in range(args.repeat):
                for n in counts if r % 2 == 0 else list(reversed(counts)):
                    rows[n].append(measure(n, urls, suite, args.items_per_server, folder))
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(10)
    ideal_one = args.slots / args.latency
    table = []
    for n in counts:
        runs = sorted(rows[n], key=lambda row: row["per_s"])
        table.append({**runs[len(runs) // 2], "per_s_runs": [round(x["per_s"], 2) for x in rows[n]],
                      "ideal_per_s": n * ideal_one})
    one = next((row["per_s"] for row in table if row["servers"] == 1), None)
    for row in table:
        row["scaling"] = row["per_s"] / (row["servers"] * one) if one else None
    if args.json:
        print(json.dumps(table, indent=2))
        return 0
    print(f"{args.slots} slots x {args.latency:g} s per request per server (ideal {ideal_one:g} answers/s each); "
          f"median of {args.repeat}; {os.cpu_count()} CPUs")
    print("| servers | answers | wall s | answers/s (runs) | ideal | scaling vs 1 server | client CPU ms/answer "
          "| answers per server | load avg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in table:
        scaling = f"{row['scaling']:.2f}" if row["scaling"] is not None else "-"
        print(f"| {row['servers']} | {row['items']} | {row['wall_s']:.2f} | {row['per_s']:.1f} "
              f"({', '.join(map(str, row['per_s_runs']))}) | {row['ideal_per_s']:g} | {scaling} "
              f"| {row['client_cpu_ms_per_item']:.2f} | {', '.join(map(str, row['spread']))} | {row['load']:.1f} |")
    print(f"statistics: scaling median {statistics.median([r['scaling'] for r in table if r['scaling']]):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
