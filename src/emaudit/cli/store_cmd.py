"""`emaudit store gc`: delete answers and judgements no run holds any more."""

from __future__ import annotations

import argparse

from . import add_config_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("store", help="maintain the run store (gc: delete what no run holds)")
    actions = p.add_subparsers(dest="store_action", metavar="ACTION", required=True)
    gc = actions.add_parser("gc", help="delete items, answers and judgements that no run holds")
    add_config_option(gc)
    gc.set_defaults(func=run_gc)


def run_gc(args: argparse.Namespace) -> int:
    from ..store import Store
    from ..store.lifecycle import collect

    store = Store.open(args.store, create=False)
    done = collect(store)
    store.db.execute("VACUUM")
    print(f"removed {done.items} items, {done.answers} answers, {done.judgements} judgements and "
          f"{done.judges} judges that no run holds")
    return 0
