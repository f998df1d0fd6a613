"""Overrides: what a monitor's alert told the guard to do, until a person clears it (table ``guard_overrides``).

Actions: ``policy`` (use the stricter policy file ``target``), ``hold-all`` (hold every answer for a person's
approval) and ``route`` (send requests to the model spec ``target``, the last audited model). A monitor writes
rows (``add``); ``emaudit monitor ack NAME --undo`` or ``emaudit guard override clear`` clears them (``clear``,
with who and why). A running guard picks them up through ``Overrides.for_request``, the one wrapper around
its policy selection: the table is read at most once per ``refresh_s`` (a cached timestamp), so a request
pays a clock read, not a query. Every active override shows as a tripped input-stage record
``override:<action>`` in the exchange's log row (``guard logs``), and the policy version reads
``<version>+override``.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..store.migrations import Connection
from .decide import CompiledPolicy, EffectivePolicy
from .filters.base import Filter, Subject, Verdict
from .upstreams import Upstream, resolve_upstream

ACTIONS = ("policy", "hold-all", "route")
COLUMNS = ("id", "created_at", "source", "action", "target", "reason", "cleared_at", "cleared_by", "cleared_why")


def _now() -> str:
    from .journal import stamp

    return stamp()


# ---- the table ------------------------------------------------------------------------------------
def add(db: Connection, source: str, action: str, target: str | None, reason: str) -> tuple[str, bool]:
    """Write an override; (its id, whether it is new). The same active (source, action, target) is kept once."""
    if action not in ACTIONS:
        raise UserError(f"unknown override {action!r}; use {', '.join(ACTIONS)}", field="action")
    row = db.execute("SELECT id FROM guard_overrides WHERE cleared_at IS NULL AND source = ? AND action = ? "
                     "AND COALESCE(target, '') = ?", (source, action, target or "")).fetchone()
    if row is not None:
        return str(row[0]), False
    override_id = secrets.token_hex(6)
    db.execute(f"INSERT INTO guard_overrides ({', '.join(COLUMNS[:6])}) VALUES (?, ?, ?, ?, ?, ?)",
               (override_id, _now(), source, action, target, reason))
    return override_id, True


def rows(db: Connection, *, active: bool = True, source: str | None = None) -> list[dict[str, Any]]:
    sql = f"SELECT {', '.join(COLUMNS)} FROM guard_overrides"
    where, params = [], []
    if active:
        where.append("cleared_at IS NULL")
    if source is not None:
        where.append("source = ?")
        params.append(source)
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [dict(zip(COLUMNS, r, strict=True)) for r in db.execute(sql + " ORDER BY created_at, id", params)]


def clear(db: Connection, *, by: str, why: str, source: str | None = None,
          ids: list[str] | None = None) -> list[dict[str, Any]]:
    """A person undoes active overrides (those of ``source``, those in ``ids``, or all); returns them."""
    if not by.strip() or not why.strip():
        raise UserError("say who undoes the override (--by) and why (--why)", field="--by" if not by.strip() else "--why")
    chosen = [r for r in rows(db, source=source) if ids is None or r["id"] in ids]
    if ids is not None:
        missing = sorted(set(ids) - {r["id"] for r in chosen})
        if missing:
            raise UserError(f"no active guard override {', '.join(missing)} (see `emaudit guard override list`)",
                            field="id")
    stamp = _now()
    for r in chosen:
        db.execute("UPDATE guard_overrides SET cleared_at = ?, cleared_by = ?, cleared_why = ? "
                   "WHERE id = ? AND cleared_at IS NULL", (stamp, by, why, r["id"]))
    return chosen


def parse_response(text: str, base: Path | None = None) -> dict[str, Any]:
    """``policy:FILE`` | ``hold-all`` | ``route:SPEC`` | ``route`` (the baseline's model) as {action, target}.

    A policy file is loaded now (errors name its line) and kept as an absolute path."""
    kind, _, rest = (text or "").partition(":")
    if kind == "hold-all" and not rest:
        return {"action": "hold-all", "target": None}
    if kind == "route":
        if rest and not rest.startswith(("openai-api/", "openai/")):
            raise UserError(f"a guard routes to an OpenAI-compatible API (openai-api/<service>/<model> or "
                            f"openai/<model>), not {rest!r}", field="--respond")
        return {"action": "route", "target": rest or None}
    if kind == "policy" and rest:
        from .policy import load_policy

        path = Path(rest) if base is None or Path(rest).is_absolute() else base / rest
        load_policy(path)
        return {"action": "policy", "target": str(path.resolve())}
    raise UserError(f"--respond takes policy:FILE, hold-all, route or route:SPEC, not {text!r}", field="--respond")


# ---- the running guard -----------------------------------------------------------------------------
class _Marker(Filter):
    """An always-tripping input filter that records an override in the log row (``hold``: holds the answer)."""

    def __init__(self, action: str, filter_action: str, reason: str) -> None:
        self.spec = None
        self.name = f"override:{action}"
        self.action = filter_action
        self.reason = reason

    async def check(self, subject: Subject) -> Verdict:
        return Verdict(True, self.reason)


@dataclass(frozen=True)
class Selection:
    policy: EffectivePolicy
    upstream: Upstream | None = None      # when an override routes elsewhere
    policy_version: str | None = None     # when an override changes what decides


class Overrides:
    """The guard's cached view of the active overrides, read on a connection of its own."""

    def __init__(self, path: str | Path, refresh_s: float = 1.0) -> None:
        self.path = str(path)
        self.db: sqlite3.Connection | None = None
        self.refresh_s = refresh_s
        self._checked_at = -1e9
        self._ids: tuple[str, ...] = ()
        self._policies: dict[tuple[str, int], Any] = {}
        self._active: dict[str, Any] = {}

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < self.refresh_s:
            return
        try:
            if self.db is None:
                self.db = sqlite3.connect(self.path, isolation_level=None, timeout=5.0, check_same_thread=False)
            active = rows(self.db)
        except sqlite3.Error:  # busy or locked: keep what was read last, try again on the next request
            return
        self._checked_at = now
        ids = tuple(r["id"] for r in active)
        if ids != self._ids:
            self._ids = ids
            self._active = self._build(active)

    def _build(self, active: list[dict[str, Any]]) -> dict[str, Any]:
        built: dict[str, Any] = {"markers": [], "policy": None, "upstream": None, "labels": []}
        for r in active:
            why = f"{r['source']}: {r['reason']}"
            if r["action"] == "policy":
                try:
                    built["policy"] = self._policy(r["target"])
                    built["markers"].append(_Marker("policy", "allow", f"{why} (policy {r['target']})"))
                except Exception as e:  # the stricter policy cannot be used: fail closed, hold everything
                    built["markers"].append(_Marker("policy", "hold", f"{why} (policy unusable: {e})"[:300]))
            elif r["action"] == "hold-all":
                built["markers"].append(_Marker("hold-all", "hold", why))
            elif r["action"] == "route":
                try:
                    built["upstream"] = resolve_upstream(r["target"])
                    built["markers"].append(_Marker("route", "allow", f"{why} (to {r['target']})"))
                except Exception as e:
                    built["markers"].append(_Marker("route", "hold", f"{why} (route unusable: {e})"[:300]))
            built["labels"].append(r["action"])
        return built

    def _policy(self, path: str) -> Any:
        p = Path(path)
        stamp = (str(p), p.stat().st_mtime_ns)
        if stamp not in self._policies:
            from .policy import load_policy

            policy, version = load_policy(p)
            self._policies[stamp] = CompiledPolicy(policy, version)
        return self._policies[stamp]

    # What for_request combines: refresh once (active), then ask each piece.
    def active(self) -> bool:
        """Whether any override is active now (reads the table when the cache is stale)."""
        self._refresh()
        return bool(self._ids)

    def policy(self, default: Any) -> Any:
        """The compiled policy to select from: the override's stricter one, else ``default``."""
        return (self._active.get("policy") if self._ids else None) or default

    def input_filters(self) -> list[Any]:
        """Filters to run before the policy's input filters (each records its override; hold-all holds)."""
        return list(self._active["markers"]) if self._ids else []

    def upstream(self) -> Upstream | None:
        """Where to route to, or None."""
        return self._active.get("upstream") if self._ids else None

    def version(self, version: str) -> str:
        """The policy version a log row records: ``<version>+override:<actions>`` while overridden."""
        return f"{version}+override:{','.join(self._active['labels'])}" if self._ids else version

    def for_request(self, policy: CompiledPolicy, model: str, key_name: str) -> Selection:
        """What decides one request: ``policy.for_request`` unless an override says otherwise."""
        if not self.active():
            return Selection(policy.for_request(model, key_name))
        chosen = self.policy(policy).for_request(model, key_name)
        overridden = replace(chosen, input=[*self.input_filters(), *chosen.input])
        return Selection(overridden, self.upstream(), self.version(chosen.version))
