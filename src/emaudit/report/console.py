"""A rich console as wide as the terminal, and never cutting text when output goes to a file or a pipe."""

from __future__ import annotations

import sys
from typing import IO

from rich.console import Console

UNBOUNDED_WIDTH = 100_000  # not a terminal: a line is as long as its content


def make_console(file: IO[str] | None = None) -> Console:
    stream = file if file is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return Console(file=stream)
    return Console(file=stream, width=UNBOUNDED_WIDTH, soft_wrap=True)
