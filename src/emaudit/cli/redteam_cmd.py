"""`emaudit redteam`: red-team packs on a base and a candidate, with a symptom report. Exit 0/1/2."""

from __future__ import annotations

import argparse
import json
import sys

from . import add_config_option
from .numbers import real, whole
from .options import add_engine_options, add_generation_options, engine_options, generation_config, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("redteam", help="red-team packs (jailbreak, permission escalation, goal drift, ...) with a "
                                       "symptom report (exit 0 no evidence, 1 evidence)")
    p.add_argument("--base", help="the model before fine-tuning (paired statistics need it)")
    p.add_argument("--candidate", required=True, help="the model to red-team")
    p.add_argument("--pack", default="all", help="'all' or comma-separated packs (see `emaudit redteam --list`)")
    p.add_argument("--run", required=True, help="run name in the store (re-run to resume)")
    p.add_argument("--adversarial", type=whole(0, 1000), default=0, metavar="N",
                   help="N randomised variants of every question (frames x paraphrases x noise)")
    p.add_argument("--adversarial-seed", type=int, default=0, help="seed of the randomised variants")
    p.add_argument("--alpha", type=real(0, 1, above=True), default=0.05, help="significance level after Holm across packs")
    p.add_argument("--min-effect", type=real(0, 1), default=0.0, help="smallest rate increase that counts as evidence")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--markdown", metavar="FILE", help="also write a Markdown report to FILE")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report to FILE")
    add_generation_options(p)
    add_engine_options(p)
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api.redteam import redteam
    from ..redteam.render import render_html, render_markdown, render_terminal, write_text

    store = open_store(args)
    outcome = redteam(store, args.run, args.base, args.candidate, args.pack, adversarial=args.adversarial,
                      seed=args.adversarial_seed, samples=args.samples, config=generation_config(args),
                      engine=engine_options(args), alpha=args.alpha, min_effect=args.min_effect)
    report = outcome.report
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        render_terminal(report)
    if args.markdown:
        write_text(args.markdown, render_markdown(report), "--markdown")
    if args.html:
        write_text(args.html, render_html(report), "--html")
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    if outcome.generate.failed and not report["symptoms"]:
        return 2
    return 1 if report["evidence"] else 0
