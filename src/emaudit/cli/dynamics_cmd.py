"""`emaudit dynamics`: misaligned rate and canary scores against the step of an `emaudit finetune` run."""

from __future__ import annotations

import argparse
import json
import sys

from . import add_config_option
from .audit_options import add_judge_options, judge_spec
from .numbers import MAX_SAMPLES, real, whole
from .options import add_engine_options, engine_options, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dynamics", help="misaligned rate and canary scores by training step of a fine-tune")
    p.add_argument("--finetune-run", required=True, metavar="DIR", help="the --out folder of `emaudit finetune`")
    p.add_argument("--run", required=True, help="run name in the store (re-run to resume)")
    p.add_argument("--suite", default="core", help="plain questions to ask at every step (default core's)")
    p.add_argument("--samples", type=whole(1, MAX_SAMPLES), default=4, help="samples per paraphrase and step (default 4)")
    p.add_argument("--max-tokens", type=whole(1, 1_000_000), default=200)
    p.add_argument("--temperature", type=real(0, 2), default=1.0)
    p.add_argument("--convention", default="betley", choices=["betley", "model-organisms", "plain"])
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--markdown", metavar="FILE", help="also write a Markdown table to FILE")
    add_judge_options(p)
    add_engine_options(p)
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api.dynamics import dynamics
    from ..models.base import GenerationConfig
    from ..redteam.render import render_dynamics_markdown, render_dynamics_terminal, write_text

    outcome = dynamics(open_store(args), args.run, args.finetune_run, suite=args.suite, samples=args.samples,
                       judge=judge_spec(args), config=GenerationConfig(temperature=args.temperature,  # type: ignore[arg-type]
                                                                       max_tokens=args.max_tokens),
                       engine=engine_options(args), convention=args.convention)
    if args.json:
        print(json.dumps(outcome.report, indent=2, ensure_ascii=False))
    else:
        render_dynamics_terminal(outcome.report)
    if args.markdown:
        write_text(args.markdown, render_dynamics_markdown(outcome.report), "--markdown")
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0
