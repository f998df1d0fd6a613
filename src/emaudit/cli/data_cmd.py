"""`emaudit data audit`: audit a fine-tuning file for emergent-misalignment risks."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from . import add_config_option
from .executor_options import add_executor_options, run_with_executor
from .numbers import real, whole

if TYPE_CHECKING:
    from ..executors import Executor


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("data", help="audit fine-tuning data (insecure code, harm, duplicates, leakage, triggers)")
    data_sub = p.add_subparsers(dest="data_command", metavar="SUBCOMMAND")
    a = data_sub.add_parser("audit", help="audit a training file (JSONL chat or prompt/completion, parquet)")
    a.add_argument("path", help="training file: .jsonl (optionally gzipped) or .parquet")
    a.add_argument("--against-suite", action="append", default=[], metavar="NAME",
                   help="check for prompts leaked from this built-in suite (repeatable)")
    a.add_argument("--against", action="append", default=[], metavar="FILE",
                   help="check for prompts leaked from this evaluation file (JSONL or text; repeatable)")
    a.add_argument("--column-map", help="FIELD=COLUMN pairs, e.g. prompt=instruction,completion=output "
                                        "(fields: messages, prompt, completion, system, label)")
    a.add_argument("--json", dest="json_path", help="write the summary JSON here")
    a.add_argument("--report", "--out", "-o", dest="report", help="write an HTML report here")
    a.add_argument("--findings", help="write per-example findings (JSONL) here")
    a.add_argument("--judge", default="local",
                   help="harm judge: local (embedded, default), none, or a judge folder")
    a.add_argument("--strict", action="store_true", help="stop at the first bad line")
    a.add_argument("--fail-on", choices=["low", "medium", "high"],
                   help="exit 1 when the risk level reaches this level")
    a.add_argument("--workers", type=whole(1, 256),
                   help="scanner processes (default: 2 for large files, else 1); with --executor ray and no "
                        "--address, the CPUs of the local Ray instance (default: all)")
    add_executor_options(a)
    a.add_argument("--max-line-mb", type=real(0, 4096, above=True), default=16.0, help="longest line accepted (default 16 MB)")
    a.add_argument("--quiet", action="store_true", help="print nothing but errors")
    add_config_option(a)
    a.set_defaults(func=run)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..data.outputs import check_writable
    from ..userfiles import check_input_file

    for path, option in ((args.json_path, "--json"), (args.report, "--report"), (args.findings, "--findings")):
        check_writable(path, option)
    check_input_file(args.path, text=False)
    for other in args.against or []:
        check_input_file(other, field="--against", text=Path(other).suffix.lower() not in (".parquet", ".pq"))
    if args.address is not None:
        from ..executors.ray import check_address

        check_address(args.address)
    return run_with_executor(args, lambda executor: _audit(args, executor), workers=args.workers)


def _audit(args: argparse.Namespace, executor: Executor | None) -> int:
    from ..data import audit_dataset
    from ..data.outputs import summary_text, write_outputs
    from ..data.risk import level_at_least
    from ..engine.progress import Progress

    with Progress(enabled=False if args.quiet else None) as progress:
        bar = progress.bar("data audit (examples scanned)", None)
        result = audit_dataset(
            args.path, against_suites=args.against_suite, against_files=args.against, column_map=args.column_map,
            strict=args.strict, judge=None if args.judge in ("none", "off") else args.judge,
            workers=args.workers, max_line_bytes=int(args.max_line_mb * 1024 * 1024), findings_path=args.findings,
            progress=lambda scanned: bar.advance(scanned - bar.done), executor=executor,
        )
    with result:  # the findings are streamed straight to --findings (or to a temporary folder removed here)
        write_outputs(result, json_path=args.json_path, report_path=args.report, findings_path=args.findings)
        if not args.quiet:
            print(summary_text(result))
    if args.fail_on and level_at_least(result.risk_level, args.fail_on):
        print(f"emaudit: risk level {result.risk_level} reaches --fail-on {args.fail_on}", file=sys.stderr)
        return 1
    return 0
