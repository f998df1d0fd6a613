"""`emaudit report RUN --out file.html` and `emaudit compare RUN_A RUN_B --out ab.html`."""

from __future__ import annotations

import argparse
import sys

from . import add_config_option, store_path
from .numbers import whole


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write a run's report: one self-contained HTML file (and Markdown, figures)",
                       description="Write a self-contained HTML report of one run (opens offline, mails well).")
    p.add_argument("run", help="the run's name in the store")
    p.add_argument("--out", "-o", help="HTML file to write (default: RUN.html; a .md name writes Markdown)")
    p.add_argument("--markdown", metavar="FILE", help="also write the Markdown report to FILE")
    p.add_argument("--figures", metavar="DIR", help="also write PNG/SVG figures for papers into DIR")
    p.add_argument("--figure-format", default="png,svg", help="figure formats, comma-separated (default png,svg)")
    p.add_argument("--max-answers", type=whole(0, 10_000_000), default=1000,
                   help="at most this many answers in the answer table (misaligned first; default 1000)")
    p.add_argument("--convention", choices=["betley", "model-organisms", "plain"],
                   help="count answers under this convention (default: the run's own)")
    add_config_option(p)
    p.set_defaults(func=run)

    c = sub.add_parser("compare", help="write an HTML page comparing two runs side by side",
                       description="Write a self-contained HTML page comparing two runs side by side.")
    c.add_argument("run_a", help="first run (A)")
    c.add_argument("run_b", help="second run (B)")
    c.add_argument("--out", "-o", help="HTML file to write (default: A-vs-B.html)")
    add_config_option(c)
    c.set_defaults(func=run_compare)


def run(args: argparse.Namespace) -> int:
    from ..report.html import build_report_context, render_html, write_output
    from ..report.inputs import load_inputs, open_store

    store = open_store(store_path(args))
    if args.run.count(":") == 1 and args.run.startswith("monitor:") and store.find_run(args.run) is None:
        return _monitor_report(store, args)
    try:
        result, meta, answers, extras = load_inputs(store, args.run, args.convention)
    finally:
        store.close()
    out = args.out or f"{args.run}.html"
    written = []
    if out.endswith(".md"):
        from ..report.markdown_bridge import render_markdown_report

        written.append(write_output(out, render_markdown_report(result, meta, answers, extras)))
    else:
        context = build_report_context(result, meta, answers, extras, max_answers=args.max_answers)
        written.append(write_output(out, render_html(context)))
    if args.markdown:
        from ..report.markdown_bridge import render_markdown_report

        written.append(write_output(args.markdown, render_markdown_report(result, meta, answers, extras)))
    if args.figures:
        from ..report.figures import write_figures

        context = build_report_context(result, meta, answers, extras, max_answers=0)
        formats = [f.strip() for f in args.figure_format.split(",") if f.strip()]
        written += write_figures(context, args.figures, formats)
    for path in written:
        print(path)
    if result is None:
        print(f"emaudit report: {args.run} has no judgements yet; the report lists answers only", file=sys.stderr)
    return 0


def _monitor_report(store: object, args: argparse.Namespace) -> int:
    """`emaudit report monitor:NAME`: the monitor's trend report (HTML)."""
    from ..api.monitor import trend_inputs
    from ..report.html import write_output
    from ..report.monitor_trend import render_trend_html, trend_context

    try:
        context = trend_context(*trend_inputs(store, args.run.split(":", 1)[1]))  # type: ignore[arg-type]
    finally:
        store.close()  # type: ignore[attr-defined]
    print(write_output(args.out or f"{args.run.replace(':', '-')}.html", render_trend_html(context)))
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from ..report.compare import compare_runs, render_compare_html
    from ..report.html import write_output
    from ..report.inputs import load_inputs, open_store

    store = open_store(store_path(args))
    try:
        a = load_inputs(store, args.run_a)
        b = load_inputs(store, args.run_b)
    finally:
        store.close()
    suites_a, suites_b = _suites(a[1]), _suites(b[1])
    if suites_a != suites_b:
        print(f"emaudit compare: warning: the runs asked different questions ({args.run_a}: "
              f"{', '.join(sorted(suites_a)) or 'none'}; {args.run_b}: {', '.join(sorted(suites_b)) or 'none'}); "
              "rates are compared question by question only where both have them", file=sys.stderr)
    out = args.out or f"{args.run_a}-vs-{args.run_b}.html"
    print(write_output(out, render_compare_html(compare_runs(a, b))))
    return 0


def _suites(meta: dict) -> set[str]:
    """A run's suites as name@fingerprint (imported runs: the files they came from)."""
    config = meta.get("config") or {}
    found = {f"{s.get('name')}@{str(s.get('fingerprint'))[:12]}" for s in config.get("suites", [])}
    return found | {f"imported:{i.get('sha256')}" for i in config.get("imports", [])}
