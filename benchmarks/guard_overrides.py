"""What the guard pays per request to honour monitor overrides (``guard/overrides.py``).

Times ``Overrides.for_request`` (the wrapper around the policy's per-key selection) against the bare
``CompiledPolicy.for_key``, with no override and with three active ones, on a real run store; and the
table read it makes at most once per second (``refresh_s``) when its cache is stale.

    python benchmarks/guard_overrides.py
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from emaudit.guard import overrides  # noqa: E402
from emaudit.guard.decide import CompiledPolicy  # noqa: E402
from emaudit.guard.policy import default_policy  # noqa: E402
from emaudit.store import Store  # noqa: E402


def per_call_us(fn, calls: int) -> float:
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--calls", type=int, default=200_000)
    p.add_argument("--reads", type=int, default=2_000)
    args = p.parse_args(argv)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "runs.db"
        store = Store.open(path)
        policy = CompiledPolicy(default_policy(), "default")
        cached = overrides.Overrides(path, refresh_s=1.0)
        out["bare_for_key_us"] = per_call_us(lambda: policy.for_key("anonymous"), args.calls)
        out["no_override_us"] = per_call_us(lambda: cached.for_request(policy, "anonymous"), args.calls)
        overrides.add(store.db, "monitor:prod", "hold-all", None, "[drift] benchmark")
        overrides.add(store.db, "monitor:prod", "route", "openai-api/local/v1", "[drift] benchmark")
        overrides.add(store.db, "monitor:other", "hold-all", None, "[drift] benchmark")
        cached = overrides.Overrides(path, refresh_s=1.0)
        out["three_overrides_us"] = per_call_us(lambda: cached.for_request(policy, "anonymous"), args.calls)
        stale = overrides.Overrides(path, refresh_s=0.0)   # every call reads the table (what the cache avoids)
        stale.for_request(policy, "anonymous")
        out["table_read_us"] = per_call_us(lambda: stale.for_request(policy, "anonymous"), args.reads)
        store.close()
    print(json.dumps({k: round(v, 3) for k, v in out.items()}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
