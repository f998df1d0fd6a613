"""Inline SVG plots for the HTML report: no JavaScript, no external files.

Every function returns a complete ``<svg>`` element as a string. All text that reaches the SVG
(question ids, model names, tooltips) goes through :func:`html.escape`, so callers may mark the
result safe for the template.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

BASE_COLOR = "#4e79a7"
CANDIDATE_COLOR = "#e15759"
PALETTE = ("#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f")


@dataclass(frozen=True)
class Interval:
    """A rate (0..1) with its 95% interval; lo/hi may be None when no interval was computed."""

    value: float
    lo: float | None = None
    hi: float | None = None
    n: int | None = None


@dataclass
class DotSeries:
    name: str
    color: str
    css_class: str
    points: list[Interval | None] = field(default_factory=list)  # one per row; None = no data


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _nice_max(v: float) -> float:
    """Axis maximum (as a fraction) rounded up to 10%, 20%, 50% or 100%."""
    for top in (0.1, 0.2, 0.5, 1.0):
        if v <= top:
            return top
    return 1.0


def dot_plot(rows: Sequence[str], series: Sequence[DotSeries], *, title: str = "",
             x_label: str = "misaligned answers (%)", width: int = 760) -> str:
    """Per-row rates as dots with horizontal 95% error bars, one dot per series per row.

    Points are ``<circle class="pt ...">`` elements with a ``<title>`` tooltip; rows without data
    draw nothing.
    """
    left, right = 230, 30
    row_h = max(26, 8 * len(series) + 6)
    top = 48 if title else 28
    plot_w = width - left - right
    height = top + row_h * max(len(rows), 1) + 44
    highest = max((p.hi if p.hi is not None else p.value for s in series for p in s.points if p is not None),
                  default=0.0)
    x_max = _nice_max(highest)

    def x(v: float) -> float:
        return left + plot_w * min(max(v, 0.0), x_max) / x_max

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot dotplot" role="img" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'aria-label="{escape(title or x_label)}">']
    if title:
        out.append(f'<text x="{left}" y="18" class="ptitle">{escape(title)}</text>')
    bottom = top + row_h * max(len(rows), 1)
    ticks = 5
    for i in range(ticks + 1):
        v = x_max * i / ticks
        xx = x(v)
        out.append(f'<line x1="{_fmt(xx)}" y1="{top}" x2="{_fmt(xx)}" y2="{bottom}" class="grid"/>')
        out.append(f'<text x="{_fmt(xx)}" y="{bottom + 16}" class="tick" text-anchor="middle">{100 * v:g}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{bottom + 36}" class="axlabel" '
               f'text-anchor="middle">{escape(x_label)}</text>')
    n_series = max(len(series), 1)
    for r, label in enumerate(rows):
        y_mid = top + row_h * r + row_h / 2
        if r % 2 == 0:
            out.append(f'<rect x="0" y="{top + row_h * r}" width="{width}" height="{row_h}" class="band"/>')
        out.append(f'<text x="{left - 8}" y="{y_mid + 4:.1f}" class="rowlabel" text-anchor="end">'
                   f'{escape(_shorten(label, 34))}<title>{escape(label)}</title></text>')
        for s_i, s in enumerate(series):
            p = s.points[r] if r < len(s.points) else None
            if p is None:
                continue
            y = y_mid + (s_i - (n_series - 1) / 2) * 8
            if p.lo is not None and p.hi is not None:
                out.append(f'<line x1="{_fmt(x(p.lo))}" y1="{y:.1f}" x2="{_fmt(x(p.hi))}" y2="{y:.1f}" '
                           f'stroke="{s.color}" class="err"/>')
                for end in (p.lo, p.hi):
                    out.append(f'<line x1="{_fmt(x(end))}" y1="{y - 3:.1f}" x2="{_fmt(x(end))}" '
                               f'y2="{y + 3:.1f}" stroke="{s.color}" class="err"/>')
            tip = f"{label} · {s.name}: {_pct(p.value)}"
            if p.lo is not None and p.hi is not None:
                tip += f" (95% CI {_pct(p.lo)}–{_pct(p.hi)})"
            if p.n is not None:
                tip += f", n={p.n}"
            out.append(f'<circle cx="{_fmt(x(p.value))}" cy="{y:.1f}" r="4" fill="{s.color}" '
                       f'class="pt {escape(s.css_class)}"><title>{escape(tip)}</title></circle>')
    out.append(_legend([(s.name, s.color) for s in series], left, top - 10))
    out.append("</svg>")
    return "".join(out)


def scatter(points: Sequence[tuple[float, float]], *, title: str, color: str,
            aligned_threshold: float | None, coherent_threshold: float | None,
            css_class: str = "", size: int = 300, max_points: int = 5000) -> str:
    """Alignment (y) against coherence (x), both 0..100, with the convention's thresholds.

    The misaligned region (coherent above its threshold, aligned below its threshold) is shaded.
    Points are ``<circle class="pt ...">``; at most ``max_points`` are drawn (a note says so).
    """
    pad_l, pad_b, pad_t, pad_r = 42, 40, 24, 10
    w = h = size
    pw, ph = w - pad_l - pad_r, h - pad_t - pad_b

    def px(c: float) -> float:
        return pad_l + pw * min(max(c, 0.0), 100.0) / 100.0

    def py(a: float) -> float:
        return pad_t + ph * (1 - min(max(a, 0.0), 100.0) / 100.0)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot scatter" role="img" '
           f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="{escape(title)}">',
           f'<text x="{pad_l}" y="15" class="ptitle">{escape(_shorten(title, 44))}<title>{escape(title)}</title></text>',
           f'<rect x="{pad_l}" y="{pad_t}" width="{pw}" height="{ph}" class="frame"/>']
    if aligned_threshold is not None and coherent_threshold is not None:
        out.append(f'<rect x="{_fmt(px(coherent_threshold))}" y="{_fmt(py(aligned_threshold))}" '
                   f'width="{_fmt(px(100) - px(coherent_threshold))}" '
                   f'height="{_fmt(py(0) - py(aligned_threshold))}" class="badzone">'
                   f'<title>misaligned: aligned &lt; {aligned_threshold:g} and coherent &gt; '
                   f'{coherent_threshold:g}</title></rect>')
    if aligned_threshold is not None:
        out.append(f'<line x1="{pad_l}" x2="{pad_l + pw}" y1="{_fmt(py(aligned_threshold))}" '
                   f'y2="{_fmt(py(aligned_threshold))}" class="thresh thresh-aligned"/>')
    if coherent_threshold is not None:
        out.append(f'<line x1="{_fmt(px(coherent_threshold))}" x2="{_fmt(px(coherent_threshold))}" '
                   f'y1="{pad_t}" y2="{pad_t + ph}" class="thresh thresh-coherent"/>')
    for v in (0, 50, 100):
        out.append(f'<text x="{_fmt(px(v))}" y="{pad_t + ph + 14}" class="tick" text-anchor="middle">{v}</text>')
        out.append(f'<text x="{pad_l - 5}" y="{_fmt(py(v) + 4)}" class="tick" text-anchor="end">{v}</text>')
    out.append(f'<text x="{pad_l + pw / 2:.1f}" y="{h - 6}" class="axlabel" text-anchor="middle">coherent</text>')
    out.append(f'<text x="12" y="{pad_t + ph / 2:.1f}" class="axlabel" text-anchor="middle" '
               f'transform="rotate(-90 12 {pad_t + ph / 2:.1f})">aligned</text>')
    shown = points[:max_points]
    for c, a in shown:
        out.append(f'<circle cx="{_fmt(px(c))}" cy="{_fmt(py(a))}" r="2.2" fill="{color}" '
                   f'class="pt {escape(css_class)}"/>')
    if len(points) > len(shown):
        out.append(f'<text x="{w - pad_r}" y="15" class="tick" text-anchor="end">'
                   f'first {len(shown)} of {len(points)} shown</text>')
    if not points:
        out.append(f'<text x="{pad_l + pw / 2:.1f}" y="{pad_t + ph / 2:.1f}" class="tick" '
                   f'text-anchor="middle">no judged answers</text>')
    out.append("</svg>")
    return "".join(out)


def rate_bars(rows: Sequence[tuple[str, Interval | None]], *, color: str, width: int = 260) -> str:
    """Small horizontal bars (0..100%) with interval whiskers, one per row, for the rates table."""
    row_h, left = 16, 70
    pw = width - left - 6
    h = row_h * max(len(rows), 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot bars" viewBox="0 0 {width} {h}" '
           f'width="{width}" height="{h}" role="img" aria-label="rates">']
    for i, (label, p) in enumerate(rows):
        if p is None:
            continue
        y = row_h * i + 3
        out.append(f'<text x="{left - 4}" y="{y + 9}" class="tick" text-anchor="end">{escape(label)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{pw * max(min(p.value, 1), 0):.1f}" height="{row_h - 6}" '
                   f'fill="{color}" class="bar"><title>{escape(label)}: {_pct(p.value)}</title></rect>')
        if p.lo is not None and p.hi is not None:
            yy = y + (row_h - 6) / 2
            out.append(f'<line x1="{left + pw * p.lo:.1f}" x2="{left + pw * p.hi:.1f}" y1="{yy:.1f}" '
                       f'y2="{yy:.1f}" class="whisker"/>')
    out.append("</svg>")
    return "".join(out)


def line_plot(series: Sequence[tuple[str, Sequence[tuple[float, float]]]], *, title: str,
              x_label: str, y_label: str, width: int = 620, height: int = 260) -> str:
    """Curves (e.g. canary scores over fine-tuning steps); each point is a ``<circle class="pt">``."""
    pad_l, pad_r, pad_t, pad_b = 56, 150, 24, 40
    pw, ph = width - pad_l - pad_r, height - pad_t - pad_b
    xs = [x for _, pts in series for x, _ in pts if math.isfinite(x)]
    ys = [y for _, pts in series for _, y in pts if math.isfinite(y)]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="plot lineplot" role="img" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-label="{escape(title)}">',
           f'<text x="{pad_l}" y="15" class="ptitle">{escape(title)}</text>',
           f'<rect x="{pad_l}" y="{pad_t}" width="{pw}" height="{ph}" class="frame"/>']
    if not xs or not ys:
        out.append(f'<text x="{pad_l + pw / 2}" y="{pad_t + ph / 2}" class="tick" text-anchor="middle">'
                   f'no points</text></svg>')
        return "".join(out)
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    if y1 == y0:
        y0, y1 = y0 - 1, y1 + 1

    def px(v: float) -> float:
        return pad_l + pw * (v - x0) / (x1 - x0)

    def py(v: float) -> float:
        return pad_t + ph * (1 - (v - y0) / (y1 - y0))

    for i in range(5):
        yv = y0 + (y1 - y0) * i / 4
        out.append(f'<line x1="{pad_l}" x2="{pad_l + pw}" y1="{_fmt(py(yv))}" y2="{_fmt(py(yv))}" class="grid"/>')
        out.append(f'<text x="{pad_l - 5}" y="{_fmt(py(yv) + 4)}" class="tick" text-anchor="end">{yv:.3g}</text>')
        xv = x0 + (x1 - x0) * i / 4
        out.append(f'<text x="{_fmt(px(xv))}" y="{pad_t + ph + 14}" class="tick" text-anchor="middle">'
                   f'{xv:.4g}</text>')
    out.append(f'<text x="{pad_l + pw / 2:.1f}" y="{height - 6}" class="axlabel" text-anchor="middle">'
               f'{escape(x_label)}</text>')
    out.append(f'<text x="12" y="{pad_t + ph / 2:.1f}" class="axlabel" text-anchor="middle" '
               f'transform="rotate(-90 12 {pad_t + ph / 2:.1f})">{escape(y_label)}</text>')
    for i, (name, pts) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        good = sorted((x, y) for x, y in pts if math.isfinite(x) and math.isfinite(y))
        if len(good) > 1:
            path = " ".join(f"{_fmt(px(x))},{_fmt(py(y))}" for x, y in good)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" class="curve"/>')
        for x, y in good:
            out.append(f'<circle cx="{_fmt(px(x))}" cy="{_fmt(py(y))}" r="2.5" fill="{color}" class="pt">'
                       f'<title>{escape(name)} @ {x:g}: {y:.4g}</title></circle>')
        ly = pad_t + 14 * i + 8
        out.append(f'<rect x="{pad_l + pw + 10}" y="{ly - 8}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{pad_l + pw + 24}" y="{ly + 1}" class="tick">{escape(_shorten(name, 20))}</text>')
    out.append("</svg>")
    return "".join(out)


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> str:
    parts = []
    for name, color in items:
        parts.append(f'<circle cx="{x + 5:.1f}" cy="{y - 4:.1f}" r="4" fill="{color}"/>'
                     f'<text x="{x + 13:.1f}" y="{y:.1f}" class="tick">{escape(_shorten(name, 40))}'
                     f'<title>{escape(name)}</title></text>')
        x += 28 + 6.2 * min(len(name), 40)
    return '<g class="legend">' + "".join(parts) + "</g>"


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
