"""Monitors, their checks and their locks in the run store (tables of migration ``m006_monitors``)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from ..errors import UserError
from .store import Store, now


@dataclass(frozen=True)
class CheckRow:
    id: int
    monitor: str
    run_name: str
    status: str                   # running | ok | failed
    started_at: str
    finished_at: str | None
    summary: dict[str, Any]


def save_monitor(store: Store, name: str, config: dict[str, Any]) -> None:
    if store.db.execute("SELECT 1 FROM monitors WHERE name = ?", (name,)).fetchone():
        raise UserError(f"a monitor named {name!r} exists; remove it first (emaudit monitor rm {name})",
                        field="name")
    store.db.execute("INSERT INTO monitors VALUES (?, ?, ?)", (name, json.dumps(config), now()))


def monitor_config(store: Store, name: str) -> dict[str, Any]:
    row = store.db.execute("SELECT config_json FROM monitors WHERE name = ?", (name,)).fetchone()
    if row is None:
        names = monitor_names(store)
        hint = f"; monitors here: {', '.join(names)}" if names else "; the store has no monitors"
        raise UserError(f"no monitor named {name!r}{hint}", field="monitor")
    config: dict[str, Any] = json.loads(row[0])
    return config


def update_monitor(store: Store, name: str, config: dict[str, Any]) -> None:
    monitor_config(store, name)
    store.db.execute("UPDATE monitors SET config_json = ? WHERE name = ?", (json.dumps(config), name))


def monitor_names(store: Store) -> list[str]:
    return [r[0] for r in store.db.execute("SELECT name FROM monitors ORDER BY name")]


def delete_monitor(store: Store, name: str) -> None:
    """Forget the monitor; its checks stay in the store as ordinary audit runs."""
    monitor_config(store, name)
    store.db.execute("DELETE FROM monitors WHERE name = ?", (name,))
    store.db.execute("DELETE FROM monitor_checks WHERE monitor = ?", (name,))


def start_check(store: Store, monitor: str, run_name: str, started_at: str | None = None) -> None:
    store.db.execute("INSERT OR IGNORE INTO monitor_checks (monitor, run_name, status, started_at) "
                     "VALUES (?, ?, 'running', ?)", (monitor, run_name, started_at or now()))


def finish_check(store: Store, run_name: str, status: str, summary: dict[str, Any]) -> None:
    store.db.execute("UPDATE monitor_checks SET status = ?, finished_at = ?, summary_json = ? WHERE run_name = ?",
                     (status, now(), json.dumps(summary), run_name))


def checks(store: Store, monitor: str) -> list[CheckRow]:
    return [CheckRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]) if r[6] else {}) for r in store.db.execute(
        "SELECT id, monitor, run_name, status, started_at, finished_at, summary_json FROM monitor_checks "
        "WHERE monitor = ? ORDER BY id", (monitor,))]


def acquire_lock(store: Store, name: str, holder: str, seconds: float) -> str | None:
    """Take the lock ``name`` for ``seconds``; None when taken, else the holder that has it now.

    A holder may renew its own lock; an expired lock goes to whoever asks first.
    """
    stamp = time.time()
    store.db.execute("BEGIN IMMEDIATE")
    try:
        row = store.db.execute("SELECT holder, expires_at FROM monitor_locks WHERE name = ?", (name,)).fetchone()
        if row is not None and row[0] != holder and row[1] > stamp:
            store.db.execute("ROLLBACK")
            return str(row[0])
        store.db.execute("INSERT OR REPLACE INTO monitor_locks VALUES (?, ?, ?)", (name, holder, stamp + seconds))
        store.db.execute("COMMIT")
    except BaseException:
        store.db.execute("ROLLBACK")
        raise
    return None


def release_lock(store: Store, name: str, holder: str) -> None:
    store.db.execute("DELETE FROM monitor_locks WHERE name = ? AND holder = ?", (name, holder))
