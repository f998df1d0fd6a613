"""Argument types that check a number's range: a bad value is one line naming the option, exit 2.

They are argparse ``type=`` functions, so values from ``--config`` files are checked the same way.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

MAX_SAMPLES = 100_000  # samples per paraphrase; bigger plans are refused before anything is held in memory


class RangeError(argparse.ArgumentTypeError, ValueError):
    """Out of range: argparse prints the message itself; the config loader catches it as a ValueError."""


def whole(lo: int, hi: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise RangeError(f"must be a whole number, got {text!r}") from None
        if value < lo or (hi is not None and value > hi):
            raise RangeError(f"must be {_span(lo, hi)}, got {value}")
        return value
    parse.__name__ = "whole number"
    return parse


def real(lo: float | None = None, hi: float | None = None, *, above: bool = False) -> Callable[[str], float]:
    """A finite float in [lo, hi] (or (lo, hi] with ``above``)."""
    def parse(text: str) -> float:
        try:
            value = float(str(text).strip())
        except ValueError:
            raise RangeError(f"must be a number, got {text!r}") from None
        if not math.isfinite(value):
            raise RangeError(f"must be a finite number, got {text!r}")
        if (lo is not None and (value <= lo if above else value < lo)) or (hi is not None and value > hi):
            raise RangeError(f"must be {_span(lo, hi, above)}, got {value:g}")
        return value
    parse.__name__ = "number"
    return parse


def _span(lo: float | None, hi: float | None, above: bool = False) -> str:
    if lo is not None and hi is not None:
        return f"{'above' if above else 'from'} {lo:g} {'and at most' if above else 'to'} {hi:g}"
    if lo is not None:
        return f"{'above' if above else 'at least'} {lo:g}"
    return f"at most {hi:g}"
