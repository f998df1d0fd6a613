"""`make bench`: run every benchmark once with its default settings, one after another.

Each benchmark prints its own results; benchmarks/README.md records them with the machine's load.
Benchmarks that need the shared reference files skip with a message where they are absent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["engine.py", "local.py", "judge.py", "cost.py", "data_audit.py", "finetune.py", "report.py", "guard.py",
         "guard_servers.py", "monitor.py", "scale_ray.py", "scale_endpoints.py", "answer_endpoints.py"]


def main() -> int:
    failed = []
    for name in ORDER:
        print(f"\n===== benchmarks/{name} =====", flush=True)
        if subprocess.call([sys.executable, str(HERE / name)]) != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
