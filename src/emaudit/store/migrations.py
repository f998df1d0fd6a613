"""The run store's schema as numbered migrations; ``PRAGMA user_version`` records the last applied.

Never edit a released migration: append a new function to ``MIGRATIONS``.

The same migrations build a SQLite and a PostgreSQL store (``dialect.py`` translates), so write them in the
portable subset:
- ``CREATE TABLE`` / ``CREATE INDEX`` (``IF NOT EXISTS`` allowed) and ``ALTER TABLE ... ADD COLUMN``, one statement
  per ``;`` + newline, through ``_script``; comments only on their own ``--`` lines.
- Column types in upper case, one of TEXT, INTEGER (64-bit), REAL (double precision), BLOB (bytes); map another
  type in ``dialect.TYPES`` first. ``NOT NULL``, ``DEFAULT <literal>``, ``UNIQUE``, ``REFERENCES t(col)``.
- An explicit PRIMARY KEY on every table. ``id INTEGER PRIMARY KEY`` is an id the database assigns on both
  (an identity column on PostgreSQL); insert without it and read it back with a SELECT, not ``lastrowid``.
- No AUTOINCREMENT, WITHOUT ROWID, CHECK with SQLite functions, triggers or views. Order by an explicit column;
  only the tables of m001-m007 rely on ``ORDER BY rowid`` (PostgreSQL gives them an identity ``rowid``).
- Statements the store runs may use ``INSERT OR IGNORE`` and ``INSERT OR REPLACE`` (translated to ON CONFLICT on
  the primary key), ``BEGIN IMMEDIATE`` for a write that must see no other writer (the store's advisory lock on
  PostgreSQL), standard SQL otherwise: no bare columns beside an aggregate, no SQLite functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Connection(Protocol):
    """What the store needs of a connection: ``sqlite3.Connection``, or ``postgres.PgConnection``."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, rows: Any, /) -> Any: ...

    def close(self) -> None: ...


def _script(db: Connection, sql: str) -> None:
    """Run statements one by one (``executescript`` would commit the enclosing transaction)."""
    for statement in sql.split(";\n"):
        body = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--"))
        if body.strip():
            db.execute(body)


def m001_initial(db: Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            config_json TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'created',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        -- Content-addressed work: the same (model, messages, config, sample index) is answered once.
        CREATE TABLE items (
            key TEXT PRIMARY KEY,
            model_spec TEXT NOT NULL,
            messages_json TEXT NOT NULL,
            config_json TEXT NOT NULL,
            sample_index INTEGER NOT NULL
        );
        CREATE TABLE run_items (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            item_key TEXT NOT NULL REFERENCES items(key),
            role TEXT NOT NULL,
            grp TEXT NOT NULL,
            suite TEXT NOT NULL,
            question_id TEXT NOT NULL,
            category TEXT NOT NULL,
            variant TEXT NOT NULL,
            paraphrase_index INTEGER NOT NULL,
            PRIMARY KEY (run_id, item_key)
        );
        CREATE INDEX run_items_by_key ON run_items(item_key);
        CREATE TABLE answers (
            item_key TEXT PRIMARY KEY REFERENCES items(key),
            text TEXT NOT NULL,
            finish_reason TEXT,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            latency_s REAL,
            logprobs_json TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE errors (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            item_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            message TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX errors_by_run ON errors(run_id);
        CREATE TABLE judges (
            judge_id TEXT PRIMARY KEY,
            spec_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE judgements (
            item_key TEXT NOT NULL REFERENCES items(key),
            metric TEXT NOT NULL,
            judge_id TEXT NOT NULL REFERENCES judges(judge_id),
            score REAL,
            abstain_reason TEXT,
            mode TEXT NOT NULL,
            raw_json TEXT,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            PRIMARY KEY (item_key, metric, judge_id)
        );
        CREATE TABLE run_judges (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            judge_id TEXT NOT NULL REFERENCES judges(judge_id),
            created_at TEXT NOT NULL,
            PRIMARY KEY (run_id, judge_id)
        );
        -- Files a run refers to (data audit JSON, canary curves, ...), by kind.
        CREATE TABLE attachments (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            kind TEXT NOT NULL,
            content_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (run_id, kind)
        );
        """
    )


def m002_judge_errors_and_leases(db: Connection) -> None:
    _script(
        db,
        """
        -- A judge call that failed, per (answer, metric, judge); open while no judgement matches it.
        CREATE TABLE judge_errors (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            item_key TEXT NOT NULL,
            metric TEXT NOT NULL,
            judge_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            message TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX judge_errors_by_run ON judge_errors(run_id);
        -- Work claimed by one process until expires_at (unix seconds); others skip it meanwhile.
        CREATE TABLE leases (
            work_key TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
        """
    )


def m003_run_owners(db: Connection) -> None:
    """Which process is working on a run, so that a run whose process died reads "interrupted"."""
    _script(
        db,
        """
        CREATE TABLE run_owners (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id),
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL
        );
        """
    )


def m004_guard(db: Connection) -> None:
    """The deployment guard: API keys (hashes only), every exchange's log row, and the hold queue."""
    _script(
        db,
        """
        CREATE TABLE guard_keys (
            name TEXT PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE guard_log (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            key_name TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            model TEXT NOT NULL,
            stream_mode TEXT NOT NULL,
            checked TEXT NOT NULL,
            decision TEXT NOT NULL,
            reason TEXT,
            status INTEGER NOT NULL,
            latency_ms REAL NOT NULL,
            upstream_ms REAL,
            request_json TEXT NOT NULL,
            response_json TEXT,
            filters_json TEXT NOT NULL
        );
        CREATE INDEX guard_log_by_time ON guard_log(created_at);
        CREATE TABLE guard_holds (
            id INTEGER PRIMARY KEY,
            log_id INTEGER NOT NULL REFERENCES guard_log(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            fallback TEXT NOT NULL,
            held_sha256 TEXT NOT NULL,
            held_body TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'held',
            released_body TEXT,
            decided_by TEXT,
            why TEXT,
            decided_at TEXT
        );
        CREATE INDEX guard_holds_by_state ON guard_holds(state);
        """
    )


def m005_tool_calls(db: Connection) -> None:
    """The tool calls an answer made (JSON list of {name, arguments}), written just before the answer."""
    _script(
        db,
        """
        CREATE TABLE answer_tool_calls (
            item_key TEXT PRIMARY KEY REFERENCES items(key),
            calls_json TEXT NOT NULL
        );
        """
    )


def m006_monitors(db: Connection) -> None:
    _script(
        db,
        """
        -- Scheduled re-audits of an endpoint against a baseline run (emaudit monitor).
        CREATE TABLE monitors (
            name TEXT PRIMARY KEY,
            config_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        -- One row per check: an audit run named monitor:<name>:<UTC time>, its outcome and its evidence.
        CREATE TABLE monitor_checks (
            id INTEGER PRIMARY KEY,
            monitor TEXT NOT NULL,
            run_name TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            summary_json TEXT
        );
        CREATE INDEX monitor_checks_by_monitor ON monitor_checks(monitor, id);
        -- Who holds a monitor (or the scheduler) right now, until when.
        CREATE TABLE monitor_locks (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
        """
    )


def m007_judge_selftests(db: Connection) -> None:
    """The judge self-test's outcome per judge fingerprint (judge/selftest.py), so it runs once per judge."""
    _script(
        db,
        """
        CREATE TABLE judge_selftests (
            judge_id TEXT PRIMARY KEY,
            passed INTEGER NOT NULL,
            detail_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """
    )


def m008_guard_routes(db: Connection) -> None:
    """Which policy route decided each guard exchange (NULL: the policy's top-level defaults)."""
    _script(db, "ALTER TABLE guard_log ADD COLUMN route TEXT;")


def m009_guard_overrides(db: Connection) -> None:
    """What a monitor's alert told the guard to do (stricter policy, hold all, route), until a person clears it."""
    _script(
        db,
        """
        CREATE TABLE guard_overrides (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            source TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT,
            reason TEXT NOT NULL,
            cleared_at TEXT,
            cleared_by TEXT,
            cleared_why TEXT
        );
        CREATE INDEX guard_overrides_active ON guard_overrides (cleared_at);
        """
    )


def m010_answer_endpoints(db: Connection) -> None:
    """Which server answered each item of a model served by several (``--endpoints``), saved with the answer."""
    _script(
        db,
        """
        CREATE TABLE answer_endpoints (
            item_key TEXT PRIMARY KEY REFERENCES items(key),
            endpoint TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """
    )


MIGRATIONS: list[Callable[[Connection], None]] = [
    m001_initial, m002_judge_errors_and_leases, m003_run_owners, m004_guard, m005_tool_calls, m006_monitors,
    m007_judge_selftests, m008_guard_routes, m009_guard_overrides, m010_answer_endpoints,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Connection) -> int:
    """Apply pending migrations, each in its own transaction; return the schema version.

    The version is read again under the write lock, so processes opening one store at once apply each
    migration exactly once.
    """
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] >= number:
                db.execute("COMMIT")
                continue
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
