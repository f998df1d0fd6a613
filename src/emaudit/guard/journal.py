"""The guard's tables in the run store: API keys (hashes only), one log row per exchange, the hold queue.

Every write commits at once (WAL), so ``kill -9`` loses no committed log row and no queued hold.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import queue
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..store.postgres import require_sqlite
from ..store.store import Store
from .jsonfast import dumps_text

KEY_PREFIX = "emg-"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
LOG_COLUMNS = ("id", "created_at", "key_name", "policy_version", "model", "stream_mode", "checked", "decision",
               "reason", "status", "latency_ms", "upstream_ms", "request_json", "response_json", "filters_json",
               "route")
HOLD_COLUMNS = ("id", "log_id", "created_at", "expires_at", "fallback", "held_sha256", "held_body", "state",
                "released_body", "decided_by", "why", "decided_at")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def stamp(t: datetime | None = None) -> str:
    return (t or utcnow()).isoformat(timespec="milliseconds")


def key_hash(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough (no password stretching needed).
    return hashlib.sha256(key.encode()).hexdigest()


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class LogRow:
    key_name: str
    policy_version: str
    model: str
    stream_mode: str
    checked: str            # before-send | while-streaming | after-send | partial | not-scanned
    decision: str           # allow | flag | block | hold | error
    reason: str | None
    status: int
    latency_ms: float
    upstream_ms: float | None
    request: Any
    response: Any
    filters: list[dict[str, Any]]
    route: str | None = None   # the policy route that decided (None: the top-level defaults)
    hold: tuple[str, float, str] | None = None   # (held body, timeout s, fallback): queued in the row's transaction
    hold_id: int | None = None                   # set once the hold is queued
    id: int | None = None                        # set once written


class Journal:
    """The guard's view of the run store (its own connection; the proxy's one writer)."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Journal:
        """``create=False`` for commands that only read or act on what is there: a mistyped --store is an error."""
        require_sqlite(path, "the guard's journal")
        store = Store.open(path, create=create)  # creates or migrates the schema; refuses a newer one
        store.close()
        # The guard's server thread is not the one that opened it; every use stays on one thread at a time.
        db = sqlite3.connect(str(store.path), isolation_level=None, timeout=30.0, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return cls(db, store.path)

    def close(self) -> None:
        self.db.close()

    # ---- keys -------------------------------------------------------------------------------
    def add_key(self, name: str) -> str:
        if not NAME_RE.match(name):
            raise UserError(f"key names are 1-64 letters, digits, '.', '_' or '-': {name!r}", field="name")
        if self.db.execute("SELECT 1 FROM guard_keys WHERE name = ?", (name,)).fetchone():
            raise UserError(f"a key named {name!r} exists; revoke it first or pick another name", field="name")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.db.execute("INSERT INTO guard_keys (name, key_hash, created_at) VALUES (?, ?, ?)",
                        (name, key_hash(key), stamp()))
        return key

    def revoke_key(self, name: str) -> None:
        cur = self.db.execute("UPDATE guard_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                              (stamp(), name))
        if cur.rowcount == 0:
            raise UserError(f"no active key named {name!r}", field="name")

    def list_keys(self) -> list[tuple[str, str, str | None]]:
        return list(self.db.execute("SELECT name, created_at, revoked_at FROM guard_keys ORDER BY name"))

    def has_keys(self) -> bool:
        """Whether keys were ever made: from then on every request needs one (revoking the last does not reopen)."""
        return self.db.execute("SELECT 1 FROM guard_keys LIMIT 1").fetchone() is not None

    def key_name(self, key: str) -> str | None:
        row = self.db.execute("SELECT name FROM guard_keys WHERE key_hash = ? AND revoked_at IS NULL",
                              (key_hash(key),)).fetchone()
        return row[0] if row else None

    # ---- log --------------------------------------------------------------------------------
    def write_log(self, row: LogRow) -> int:
        return _insert_log(self.db, row)

    def writer(self) -> LogWriter:
        return LogWriter(self.path)


    def update_log(self, log_id: int, **fields: Any) -> None:
        sets, values = [], []
        for name, value in fields.items():
            column = {"response": "response_json", "filters": "filters_json"}.get(name, name)
            if column not in LOG_COLUMNS:
                raise KeyError(name)
            sets.append(f"{column} = ?")
            values.append(json.dumps(value) if name in ("response", "filters") else value)
        self.db.execute(f"UPDATE guard_log SET {', '.join(sets)} WHERE id = ?", (*values, log_id))

    def logs(self, *, since: datetime | None = None, flagged: bool = False, limit: int | None = None,
             ids: list[int] | None = None) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        if since is not None:
            where.append("created_at >= ?")
            params.append(stamp(since))
        if flagged:
            where.append("decision != 'allow'")
        if ids is not None:
            where.append(f"id IN ({', '.join('?' * len(ids))})")
            params.extend(ids)
        sql = f"SELECT {', '.join(LOG_COLUMNS)} FROM guard_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        if limit is not None:
            sql = f"SELECT * FROM ({sql[:-len(' ORDER BY id')]} ORDER BY id DESC LIMIT {int(limit)}) ORDER BY id"
        return [_log_dict(r) for r in self.db.execute(sql, params)]

    def get_log(self, log_id: int) -> dict[str, Any]:
        rows = self.logs(ids=[log_id])
        if not rows:
            raise UserError(f"no guard log row {log_id} in {self.path}", field="log_id")
        return rows[0]

    # ---- holds ------------------------------------------------------------------------------
    def add_hold(self, log_id: int, body: str, timeout_s: float, fallback: str) -> int:
        return _insert_hold(self.db, log_id, body, timeout_s, fallback)

    def hold(self, hold_id: int) -> dict[str, Any]:
        row = self.db.execute(f"SELECT {', '.join(HOLD_COLUMNS)} FROM guard_holds WHERE id = ?",
                              (hold_id,)).fetchone()
        if row is None:
            raise UserError(f"no held response {hold_id} in {self.path}", field="hold")
        return dict(zip(HOLD_COLUMNS, row, strict=True))

    def holds(self, *, state: str | None = "held") -> list[dict[str, Any]]:
        sql = f"SELECT {', '.join(HOLD_COLUMNS)} FROM guard_holds"
        rows = self.db.execute(sql + (" WHERE state = ? ORDER BY id" if state else " ORDER BY id"),
                               (state,) if state else ())
        return [dict(zip(HOLD_COLUMNS, r, strict=True)) for r in rows]

    def decide(self, hold_id: int, verdict: str, *, by: str, why: str, sha256: str | None = None,
               edited: str | None = None) -> dict[str, Any]:
        """approve | reject | edit (edit-and-approve): only a hold still waiting, and only the bytes shown."""
        if verdict not in ("approve", "reject", "edit"):
            raise UserError(f"unknown verdict {verdict!r}; use approve, reject or edit", field="verdict")
        if not by.strip() or not why.strip():
            raise UserError("say who decides (--by) and why (--why)", field="by" if not by.strip() else "why")
        hold = self.hold(hold_id)
        if sha256 is not None and sha256 != hold["held_sha256"]:
            raise UserError(f"hold {hold_id} holds other bytes than the ones approved (hash mismatch)",
                            field="sha256")
        state = {"approve": "approved", "reject": "rejected", "edit": "edited"}[verdict]
        released = hold["held_body"] if verdict == "approve" else edited if verdict == "edit" else None
        if verdict == "edit" and not edited:
            raise UserError("edit-and-approve needs the edited answer text", field="text")
        cur = self.db.execute(
            "UPDATE guard_holds SET state = ?, released_body = ?, decided_by = ?, why = ?, decided_at = ? "
            "WHERE id = ? AND state = 'held' AND held_sha256 = ?",
            (state, released, by, why, stamp(), hold_id, hold["held_sha256"]))
        if cur.rowcount == 0:
            raise UserError(f"hold {hold_id} is already {self.hold(hold_id)['state']}", field="hold")
        return self.hold(hold_id)

    def expire_holds(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Holds past their time resolve by their fallback: ``release`` sends the held answer, ``block`` not."""
        t = stamp(now)
        expired = [h for h in self.holds() if h["expires_at"] <= t]
        for h in expired:
            state = "expired-released" if h["fallback"] == "release" else "expired-blocked"
            released = h["held_body"] if h["fallback"] == "release" else None
            self.db.execute("UPDATE guard_holds SET state = ?, released_body = ?, decided_by = 'timeout', "
                            "why = 'expired', decided_at = ? WHERE id = ? AND state = 'held'",
                            (state, released, t, h["id"]))
        return [self.hold(h["id"]) for h in expired]


def _log_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    d = dict(zip(LOG_COLUMNS, row, strict=True))
    d["request"] = json.loads(d.pop("request_json"))
    raw = d.pop("response_json")
    d["response"] = json.loads(raw) if raw is not None else None
    d["filters"] = json.loads(d.pop("filters_json"))
    return d


def parse_since(text: str) -> datetime:
    """``30m``, ``1h``, ``2d``, ``1w`` back from now, or an ISO time."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text)
    if m:
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[m.group(2)]
        return utcnow() - timedelta(seconds=float(m.group(1)) * unit)
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--since takes 30m, 1h, 2d, 1w or an ISO time, not {text!r}", field="since") from None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)

def _insert_hold(db: sqlite3.Connection, log_id: int, body: str, timeout_s: float, fallback: str) -> int:
    now = utcnow()
    cur = db.execute(
        "INSERT INTO guard_holds (log_id, created_at, expires_at, fallback, held_sha256, held_body) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (log_id, stamp(now), stamp(now + timedelta(seconds=timeout_s)), fallback, body_hash(body), body))
    assert cur.lastrowid is not None
    return cur.lastrowid


def _insert_log(db: sqlite3.Connection, row: LogRow) -> int:
    cur = db.execute(
        "INSERT INTO guard_log (created_at, key_name, policy_version, model, stream_mode, checked, decision, "
        "reason, status, latency_ms, upstream_ms, request_json, response_json, filters_json, route) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (stamp(), row.key_name, row.policy_version, row.model, row.stream_mode, row.checked, row.decision,
         row.reason, row.status, round(row.latency_ms, 3),
         None if row.upstream_ms is None else round(row.upstream_ms, 3),
         dumps_text(row.request), None if row.response is None else dumps_text(row.response),
         dumps_text(row.filters), row.route))
    assert cur.lastrowid is not None
    return cur.lastrowid


class LogWriter:
    """Log rows written on their own thread and connection, many per commit (group commit).

    ``await write(row)`` returns once the row is committed, so the proxy still logs before it answers.
    ``prepare`` (e.g. redaction) runs on the writer thread too, off the event loop.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._pending: list[Any] = []   # rows of this loop iteration: handed over in one put (one thread wake-up)
        self.thread = threading.Thread(target=self._run, daemon=True, name="guard-log-writer")
        self.thread.start()

    async def write(self, row: LogRow, prepare: Any = None) -> int:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[int] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._hand_over)
        self._pending.append((row, prepare, fut, loop))
        return await fut

    def _hand_over(self) -> None:
        batch, self._pending = self._pending, []
        self.queue.put(batch)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join(10)

    def _run(self) -> None:
        db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30.0)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        while True:
            handed = [self.queue.get()]
            while len(handed) < 64:
                try:
                    handed.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            stop = None in handed
            batch = [row for part in handed if part is not None for row in part]
            results: list[tuple[Any, Any, Any]] = []
            try:
                db.execute("BEGIN IMMEDIATE")
                for row, prepare, fut, loop in batch:
                    if prepare is not None:
                        row = prepare(row)
                    log_id = _insert_log(db, row)
                    if row.hold is not None:   # one transaction: kill -9 leaves both or neither
                        row.hold_id = _insert_hold(db, log_id, *row.hold)
                    results.append((fut, loop, log_id))
                db.execute("COMMIT")
            except Exception as e:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                results = [(fut, loop, e) for _, _, fut, loop in batch]
            by_loop: dict[Any, list[tuple[Any, Any]]] = {}
            for fut, loop, value in results:
                by_loop.setdefault(loop, []).append((fut, value))
            for loop, settled in by_loop.items():   # one wake-up of each event loop per batch, not per row
                loop.call_soon_threadsafe(_settle_all, settled)
            if stop:
                db.close()
                return


def _settle_all(settled: list[tuple[asyncio.Future[int], Any]]) -> None:
    for fut, value in settled:
        _settle(fut, value)


def _settle(fut: asyncio.Future[int], value: Any) -> None:
    if fut.done():
        return
    if isinstance(value, Exception):
        fut.set_exception(value)
    else:
        fut.set_result(value)
