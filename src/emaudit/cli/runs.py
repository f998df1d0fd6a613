"""`emaudit runs`: the runs in the store, with progress and cost so far; `runs show|rm|rename`."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from . import add_config_option
from .options import open_store

COLUMNS = ("run", "kind", "status", "answered", "failed", "judged answers", "tokens in/out", "cost", "updated")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("runs", help="list runs in the store with progress and cost; runs show|rm|rename")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--plain", action="store_true", help="tab-separated rows, no table")
    add_config_option(p)
    p.set_defaults(func=run)
    actions = p.add_subparsers(dest="runs_action", metavar="ACTION")
    show = actions.add_parser("show", help="a run's settings, judges, counts and status")
    show.add_argument("name")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=run_show)
    rm = actions.add_parser("rm", help="remove a run (answers other runs share stay; `emaudit store gc` "
                                       "removes the rest)")
    rm.add_argument("name")
    rm.set_defaults(func=run_rm)
    rename = actions.add_parser("rename", help="rename a run")
    rename.add_argument("old")
    rename.add_argument("new")
    rename.set_defaults(func=run_rename)


def _row(s: Any) -> list[str]:
    cost = "?" if s.cost_usd is None else f"${s.cost_usd:.4f}"
    return [s.name, s.kind, s.status, f"{s.answered}/{s.items}", str(s.failed), str(s.judged_answers),
            f"{s.prompt_tokens}/{s.completion_tokens}", cost, s.updated_at]


def run(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.table import Table

    from ..report.console import make_console

    summaries = open_store(args, create=False).list_runs()
    if args.json:
        print(json.dumps([asdict(s) for s in summaries], indent=2))
        return 0
    if args.plain:
        print("\t".join(COLUMNS))
        for s in summaries:
            print("\t".join(_row(s)))
        return 0
    if not summaries:
        print(f"no runs in {args.store}")
        return 0
    table = Table(title=f"runs in {escape(str(args.store))}",
                  caption="judged answers: answers with all their metrics judged by the run's current judge")
    for col in COLUMNS:
        table.add_column(col, justify="right" if col in ("answered", "failed", "judged answers", "cost") else "left")
    for s in summaries:
        table.add_row(*(escape(cell) for cell in _row(s)))
    make_console().print(table)
    return 0


def _existing_store(args: argparse.Namespace) -> Any:
    from ..store import Store

    return Store.open(args.store, create=False)


def describe_run(store: Any, name: str) -> dict[str, Any]:
    """What `runs show` prints: settings, judges (short name, id, judgements), counts, status."""
    run = store.get_run(name)
    summary = store.summary(run)
    counts = dict(store.db.execute(
        "SELECT g.judge_id, COUNT(*) FROM judgements g JOIN run_items ri ON ri.item_key = g.item_key "
        "WHERE ri.run_id = ? GROUP BY g.judge_id", (run.id,)).fetchall())
    current = set(run.config.get("judge_ids") or [])
    judges = [{"name": spec.get("model", "?"), "id": judge_id, "judgements": counts.get(judge_id, 0),
               "current": judge_id in current} for judge_id, spec in store.run_judges(run)]
    settings = {k: v for k, v in run.config.items() if k != "judge_ids"}
    return {"name": run.name, "kind": run.kind, "status": summary.status, "created_at": run.created_at,
            "updated_at": run.updated_at, "settings": settings, "judges": judges,
            "answers_by_endpoint": store.answers_by_endpoint(run),
            "counts": {"items": summary.items, "answered": summary.answered, "failed": summary.failed,
                       "judged_answers": summary.judged_answers, "judgements": summary.judgements, "prompt_tokens": summary.prompt_tokens,
                       "completion_tokens": summary.completion_tokens, "cost_usd": summary.cost_usd}}


def run_show(args: argparse.Namespace) -> int:
    info = describe_run(_existing_store(args), args.name)
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    s = info["settings"]
    c = info["counts"]
    print(f"run {info['name']} ({info['kind']}): {info['status']}; created {info['created_at']}, "
          f"updated {info['updated_at']}")
    for m in s.get("models", []):
        print(f"  model     {m['spec']} ({m['role']})")
    for suite in s.get("suites", []):
        print(f"  suite     {suite['name']} ({suite['questions']} questions)")
    for imported in s.get("imports", []):
        print(f"  imported  {imported.get('file')} ({imported.get('rows')} rows, format {imported.get('format')})")
    if "generation" in s:
        print(f"  samples   {s.get('samples') or 'each question its own'}; generation {json.dumps(s['generation'])}")
    if "judge" in s:
        print(f"  judge     {s['judge'].get('model')} (asked for)")
    for j in info["judges"]:
        mark = " (current)" if j["current"] else ""
        print(f"  judged by {j['name']}{mark}: {j['judgements']} judgements; id {j['id']}")
    if info["answers_by_endpoint"]:
        print("  endpoints " + ", ".join(f"{e}: {n} answers" for e, n in info["answers_by_endpoint"].items()))
    cost = "?" if c["cost_usd"] is None else f"${c['cost_usd']:.4f}"
    print(f"  counts    {c['answered']}/{c['items']} answered, {c['failed']} failed, {c['judged_answers']} judged answers ({c['judgements']} judgements), "
          f"tokens {c['prompt_tokens']} in / {c['completion_tokens']} out, cost {cost}")
    return 0


def run_rm(args: argparse.Namespace) -> int:
    from ..store.lifecycle import remove_run

    remove_run(_existing_store(args), args.name)
    print(f"removed run {args.name}; its answers stay in the store until `emaudit store gc` "
          "(those other runs share are kept)")
    return 0


def run_rename(args: argparse.Namespace) -> int:
    from ..store.lifecycle import rename_run

    rename_run(_existing_store(args), args.old, args.new)
    print(f"renamed run {args.old} to {args.new}")
    return 0
