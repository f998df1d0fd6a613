"""What saving the answering endpoint with each answer costs (``answer_endpoints``, migration m010).

``Store.save_answer`` of N answers into a fresh SQLite store, without an endpoint (a plain single-server
run: one autocommitted INSERT, as before) and with one (an ``--endpoints`` pool: the answer and its
endpoint row in one transaction). Alternating rounds; median per mode.

    python benchmarks/answer_endpoints.py [--answers 3000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def measure(answers: int, endpoint: str | None) -> tuple[float, float]:
    from emaudit.models.base import GenerationConfig
    from emaudit.store import Store, WorkItem

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "s.db")
        run = store.create_run("r", "generate", {})
        items = [WorkItem("m", (("user", f"q{i}"),), GenerationConfig(), 0, question_id=f"q{i}")
                 for i in range(answers)]
        store.add_items(run, items)
        wall, cpu = time.perf_counter(), time.process_time()
        for it in items:
            store.save_answer(it.key, "x" * 200, endpoint=endpoint)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if endpoint is not None and store.answers_by_endpoint(run) != {endpoint: answers}:
            raise RuntimeError("not every answer has its endpoint row")
        store.close()
    return 1e6 * wall / answers, 1e6 * cpu / answers


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--answers", type=int, default=3000)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    rows: dict[str, list[tuple[float, float]]] = {"plain": [], "endpoint": []}
    for _ in range(args.rounds):
        rows["plain"].append(measure(args.answers, None))
        rows["endpoint"].append(measure(args.answers, "http://gpu1:8000/v1"))
    print("| save_answer | µs wall per answer (median) | µs CPU per answer (median) |")
    print("|---|---|---|")
    for mode, runs in rows.items():
        print(f"| {mode} | {statistics.median(w for w, _ in runs):.0f} | {statistics.median(c for _, c in runs):.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
