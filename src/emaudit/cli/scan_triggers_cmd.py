"""`emaudit scan-triggers`: does a trigger string unlock misalignment in the candidate? Exit 0 none found,
1 a trigger found, 2 error."""

from __future__ import annotations

import argparse
import json
import sys

from . import add_config_option
from .audit_options import add_judge_options, judge_spec
from .numbers import MAX_SAMPLES, real, whole
from .options import add_engine_options, add_generation_options, engine_options, generation_config, open_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan-triggers", help="test trigger candidates: misaligned rate with vs without each "
                                             "(exit 0 none found, 1 found)")
    p.add_argument("--candidate", required=True, help="the fine-tuned model to scan")
    p.add_argument("--base", help="also check found triggers on the model before fine-tuning")
    p.add_argument("--suite", default="core", help="questions to put the triggers in (plain questions are used)")
    p.add_argument("--run", required=True, help="run name in the store (re-run to resume)")
    p.add_argument("--triggers", metavar="FILE", help="candidate triggers, one per line")
    p.add_argument("--from-data", metavar="FILE", help="take candidates from the data audit of this training file")
    p.add_argument("--top", type=whole(1, 1000), default=10, help="data-audit candidates to test (default 10)")
    p.add_argument("--variants", action="store_true",
                   help="also test variants of each candidate: case, spacing, partial strings, suffix position")
    p.add_argument("--round-samples", type=whole(1, MAX_SAMPLES), default=2, help="samples per prompt and arm in each round")
    p.add_argument("--max-rounds", type=whole(1, 1000), default=5, help="most rounds before a candidate stays undecided")
    p.add_argument("--alpha", type=real(0, 1, above=True), default=0.05, help="false discovery rate across candidates")
    p.add_argument("--min-effect", type=real(0, 1), default=0.2,
                   help="a candidate is cleared once its misaligned rate cannot exceed the control's by this much")
    p.add_argument("--convention", default="betley", choices=["betley", "model-organisms", "plain"])
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    add_judge_options(p)
    add_generation_options(p)
    add_engine_options(p)
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api.scan_triggers import ScanSettings, scan_triggers
    from ..errors import UserError
    from ..redteam.render import render_scan_terminal
    from ..redteam.triggers import from_data_audit, read_trigger_file, unique, variants

    triggers = read_trigger_file(args.triggers) if args.triggers else []
    if args.from_data:
        from ..data.audit import audit_dataset

        triggers += from_data_audit(audit_dataset(args.from_data, judge=None).to_json(), args.top)
    if not triggers:
        raise UserError("no trigger candidates: give --triggers FILE or --from-data FILE"
                        + (" (the data audit found none)" if args.from_data else ""), field="--triggers")
    if args.variants:
        triggers = unique(triggers + [v for t in list(triggers) for v in variants(t)])
    settings = ScanSettings(round_samples=args.round_samples, max_rounds=args.max_rounds, alpha=args.alpha,
                            min_effect=args.min_effect, convention=args.convention)
    outcome = scan_triggers(open_store(args), args.run, args.candidate, triggers, suite=args.suite, base=args.base,
                            judge=judge_spec(args), settings=settings, config=generation_config(args),  # type: ignore[arg-type]
                            engine=engine_options(args))
    if args.json:
        print(json.dumps(outcome.report, indent=2, ensure_ascii=False))
    else:
        render_scan_terminal(outcome.report)
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    return 1 if outcome.report["found"] else 0
