"""A run's life cycle: who is working on it (pid, host, heartbeat), remove, rename, collect orphans.

A run marked ``running`` whose process is gone reads ``interrupted``: on this host when its pid no
longer exists, elsewhere when its heartbeat is older than ``STALE_AFTER_S``.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..errors import UserError

if TYPE_CHECKING:
    from .records import Run
    from .store import Store

STALE_AFTER_S = 15 * 60
HEARTBEAT_EVERY_S = 10.0
_last_beat: dict[tuple[str, int], float] = {}


def claim(store: Store, run: Run) -> None:
    """Record this process as the run's owner."""
    from .store import now

    store.db.execute("INSERT OR REPLACE INTO run_owners VALUES (?, ?, ?, ?)",
                     (run.id, os.getpid(), socket.gethostname(), now()))
    _last_beat[(store.location, run.id)] = time.monotonic()


def heartbeat(store: Store, run: Run) -> None:
    """Say the owner is still alive (at most every ``HEARTBEAT_EVERY_S`` seconds)."""
    from .store import now

    key = (store.location, run.id)
    if time.monotonic() - _last_beat.get(key, 0.0) < HEARTBEAT_EVERY_S:
        return
    _last_beat[key] = time.monotonic()
    store.db.execute("UPDATE run_owners SET heartbeat_at = ? WHERE run_id = ?", (now(), run.id))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def effective_status(store: Store, run_id: int, status: str) -> str:
    """``running`` becomes ``interrupted`` when the owning process is gone."""
    if status != "running":
        return status
    row = store.db.execute("SELECT pid, host, heartbeat_at FROM run_owners WHERE run_id = ?", (run_id,)).fetchone()
    if row is None:
        return status
    pid, host, beat = row
    if host == socket.gethostname():
        return status if _pid_alive(int(pid)) else "interrupted"
    age = (datetime.now(datetime.fromisoformat(beat).tzinfo) - datetime.fromisoformat(beat)).total_seconds()
    return status if age < STALE_AFTER_S else "interrupted"


def check_name(name: str) -> None:
    if not name or "/" in name:
        raise UserError(f"run names are non-empty and have no '/': {name!r}", field="run")


def rename_run(store: Store, old: str, new: str) -> None:
    run = store.get_run(old)
    check_name(new)
    if store.find_run(new) is not None:
        raise UserError(f"a run named {new!r} already exists; pick another name", field="run")
    from .store import now

    store.db.execute("UPDATE runs SET name = ?, updated_at = ? WHERE id = ?", (new, now(), run.id))


_RUN_TABLES = ("run_items", "run_judges", "errors", "attachments", "run_owners")


def remove_run(store: Store, name: str) -> None:
    """Forget a run; its answers and judgements stay (other runs may share them) until ``collect``."""
    run = store.get_run(name)
    store.db.execute("BEGIN IMMEDIATE")
    try:
        for table in _RUN_TABLES:
            store.db.execute(f"DELETE FROM {table} WHERE run_id = ?", (run.id,))
        store.db.execute("DELETE FROM runs WHERE id = ?", (run.id,))
        store.db.execute("COMMIT")
    except BaseException:
        store.db.execute("ROLLBACK")
        raise


@dataclass(frozen=True)
class Collected:
    items: int
    answers: int
    judgements: int
    judges: int


def collect(store: Store) -> Collected:
    """Delete items no run holds, with their answers and judgements, and judges nothing refers to."""
    orphan = "SELECT key FROM items WHERE key NOT IN (SELECT item_key FROM run_items)"
    store.db.execute("BEGIN IMMEDIATE")
    try:
        judgements = store.db.execute(f"DELETE FROM judgements WHERE item_key IN ({orphan})").rowcount
        store.db.execute(f"DELETE FROM answer_endpoints WHERE item_key IN ({orphan})")
        answers = store.db.execute(f"DELETE FROM answers WHERE item_key IN ({orphan})").rowcount
        store.db.execute(f"DELETE FROM errors WHERE item_key IN ({orphan})")
        items = store.db.execute(f"DELETE FROM items WHERE key IN ({orphan})").rowcount
        judges = store.db.execute(
            "DELETE FROM judges WHERE judge_id NOT IN (SELECT judge_id FROM run_judges) "
            "AND judge_id NOT IN (SELECT DISTINCT judge_id FROM judgements)").rowcount
        store.db.execute("COMMIT")
    except BaseException:
        store.db.execute("ROLLBACK")
        raise
    return Collected(items, answers, judgements, judges)
