"""Scaling benchmarks, one subcommand per file ``benchmarks/scale_<name>.py`` (each with its own ``main(argv)``).

    python benchmarks/scale.py store --help
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def commands() -> dict[str, Path]:
    return {p.stem.removeprefix("scale_"): p for p in sorted(HERE.glob("scale_*.py"))}


def main(argv: list[str]) -> int:
    found = commands()
    if not argv or argv[0] not in found:
        print(f"usage: python benchmarks/scale.py {{{','.join(found)}}} [options]", file=sys.stderr)
        return 2
    spec = importlib.util.spec_from_file_location(f"scale_{argv[0]}", found[argv[0]])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
