"""What leases cost: one generate pass of N items through the whole path (plan, store, leases, engine).

    python benchmarks/leases.py --against /path/to/other/src   # this checkout's src vs another, ABBA order

Each variant runs in its own process (PYTHONPATH = that src) against one fake OpenAI server process;
reported: wall seconds of ``emaudit.api.generate`` and the client's CPU ms per item.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE_SRC = str(Path(__file__).resolve().parents[1] / "src")

CHILD = """
import json, sys, time
from emaudit.api import generate, EngineOptions
from emaudit.models.base import GenerationConfig
from emaudit.store import Store
items, db, suite = int(sys.argv[1]), sys.argv[2], sys.argv[3]
store = Store.open(db)
wall, cpu = time.perf_counter(), time.process_time()
result = generate(store, "bench", [suite], ["openai-api/bench/m"], GenerationConfig(), samples=items // 10,
                  engine=EngineOptions(max_connections=256, adaptive=False, n_per_request=1, progress=False))
print(json.dumps({"wall_s": time.perf_counter() - wall, "cpu_ms_per_item": 1000 * (time.process_time() - cpu) / items,
                  "answered": result.stats.answered}))
"""


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--against", required=True, help="the other emaudit src folder (e.g. main's)")
    p.add_argument("--items", type=int, default=2000)
    p.add_argument("--latency", type=float, default=0.2)
    args = p.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "emaudit.testing.fake_openai", "--port", "0", "--latency",
                               str(args.latency)], env={**os.environ, "PYTHONPATH": HERE_SRC},
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    url = server.stdout.readline().split()[-1]
    results: dict[str, list[dict[str, float]]] = {"this": [], "other": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            suite = Path(tmp) / "bench.yaml"
            suite.write_text("name: bench\nquestions:\n" + "".join(
                f"  - id: q{i}\n    paraphrases: ['Question {i}: what would you do?']\n" for i in range(10)))
            for n, name in enumerate(("this", "other", "other", "this")):  # ABBA
                src = HERE_SRC if name == "this" else args.against
                out = subprocess.run([sys.executable, "-c", CHILD, str(args.items), f"{tmp}/{n}.db", str(suite)],
                                     env={**os.environ, "PYTHONPATH": src, "BENCH_BASE_URL": url},
                                     capture_output=True, text=True, check=True)
                results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        server.terminate()
    for name, runs in results.items():
        wall = sum(r["wall_s"] for r in runs) / len(runs)
        cpu = sum(r["cpu_ms_per_item"] for r in runs) / len(runs)
        print(f"{name}: wall {wall:.2f} s, client CPU {cpu:.3f} ms/item, answered {runs[0]['answered']:.0f} "
              f"(runs: {', '.join(format(r['wall_s'], '.2f') for r in runs)})")


if __name__ == "__main__":
    main()
