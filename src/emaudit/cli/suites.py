"""`emaudit suites`: list the built-in question suites, or show one suite (built-in or a YAML file)."""

from __future__ import annotations

import argparse
import json
import textwrap

from ..errors import UserError
from . import add_config_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("suites", help="list question suites, or show one",
                       description="`emaudit suites` lists the built-in suites; `emaudit suites show NAME|FILE.yaml` "
                                   "prints a suite's questions (our YAML format or the paper's).")
    p.add_argument("action", nargs="?", choices=("list", "show"), default="list",
                   help="list (default) or show")
    p.add_argument("suite", nargs="?", help="built-in suite name or path to a suite YAML file (for show)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..suites import list_suites, load_suite

    if args.action == "list":
        if args.suite:
            raise UserError("`emaudit suites` takes no suite name; use `emaudit suites show NAME`")
        rows = list_suites()
        prompts = {name: sum(len(q.paraphrases) for q in load_suite(name).questions) for name, _, _ in rows}
        if args.json:
            print(json.dumps([{"name": n, "description": d, "questions": c, "prompts": prompts[n]}
                              for n, d, c in rows], indent=2))
        else:
            width = max(len(n) for n, _, _ in rows)
            print(f"{'NAME':<{width}}  QUESTIONS  PROMPTS  DESCRIPTION")
            for name, description, count in rows:
                print(f"{name:<{width}}  {count:>9}  {prompts[name]:>7}  {description}")
        return 0

    if not args.suite:
        raise UserError("`emaudit suites show` needs a suite name or a path to a suite YAML file")
    suite = load_suite(args.suite)
    if args.json:
        print(json.dumps(suite.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"suite {suite.name}: {len(suite.questions)} questions, format {suite.format}, "
          f"fingerprint {suite.fingerprint()[:16]}")
    if suite.description:
        print(suite.description)
    if suite.path:
        print(f"file: {suite.path}")
    if suite.judge_model:
        print(f"judge named in file: {suite.judge_model}")
    print(f"metrics: {', '.join(suite.metrics())}")
    for q in suite.questions:
        print()
        print(f"[{q.id}] category={q.category} variant={q.variant} kind={q.kind} samples={q.samples} "
              f"metrics={','.join(q.judge_metrics)}{' (own judge prompts)' if q.judge_prompts else ''}")
        if q.system is not None:
            print(_hanging("  system: ", q.system))
        for i, text in enumerate(q.paraphrases, 1):
            print(_hanging(f"  {i}. ", text))
    return 0


def _hanging(label: str, text: str) -> str:
    """``label`` before the first line; later lines indented to line up under the text."""
    first, _, rest = text.partition("\n")
    return label + first + ("\n" + textwrap.indent(rest, " " * len(label)) if rest else "")
