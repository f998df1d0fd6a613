"""The run store's schema as numbered migrations; ``PRAGMA user_version`` records the last applied.

Never edit a released migration: append a new function to ``MIGRATIONS``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run statements one by one (``executescript`` would commit the enclosing transaction)."""
    for statement in sql.split(";\n"):
        body = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--"))
        if body.strip():
            db.execute(body)


def m001_initial(db: sqlite3.Connection) -> None:
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


def m006_judge_selftests(db: sqlite3.Connection) -> None:
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


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial, m006_judge_selftests]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection) -> int:
    """Apply pending migrations, each in its own transaction; return the schema version."""
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
