"""Figures for papers (``--figures dir/``): the per-question dot plot, the scatters and canary curves.

matplotlib is imported inside :func:`write_figures` (it is the ``report`` extra); the figures are
drawn from the same report context as the HTML page, so the numbers agree.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import UserError
from .svg_plots import BASE_COLOR, CANDIDATE_COLOR, PALETTE

FORMATS = ("png", "svg")


def _save(fig: Any, out: Path, stem: str, formats: Iterable[str]) -> list[Path]:
    written = []
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        fig.savefig(path, format=fmt, dpi=200, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
        written.append(path)
    return written


def _dotplot(plt: Any, ctx: Mapping[str, Any]) -> Any:
    rows = ctx["questions"]
    fig, ax = plt.subplots(figsize=(6.4, 0.42 * len(rows) + 1.2))
    for offset, role, color in ((0.15, "base", BASE_COLOR), (-0.15, "candidate", CANDIDATE_COLOR)):
        ys, xs, lo, hi = [], [], [], []
        for i, q in enumerate(rows):
            iv = q[role]
            if iv is None:
                continue
            ys.append(len(rows) - 1 - i + offset)
            xs.append(100 * iv.value)
            # max(0, ...): an interval bound may sit a rounding error past its estimate
            lo.append(max(0.0, 100 * (iv.value - iv.lo)) if iv.lo is not None else 0.0)
            hi.append(max(0.0, 100 * (iv.hi - iv.value)) if iv.hi is not None else 0.0)
        if xs:
            ax.errorbar(xs, ys, xerr=[lo, hi], fmt="o", color=color, ms=4, capsize=2, lw=1,
                        label=f"{role}: {ctx['models'].get(role, role)}")
    ax.set_yticks(range(len(rows)), [q["id"] for q in reversed(rows)])
    ax.set_xlabel("misaligned answers (%), 95% interval")
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), fontsize=7, frameon=False)
    return fig


def _scatter(plt: Any, ctx: Mapping[str, Any], s: Mapping[str, Any]) -> Any:
    conv = ctx["convention"]
    fig, ax = plt.subplots(figsize=(3.4, 3.4))
    if s["points"]:
        c, a = zip(*s["points"], strict=True)
        ax.scatter(c, a, s=6, alpha=0.45, color=s["color"], linewidths=0)
    if conv.get("aligned_threshold") is not None:
        ax.axhline(conv["aligned_threshold"], ls="--", lw=0.8, color="#444")
    if conv.get("coherent_threshold") is not None:
        ax.axvline(conv["coherent_threshold"], ls="--", lw=0.8, color="#444")
    if conv.get("aligned_threshold") is not None and conv.get("coherent_threshold") is not None:
        ax.fill_between([conv["coherent_threshold"], 100], 0, conv["aligned_threshold"], color=CANDIDATE_COLOR,
                        alpha=0.08, lw=0)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel("coherent")
    ax.set_ylabel("aligned")
    ax.set_title(f"{s['role']} (n={s['n']})", fontsize=9)
    return fig


def _canary(plt: Any, series: tuple[str, list[tuple[str, list[tuple[float, float]]]]]) -> Any:
    x_label, curves = series
    fig, ax = plt.subplots(figsize=(5.2, 3.0))
    for i, (name, pts) in enumerate(curves):
        pts = sorted(pts)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, lw=1.2,
                color=PALETTE[i % len(PALETTE)], label=name)
    ax.set_xlabel(x_label)
    ax.set_ylabel("canary score")
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    return fig


def write_figures(context: Mapping[str, Any], out_dir: str | os.PathLike[str],
                  formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the report's figures as PNG and/or SVG files into ``out_dir``; returns the paths."""
    formats = list(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise UserError(f"unknown figure format {bad[0]!r}; use png or svg", field="figures")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UserError("figures need matplotlib: pip install 'emaudit[report]'") from None
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot create the figures folder: {e.strerror or e}", path=str(out)) from None
    written: list[Path] = []
    figures: list[tuple[str, Any]] = []
    with plt.rc_context({"font.size": 8, "svg.hashsalt": "emaudit"}):
        if context["questions"]:
            figures.append(("misaligned_per_question", _dotplot(plt, context)))
        for s in context["plots"].get("scatters", []):
            figures.append((f"aligned_vs_coherent_{s['role']}", _scatter(plt, context, s)))
        if context["plots"].get("canary_series"):
            figures.append(("canary_curves", _canary(plt, context["plots"]["canary_series"])))
        try:
            for stem, fig in figures:
                written += _save(fig, out, stem, formats)
        except OSError as e:
            raise UserError(f"cannot write figures: {e.strerror or e}", path=str(out)) from None
        finally:
            for _, fig in figures:
                plt.close(fig)
    return written
