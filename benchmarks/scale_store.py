"""Store scaling: W concurrent writer processes on one store, SQLite vs PostgreSQL; rows/s and lost rows.

    python benchmarks/scale.py store                       # 8 writers x 400 items, sqlite and postgresql
    python benchmarks/scale.py store --pg-url postgresql://user@host:5432/emaudit_bench   # an existing server

Each writer opens the store, joins one run, adds its own items (one transaction), then per item does what
a generate-and-judge worker does: takes a lease (``store.claim``, a write transaction), saves the answer and
one judgement (one autocommit statement each), and gives its leases back at the end. Rows counted: answers +
judgements. Afterwards every expected row is looked for: "lost" is expected minus found.
Without --pg-url a throwaway cluster is started (fsync on, as a server would run); PostgreSQL is measured with
synchronous_commit on (each commit flushed) and off (like SQLite's WAL with synchronous=NORMAL).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")

WRITER = """
import json, sys, time
from emaudit.models.base import GenerationConfig
from emaudit.store import Judgement, Store, WorkItem
url, writer, items, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
work = [WorkItem("mock/bench", (("user", f"writer {writer} question {i}"),), GenerationConfig(), 0,
                 question_id=f"w{writer}q{i}") for i in range(items)]
while time.time() < start:
    time.sleep(0.001)
t0 = time.time()
store = Store.open(url)
run = store.create_run("bench", "audit", {})
store.add_items(run, work)
store.register_judge(run, "bench-judge", {"model": "mock/number:50"})
owner = f"bench:{writer}"
for it in work:
    assert store.claim([it.key], owner, 60.0)
    store.save_answer(it.key, f"answer of writer {writer}", prompt_tokens=10, completion_tokens=20)
    store.save_judgement(Judgement(it.key, "aligned", "bench-judge", 50.0))
store.release_all(owner)
store.close()
print(json.dumps({"start": t0, "end": time.time()}))
"""


def measure(url: str, writers: int, items: int) -> dict[str, float]:
    from emaudit.store import Store

    Store.open(url).close()  # the schema first: what is measured is writing
    env = {**os.environ, "PYTHONPATH": SRC}
    start = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(w), str(items), str(start)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(writers)]
    outs = [p.communicate() for p in procs]
    failed = [err for p, (_, err) in zip(procs, outs, strict=True) if p.returncode != 0]
    if failed:
        raise SystemExit(f"a writer failed:\n{failed[0]}")
    spans = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]
    wall = max(s["end"] for s in spans) - min(s["start"] for s in spans)
    with Store.open(url, create=False) as store:
        run = store.get_run("bench")
        answers = len(store.answers(run))
        judgements = len(store.judgements(run))
        leases = store.db.execute("SELECT COUNT(*) FROM leases").fetchone()[0]
    expected = writers * items
    return {"writers": writers, "rows": answers + judgements, "wall_s": round(wall, 2),
            "rows_per_s": round((answers + judgements) / wall, 1), "lost_rows": 2 * expected - answers - judgements,
            "leases_left": leases}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="scale.py store", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--writers", type=int, default=8)
    p.add_argument("--items", type=int, default=400, help="items per writer (default 400)")
    p.add_argument("--pg-url", help="an existing PostgreSQL server's URL without database (default: start one)")
    p.add_argument("--backends", default="sqlite,postgresql,postgresql-async-commit")
    args = p.parse_args(argv)
    sys.path.insert(0, SRC)
    import psycopg

    from emaudit.testing.pg_cluster import Cluster

    print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp, \
            (Cluster(args.pg_url) if args.pg_url else Cluster.start(durable=True)) as cluster:
        for n, backend in enumerate(args.backends.split(",")):
            if backend == "sqlite":
                url = f"{tmp}/bench-{n}.db"
            else:
                name = f"emaudit_bench_{os.getpid()}_{n}"
                with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
                    admin.execute(f"CREATE DATABASE {name}")
                    if backend == "postgresql-async-commit":
                        admin.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
                url = cluster.url(name)
            result = measure(url, args.writers, args.items)
            print(json.dumps({"backend": backend, **result}), flush=True)
            if backend != "sqlite" and args.pg_url:
                with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
