"""The ``emaudit`` command: thin option parsing over the Python API.

Each subcommand lives in its own module here with ``register(subparsers)``; the module sets
``func`` on its parser to a function ``(args) -> int`` (the exit status). Every option can also
come from ``--config file.yaml`` (keys are the option names, dashes or underscores); the command
line wins over the file.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
import warnings
from pathlib import Path
from typing import Any, NoReturn

from ..errors import UserError

COMMAND_MODULES = [
    "generate", "runs", "export", "suites",
    "audit", "analyze", "rescore", "import_cmd", "judge_cmd",
    "data_cmd", "dataset_cmd", "finetune_cmd", "experiment_cmd",
    "report_cmd", "view_cmd", "guard_cmd", "store_cmd", "redteam_cmd", "scan_triggers_cmd", "dynamics_cmd", "monitor_cmd",
]


class OneLineParser(argparse.ArgumentParser):
    """Usage mistakes get one line on stderr (and ``-h`` for the full usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} -h)\n")


COMMAND_NAMES = {"generate", "runs", "export", "suites", "audit", "analyze", "rescore", "import", "judge", "data",
                 "dataset", "finetune", "experiment", "report", "compare", "view", "guard", "store", "redteam",
                 "scan-triggers", "dynamics", "monitor"}


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="emaudit", description="Audit fine-tuned models for emergent misalignment.")
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"emaudit {__version__}")
    parser.add_argument("--store", default=os.environ.get("EMAUDIT_STORE", "emaudit.db"),
                        help="run store: a SQLite path or sqlite:/// URL, or postgresql://user@host:port/db "
                             "(default: emaudit.db, or $EMAUDIT_STORE)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(sub)
    parsers = list(sub.choices.values())
    while parsers:
        command_parser = parsers.pop()
        # Also accepted after the subcommand; SUPPRESS keeps it from overriding the global value.
        if not any(a.dest == "store" for a in command_parser._actions):
            command_parser.add_argument("--store", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        for action in command_parser._actions:  # nested subcommands: `runs show`, `store gc`, `data audit`
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    return parser


def add_config_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help="YAML file with option values; command-line options override it")


def _apply_config(sub: argparse.ArgumentParser, path: str, argv: list[str]) -> None:
    """File values become the subcommand's defaults, so the command line still wins."""
    from ..config import load_options

    actions = [a for a in sub._actions if a.dest not in ("help", "config", "store")]
    known = {a.dest: a for a in actions}
    for a in actions:  # the option's own name works too: `json:` for --json (dest json_path)
        for option in a.option_strings:
            if option.startswith("--"):
                known.setdefault(option[2:].replace("-", "_"), a)
    values = load_options(path, known)
    for dest in list(values):
        action = known[dest]
        # A repeatable option given on the command line replaces the file's list instead of extending it.
        if isinstance(action, argparse._AppendAction) and any(
                a in action.option_strings or a.split("=", 1)[0] in action.option_strings for a in argv):
            del values[dest]
    sub.set_defaults(**values)
    for dest, value in values.items():
        if value is not None:
            known[dest].required = False


def _config_path(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--config="):
            return arg.split("=", 1)[1]
    return None


def _find_subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: Any = action.choices.get(command)
            return found
    return None  # a parser without subcommands


def quiet_libraries() -> None:
    """Settings for every entry point, before anything imports torch or transformers."""
    # With 2 threads on a busy CPU, OpenMP's spin-wait costs 4-10x.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Library chatter on every local run (weight-loading bars, advisory warnings): ours to silence,
    # unless the user asks for it through these same variables.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    for library in ("transformers", "peft", "torch"):  # deprecation notices a user cannot act on
        warnings.filterwarnings("ignore", category=FutureWarning, module=library)
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=library)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args: argparse.Namespace | None = None
    try:
        quiet_libraries()  # inside the try: a Ctrl-C this early is still an interruption, not a traceback
        parser = build_parser()
        config = _config_path(argv)
        if config is not None:
            position = next((i for i, a in enumerate(argv) if a in COMMAND_NAMES), None)
            sub = _find_subparser(parser, argv[position]) if position is not None else None
            # Nested subcommands (`data audit`, `judge fit`): the file applies to the innermost one.
            while sub is not None and position is not None and position + 1 < len(argv):
                inner = _find_subparser(sub, argv[position + 1])
                if inner is None:
                    break
                sub, position = inner, position + 1
            if sub is not None:
                _apply_config(sub, config, argv)
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        status: int = args.func(args)
        return status
    except UserError as e:
        print(f"emaudit: error: {e}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as e:  # a store damaged where only a later read reaches it
        print(f"emaudit: error: {getattr(args, 'store', 'the run store')}: store: the run store is damaged or "
              f"unreadable ({e}); restore it from a copy or use another --store", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("emaudit: interrupted; run the same command again to continue where it stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def store_path(args: argparse.Namespace) -> Path | str:
    return str(args.store)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
