"""`emaudit guard override list|clear`: what monitors told the guard to do, and a person's undo."""

from __future__ import annotations

import argparse
import json
import os

from . import store_path


def add_parser(gsub: argparse._SubParsersAction) -> None:
    o = gsub.add_parser("override", help="overrides a monitor's alert set on the guard: list, clear (with who/why)")
    o.add_argument("action", nargs="?", default="list", choices=["list", "clear"])
    o.add_argument("ids", nargs="*", help="clear: only these override ids (default: every active one)")
    o.add_argument("--monitor", help="clear: only the overrides of this monitor")
    o.add_argument("--all", action="store_true", help="list: cleared overrides too")
    o.add_argument("--by", default=os.environ.get("USER", ""), help="who clears (default $USER)")
    o.add_argument("--why", default="", help="why (required to clear)")
    o.add_argument("--json", action="store_true")
    o.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..guard import overrides
    from ..store import Store

    with Store.open(store_path(args), create=False) as store:   # a mistyped --store is an error, not a new store
        if args.action == "clear":
            source = f"monitor:{args.monitor}" if args.monitor else None
            cleared = overrides.clear(store.db, by=args.by, why=args.why, source=source, ids=args.ids or None)
            for r in cleared:
                print(f"cleared guard override {r['id']} ({r['action']}{' ' + r['target'] if r['target'] else ''}, "
                      f"set by {r['source']}) by {args.by}: {args.why}")
            if not cleared:
                print("no active guard overrides to clear")
            return 0
        rows = overrides.rows(store.db, active=not args.all)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        state = "active" if r["cleared_at"] is None else f"cleared {r['cleared_at']} by {r['cleared_by']}: {r['cleared_why']}"
        print(f"{r['id']}\t{r['created_at']}\t{r['source']}\t{r['action']}\t{r['target'] or '-'}\t{state}\t{r['reason']}")
    if not rows:
        print("no active guard overrides" if not args.all else "no guard overrides")
    return 0
