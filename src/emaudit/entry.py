"""The ``emaudit`` console script: imports the CLI inside the Ctrl-C guard, so an early Ctrl-C is quiet."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        return 130
    return cli_main()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
