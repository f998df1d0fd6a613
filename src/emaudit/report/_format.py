"""Number and text formatting shared by the terminal and Markdown renderers."""

from __future__ import annotations

import math
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def pct(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{100 * x:.{digits}f}%"


def pp(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{100 * x:+.{digits}f} pp"


def ci_pp(ci: tuple[float, float] | None, digits: int = 1) -> str:
    if ci is None or any(v is None or math.isnan(v) for v in ci):
        return "-"
    return f"[{100 * ci[0]:+.{digits}f}, {100 * ci[1]:+.{digits}f}]"


def ci_pct(ci: tuple[float, float] | None, digits: int = 1) -> str:
    if ci is None or any(v is None or math.isnan(v) for v in ci):
        return "-"
    return f"[{100 * ci[0]:.{digits}f}, {100 * ci[1]:.{digits}f}]"


def pval(p: float | None) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def score(x: float | None) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1f}"


def excerpt(text: str, limit: int = 300) -> str:
    """One line, control and bidi characters removed, at most ``limit`` characters."""
    flat = _CONTROL.sub(" ", text.replace("\r\n", "\n")).replace("\n", " / ")
    flat = re.sub(r"\s+", " ", flat).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
