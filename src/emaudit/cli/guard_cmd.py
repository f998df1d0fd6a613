"""`emaudit guard serve|keys|queue|logs|replay`: the deployment guard in front of a live model."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from . import store_path
from .numbers import real, whole


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("guard", help="an OpenAI-compatible proxy with filters, a hold queue, logs and replay")
    gsub = p.add_subparsers(dest="guard_command", metavar="SUBCOMMAND")

    s = gsub.add_parser("serve", help="serve the guard (127.0.0.1:8788 by default)")
    s.add_argument("--upstream", help="openai-api/<service>/<model> or openai/<model>; its key comes from "
                   "<SERVICE>_API_KEY / OPENAI_API_KEY only (optional when every policy route names its own)")
    s.add_argument("--policy", help="policy YAML (default: flag prompt injection and secrets, block nothing)")
    s.add_argument("--host", default="127.0.0.1", help="listen address; any other than loopback needs guard keys")
    s.add_argument("--port", type=whole(0, 65535), default=8788)
    s.add_argument("--max-body-bytes", type=whole(1, 1 << 34), default=1 << 20, help="larger requests get 413 (default 1 MiB)")
    s.add_argument("--upstream-timeout", type=real(0, 86_400, above=True), default=120.0, help="seconds without upstream data (504; default 120)")
    s.add_argument("--request-timeout", type=real(0, 86_400, above=True), default=600.0,
                   help="seconds for the whole upstream exchange, streams included (504; default 600)")
    s.add_argument("--body-timeout", type=real(0, 86_400, above=True), default=30.0,
                   help="seconds to receive the client's request body (408; default 30)")
    s.add_argument("--workers", type=whole(1, 64), default=1,
                   help="processes sharing the port (SO_REUSEPORT), all logging to the one store (default 1)")
    s.set_defaults(func=_serve)

    k = gsub.add_parser("keys", help="guard API keys: add NAME (printed once), list, revoke NAME")
    k.add_argument("action", choices=["add", "list", "revoke"])
    k.add_argument("name", nargs="?")
    k.set_defaults(func=_keys)

    q = gsub.add_parser("queue", help="held answers: list, show ID, approve ID, reject ID, edit ID")
    q.add_argument("action", nargs="?", default="list", choices=["list", "show", "approve", "reject", "edit"])
    q.add_argument("hold_id", nargs="?", type=whole(1))
    q.add_argument("--by", default="", help="who decides")
    q.add_argument("--why", default="", help="why")
    q.add_argument("--sha256", help="the held bytes' hash as shown by `queue show` (the approval binds to it)")
    q.add_argument("--text", help="edit: the answer to release instead")
    q.add_argument("--all", action="store_true", help="list: also decided holds")
    q.set_defaults(func=_queue)

    lg = gsub.add_parser("logs", help="logged exchanges, newest last")
    lg.add_argument("--since", help="30m, 1h, 2d, 1w or an ISO time")
    lg.add_argument("--flagged", action="store_true", help="only exchanges not plainly allowed")
    lg.add_argument("-n", "--limit", type=whole(0), default=50, help="at most this many (newest); 0 for all")
    lg.add_argument("--json", action="store_true", help="one JSON object per line, full rows")
    lg.set_defaults(func=_logs)

    r = gsub.add_parser("replay", help="re-decide logged traffic under --policy, or re-send LOG_ID to --model")
    r.add_argument("log_id", nargs="?", type=whole(1))
    r.add_argument("--since", default="1d")
    r.add_argument("--policy", help="the new policy YAML: the decisions it would have taken, diffed")
    r.add_argument("--model", help="with LOG_ID: re-send that conversation to this model and judge both answers")
    r.add_argument("--judge", default="local", help="embedded judge for --model (default local)")
    r.add_argument("--all", action="store_true", help="show unchanged decisions too")
    r.set_defaults(func=_replay)

    from .guard_override_cmd import add_parser as add_override_parser

    add_override_parser(gsub)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _journal(args: argparse.Namespace, *, create: bool = False) -> Any:
    from ..guard.journal import Journal

    return Journal.open(store_path(args), create=create)


def _serve(args: argparse.Namespace) -> int:
    from ..guard.serve import build_settings, serve, serve_workers

    options = {"host": args.host, "max_body_bytes": args.max_body_bytes, "upstream_timeout_s": args.upstream_timeout,
               "request_timeout_s": args.request_timeout, "body_timeout_s": args.body_timeout}
    settings = build_settings(args.upstream, args.policy, store_path(args), **options)
    if args.workers == 1:
        serve(settings, args.port)
    else:
        serve_workers(settings, args.port, args.workers, (args.upstream, args.policy, str(store_path(args)), options))
    return 0


def _keys(args: argparse.Namespace) -> int:
    from ..errors import UserError

    j = _journal(args, create=args.action == "add")   # keys may be made before the guard first serves
    if args.action == "list":
        for name, created, revoked in j.list_keys():
            print(f"{name}\tcreated {created}" + (f"\trevoked {revoked}" if revoked else ""))
        return 0
    if not args.name:
        raise UserError(f"`guard keys {args.action}` needs a NAME", field="name")
    if args.action == "add":
        key = j.add_key(args.name)
        print(key)
        print(f"guard key {args.name!r} made; it is shown only now (the store keeps its hash)", file=sys.stderr)
    else:
        j.revoke_key(args.name)
        print(f"revoked {args.name}")
    return 0


def _queue(args: argparse.Namespace) -> int:
    from ..errors import UserError
    from ..guard.page import held_text

    j = _journal(args)
    j.expire_holds()
    if args.action == "list":
        holds = j.holds(state=None if args.all else "held")
        if not holds:
            print("nothing is held")
        for h in holds:
            log = j.get_log(h["log_id"])
            first = held_text(h["held_body"]).strip().splitlines()
            print(f"{h['id']}\t{h['state']}\t{log['key_name']}\t{log['reason']}\texpires {h['expires_at']}\t"
                  f"{(first[0] if first else '')[:80]}")
        return 0
    if args.hold_id is None:
        raise UserError(f"`guard queue {args.action}` needs a hold ID (see `emaudit guard queue`)", field="hold")
    if args.action == "show":
        h = j.hold(args.hold_id)
        print(f"hold {h['id']} ({h['state']}), sha256 {h['held_sha256']}\n{held_text(h['held_body'])}\n\n"
              f"approve exactly these bytes: emaudit guard queue approve {h['id']} --sha256 {h['held_sha256']} "
              f"--by NAME --why REASON")
        return 0
    if args.action == "approve" and not args.sha256:
        raise UserError("an approval names the bytes it approves: add --sha256 from `emaudit guard queue show "
                        f"{args.hold_id}`", field="sha256")
    verdict = {"approve": "approve", "reject": "reject", "edit": "edit"}[args.action]
    h = j.decide(args.hold_id, verdict, by=args.by, why=args.why, sha256=args.sha256, edited=args.text)
    print(f"hold {h['id']} {h['state']} by {h['decided_by']}: {h['why']}")
    return 0


def _logs(args: argparse.Namespace) -> int:
    from ..guard.journal import parse_since

    j = _journal(args)
    rows = j.logs(since=parse_since(args.since) if args.since else None, flagged=args.flagged,
                  limit=args.limit or None)
    for r in rows:
        if args.json:
            print(json.dumps(r))
            continue
        fired = ",".join(f"{f['filter']}:{f['reason']}" for f in r["filters"] if f["tripped"]) or "-"
        print(f"{r['id']}\t{r['created_at']}\t{r['key_name']}\t{r['decision']}\t{r['reason'] or '-'}\t"
              f"{r['status']}\t{r['latency_ms']:.1f} ms\t{r['checked']}\t{fired}\troute {r['route'] or '-'}")
    if not rows and not args.json:
        print("no logged exchanges match")
    return 0


def _replay(args: argparse.Namespace) -> int:
    from ..errors import UserError
    from ..guard import replay

    j = _journal(args)
    if args.log_id is not None:
        if not args.model:
            raise UserError("`guard replay LOG_ID` needs --model SPEC to re-send the conversation to", field="model")
        print(replay.render_resend(replay.resend(j, args.log_id, args.model, args.judge)))
        return 0
    if not args.policy:
        raise UserError("`guard replay` needs --policy NEW.yaml (or a LOG_ID and --model)", field="policy")
    from ..guard.journal import parse_since

    diff = replay.replay_policy(j, parse_since(args.since), args.policy)
    print(replay.render_diff(diff, show_all=args.all))
    return 0
