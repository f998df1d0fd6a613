"""`emaudit view`: a small local web page over the run store."""

from __future__ import annotations

import argparse
import sys

from . import add_config_option, store_path
from .numbers import whole


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("view", help="browse the runs in the store on a local web page",
                       description="Serve a small local web page over the run store: list runs, open a report, "
                                   "compare two runs, filter answers. Listens on 127.0.0.1 only unless --host is given.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; anything else exposes your runs to that network)")
    p.add_argument("--port", type=whole(0, 65535), default=8765, help="port (default 8765; 0 picks a free one)")
    add_config_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import UserError
    from ..report.view_server import StoreSource, _is_loopback, serve

    if not 0 <= args.port <= 65535:
        raise UserError(f"port must be between 0 and 65535, got {args.port}", field="port")
    source = StoreSource(store_path(args))
    if not _is_loopback(args.host):
        print(f"emaudit view: warning: listening on {args.host}; anyone who can reach it can read your runs",
              file=sys.stderr)

    def ready(url: str) -> None:
        print(f"emaudit view: serving {store_path(args)} at {url}  (Ctrl-C to stop)", flush=True)

    serve(source, args.host, args.port, store_label=str(store_path(args)), on_ready=ready)
    return 0
