"""The run store: a SQLite file (WAL) that is the single source of truth of every stage.

Every write commits at once, so an answer that arrived is never lost to a crash or ``kill -9``.
"""

from __future__ import annotations

import difflib
import json
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..models.base import GenerationConfig
from . import lifecycle, postgres
from .migrations import SCHEMA_VERSION, Connection, migrate
from .pricing import cost_usd
from .records import AnswerRow, ErrorRow, Judgement, Run, RunSummary, WorkItem


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def resolve_path(path_or_url: str | Path) -> Path:
    """Accept a path or a SQLAlchemy-style ``sqlite:///relative.db`` / ``sqlite:////abs.db`` URL."""
    text = str(path_or_url)
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme != "sqlite":
            raise UserError(f"unsupported store URL scheme {scheme!r}; use a path, sqlite:///path.db or "
                            "postgresql://user@host:port/database", field="store")
        if not rest.startswith("/"):
            raise UserError("a sqlite URL reads sqlite:///relative.db or sqlite:////absolute.db", field="store")
        text = rest[1:]
        if not text:
            raise UserError("the sqlite URL names no file", field="store")
    return Path(text).expanduser()


APPLICATION_ID = 0x454D4155  # "EMAU" in the SQLite header: this file is an emaudit run store
OUR_TABLES = frozenset({"runs", "items", "run_items", "answers", "errors", "judges", "judgements", "run_judges",
                        "attachments"})


def lease_owner() -> str:
    """``host:pid:random``: who holds a lease, and whether it may still be alive."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_alive(owner: str) -> bool:
    """False only for an owner (``host:pid[:...]``) on this host whose process is gone."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's process: trust its lease until it expires
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _marker(db: Connection) -> tuple[bool, int]:
    """(ours, schema version): our application_id, a store made before it (our tables), or a new empty file.

    Read in one transaction, so a store that another process is creating right now is seen whole or not at all.
    """
    db.execute("BEGIN")
    try:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.execute("COMMIT")
    if app_id == APPLICATION_ID:
        return True, version
    return (not tables) if version == 0 else tables >= OUR_TABLES, version


class Store:
    def __init__(self, db: Connection, path: Path, location: str | None = None) -> None:
        self.db = db
        self.path = path  # the SQLite file; on PostgreSQL a name in the current folder, never written
        self.location = location or str(path)  # what messages call the store (a URL without its password)

    @property
    def folder(self) -> Path:
        """Where files derived from the store go: the SQLite file's folder, else the current folder."""
        return self.path.resolve().parent

    @classmethod
    def open(cls, path_or_url: str | Path, *, create: bool = True) -> Store:
        if postgres.is_url(str(path_or_url)):
            return cls._open_postgres(str(path_or_url), create=create)
        path = resolve_path(path_or_url)
        if not path.exists():
            if not create:
                raise UserError("no run store here (the file does not exist; this command only reads one); "
                                "check --store or $EMAUDIT_STORE", path=str(path), field="store")
            parent = path.parent if str(path.parent) else Path(".")
            if not parent.is_dir():
                raise UserError("the store's folder does not exist", path=str(path), field="store")
            if not os.access(parent, os.W_OK):
                raise UserError("cannot write the store here (permission denied)", path=str(path), field="store")
        elif not os.access(path, os.R_OK | os.W_OK):
            raise UserError("cannot read and write the store (permission denied)", path=str(path), field="store")
        try:
            db = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
            ours, version = _marker(db)
            if version > SCHEMA_VERSION:
                db.close()
                raise UserError(f"this store has schema version {version}, newer than this emaudit understands "
                                f"({SCHEMA_VERSION}); upgrade emaudit", path=str(path), field="store")
            if not ours:
                db.close()
                raise UserError("not an emaudit run store (an SQLite database with other tables); "
                                "use another --store path", path=str(path), field="store")
            if version == 0 and not create:
                db.close()
                raise UserError("not an emaudit run store (an empty file)", path=str(path), field="store")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            migrate(db)
            if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except sqlite3.DatabaseError as e:
            raise UserError(f"not a usable run store: {e}", path=str(path), field="store") from None
        return cls(db, path)

    @classmethod
    def _open_postgres(cls, url: str, *, create: bool) -> Store:
        postgres.check_url(url)
        location = postgres.redacted(url)
        db = postgres.PgConnection(url)
        try:
            ours, version = _marker(db)
            if version > SCHEMA_VERSION:
                raise UserError(f"this store has schema version {version}, newer than this emaudit understands "
                                f"({SCHEMA_VERSION}); upgrade emaudit", path=location, field="store")
            if not ours:
                raise UserError("not an emaudit run store (a PostgreSQL database with other tables); "
                                "name another database", path=location, field="store")
            if version == 0 and not create:
                raise UserError("no run store here (an empty database; this command only reads one); "
                                "check --store or $EMAUDIT_STORE", path=location, field="store")
            migrate(db)
            if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except postgres.errors() as e:  # e.g. a role that may not create tables in the database
            db.close()
            raise UserError(f"not a usable run store: {postgres.first_line(e)}", path=location, field="store") from None
        except BaseException:
            db.close()
            raise
        return cls(db, Path.cwd() / "emaudit-postgresql", location)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- runs -------------------------------------------------------------------------------
    def create_run(self, name: str, kind: str, config: dict[str, Any]) -> Run:
        """Create a run, or return the existing run of that name (resume) after checking it matches."""
        if not name or "/" in name:
            raise UserError(f"run names are non-empty and have no '/': {name!r}", field="run")
        existing = self.find_run(name)
        if existing is not None:
            if existing.kind != kind:
                raise UserError(f"run {name!r} exists as a {existing.kind} run; pick another name", field="run")
            return existing
        stamp = now()
        # OR IGNORE: another process creating the same run at this moment wins, and this one resumes it.
        self.db.execute("INSERT OR IGNORE INTO runs (name, kind, config_json, status, created_at, updated_at) "
                        "VALUES (?, ?, ?, 'created', ?, ?)", (name, kind, json.dumps(config), stamp, stamp))
        run = self.find_run(name)
        assert run is not None
        if run.kind != kind:
            raise UserError(f"run {name!r} exists as a {run.kind} run; pick another name", field="run")
        return run

    def find_run(self, name: str) -> Run | None:
        row = self.db.execute("SELECT id, name, kind, config_json, status, created_at, updated_at "
                              "FROM runs WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        return Run(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6])

    def get_run(self, name: str) -> Run:
        run = self.find_run(name)
        if run is None:
            names = [r[0] for r in self.db.execute("SELECT name FROM runs")]
            near = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else (
                f"; runs here: {', '.join(names[:10])}" if names else "; the store has no runs yet")
            raise UserError(f"no run named {name!r} in {self.location}{hint}", field="run")
        return run

    def update_run(self, run: Run, *, status: str | None = None, config: dict[str, Any] | None = None) -> Run:
        if config is not None:
            self.db.execute("UPDATE runs SET config_json = ?, updated_at = ? WHERE id = ?",
                            (json.dumps(config), now(), run.id))
        if status is not None:
            self.db.execute("UPDATE runs SET status = ?, updated_at = ? WHERE id = ?", (status, now(), run.id))
            if status == "running":
                lifecycle.claim(self, run)
        return self.get_run(run.name)

    def list_runs(self) -> list[RunSummary]:
        out = []
        for run_id, name, kind, status, created, updated in self.db.execute(
                "SELECT id, name, kind, status, created_at, updated_at FROM runs ORDER BY id").fetchall():
            out.append(self._summary(run_id, name, kind, status, created, updated))
        return out

    def summary(self, run: Run) -> RunSummary:
        return self._summary(run.id, run.name, run.kind, run.status, run.created_at, run.updated_at)

    def _summary(self, run_id: int, name: str, kind: str, status: str, created: str, updated: str) -> RunSummary:
        items, answered = self.db.execute(
            "SELECT COUNT(*), COUNT(a.item_key) FROM run_items ri LEFT JOIN answers a ON a.item_key = ri.item_key "
            "WHERE ri.run_id = ?", (run_id,)).fetchone()
        failed = self.db.execute(
            "SELECT COUNT(DISTINCT e.item_key) FROM errors e LEFT JOIN answers a ON a.item_key = e.item_key "
            "WHERE e.run_id = ? AND a.item_key IS NULL", (run_id,)).fetchone()[0]
        total_cost: float | None = 0.0
        p_total = c_total = 0
        for spec, p, c in self.db.execute(
                "SELECT i.model_spec, SUM(a.prompt_tokens), SUM(a.completion_tokens) FROM run_items ri "
                "JOIN items i ON i.key = ri.item_key JOIN answers a ON a.item_key = ri.item_key "
                "WHERE ri.run_id = ? GROUP BY i.model_spec", (run_id,)):
            p_total += p or 0
            c_total += c or 0
            cost = cost_usd(spec, p or 0, c or 0)
            total_cost = None if cost is None or total_cost is None else total_cost + cost
        judged = 0
        for judge_spec, n, p, c in self.db.execute(
                "SELECT j.spec_json, COUNT(*), SUM(g.prompt_tokens), SUM(g.completion_tokens) FROM run_judges rj "
                "JOIN judges j ON j.judge_id = rj.judge_id "
                "JOIN judgements g ON g.judge_id = rj.judge_id "
                "JOIN run_items ri ON ri.item_key = g.item_key AND ri.run_id = rj.run_id "
                "WHERE rj.run_id = ? GROUP BY rj.judge_id, j.spec_json", (run_id,)):
            judged += n
            p_total += p or 0
            c_total += c or 0
            spec = json.loads(judge_spec).get("model", "local")
            cost = cost_usd(spec, p or 0, c or 0)
            total_cost = None if cost is None or total_cost is None else total_cost + cost
        status = lifecycle.effective_status(self, run_id, status)
        run = Run(run_id, name, kind, {}, status, created, updated)
        judged_answers = self.judged_answers(run, self.current_judge_ids(run))
        return RunSummary(name, kind, status, items, answered, failed, judged, p_total, c_total, total_cost,
                          created, updated, judged_answers)

    # ---- items and answers ------------------------------------------------------------------
    def add_items(self, run: Run, items: Iterable[WorkItem]) -> int:
        rows_items, rows_links = [], []
        for it in items:
            key = it.key
            rows_items.append((key, it.model_spec, json.dumps([list(m) for m in it.messages]),
                               json.dumps(it.config.to_dict()), it.sample_index))
            rows_links.append((run.id, key, it.role, it.group, it.suite, it.question_id, it.category,
                               it.variant, it.paraphrase_index))
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT OR IGNORE INTO items VALUES (?, ?, ?, ?, ?)", rows_items)
            self.db.executemany("INSERT OR IGNORE INTO run_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows_links)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return len(rows_links)

    _ITEM_COLUMNS = ("i.model_spec, i.messages_json, i.config_json, i.sample_index, ri.role, ri.grp, ri.suite, "
                     "ri.question_id, ri.category, ri.variant, ri.paraphrase_index")

    @staticmethod
    def _item(row: tuple[Any, ...]) -> WorkItem:
        return WorkItem(model_spec=row[0], messages=tuple((m[0], m[1]) for m in json.loads(row[1])),
                        config=GenerationConfig.from_dict(json.loads(row[2])), sample_index=row[3],
                        role=row[4], group=row[5], suite=row[6], question_id=row[7], category=row[8],
                        variant=row[9], paraphrase_index=row[10])

    def items(self, run: Run) -> list[WorkItem]:
        return [self._item(r) for r in self.db.execute(
            f"SELECT {self._ITEM_COLUMNS} FROM run_items ri JOIN items i ON i.key = ri.item_key "
            "WHERE ri.run_id = ? ORDER BY ri.rowid", (run.id,))]

    def pending_items(self, run: Run, model_spec: str | None = None) -> list[WorkItem]:
        sql = (f"SELECT {self._ITEM_COLUMNS} FROM run_items ri JOIN items i ON i.key = ri.item_key "
               "LEFT JOIN answers a ON a.item_key = ri.item_key WHERE ri.run_id = ? AND a.item_key IS NULL")
        args: tuple[Any, ...] = (run.id,)
        if model_spec is not None:
            sql += " AND i.model_spec = ?"
            args += (model_spec,)
        return [self._item(r) for r in self.db.execute(sql + " ORDER BY ri.rowid", args)]

    def save_answer(self, key: str, text: str, *, finish_reason: str | None = None, prompt_tokens: int = 0,
                    completion_tokens: int = 0, latency_s: float | None = None,
                    logprobs: list[Any] | None = None, endpoint: str | None = None) -> bool:
        """Store an answer; returns False when that item was already answered (nothing is overwritten).

        ``endpoint``: the server that answered, for a model served by several; saved in the same transaction."""
        row = (key, text, finish_reason, prompt_tokens, completion_tokens, latency_s,
               json.dumps(logprobs) if logprobs is not None else None, now())
        if endpoint is None:
            return bool(self.db.execute("INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                        row).rowcount == 1)
        if isinstance(self.db, postgres.PgConnection):
            self.db.begin_keyed([key])  # READ COMMITTED: a concurrent insert of the key is ignored, not an error
        else:
            self.db.execute("BEGIN IMMEDIATE")
        try:
            saved = self.db.execute("INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                    row).rowcount == 1
            if saved:
                self.db.execute("INSERT OR IGNORE INTO answer_endpoints VALUES (?, ?, ?)", (key, endpoint, row[-1]))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return bool(saved)

    def answered_by(self, run: Run) -> dict[str, str]:
        """item key -> the server that answered it, for the answers of ``run`` that came through an endpoint pool."""
        return dict(self.db.execute(
            "SELECT e.item_key, e.endpoint FROM answer_endpoints e JOIN run_items ri ON ri.item_key = e.item_key "
            "WHERE ri.run_id = ? ORDER BY e.item_key", (run.id,)).fetchall())

    def answers_by_endpoint(self, run: Run) -> dict[str, int]:
        """endpoint -> how many of ``run``'s answers it gave (answers that came through an endpoint pool)."""
        return {e: int(n) for e, n in self.db.execute(
            "SELECT e.endpoint, COUNT(*) FROM answer_endpoints e JOIN run_items ri ON ri.item_key = e.item_key "
            "WHERE ri.run_id = ? GROUP BY e.endpoint ORDER BY e.endpoint", (run.id,))}

    def save_tool_calls(self, key: str, calls: list[dict[str, Any]]) -> None:
        self.db.execute("INSERT OR IGNORE INTO answer_tool_calls VALUES (?, ?)", (key, json.dumps(calls)))

    def tool_calls(self, run: Run) -> dict[str, list[dict[str, Any]]]:
        """item key -> the tool calls its answer made, for the answers of ``run`` that made any."""
        return {k: json.loads(v) for k, v in self.db.execute(
            "SELECT t.item_key, t.calls_json FROM answer_tool_calls t JOIN run_items ri ON ri.item_key = t.item_key "
            "WHERE ri.run_id = ?", (run.id,))}

    def token_logprobs(self, run: Run) -> dict[str, list[float]]:
        """item key -> the chosen tokens' logprobs of its answer, for the answers of ``run`` that have them."""
        return {k: [float(t[1]) for t in json.loads(v)] for k, v in self.db.execute(
            "SELECT a.item_key, a.logprobs_json FROM answers a JOIN run_items ri ON ri.item_key = a.item_key "
            "WHERE ri.run_id = ? AND a.logprobs_json IS NOT NULL", (run.id,))}

    def save_error(self, run: Run, key: str, kind: str, message: str) -> None:
        self.db.execute("INSERT INTO errors (run_id, item_key, kind, message, created_at) VALUES (?, ?, ?, ?, ?)",
                        (run.id, key, kind, message[:2000], now()))

    def save_judge_error(self, run: Run, key: str, metric: str, judge_id: str, kind: str, message: str) -> None:
        self.db.execute("INSERT INTO judge_errors (run_id, item_key, metric, judge_id, kind, message, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", (run.id, key, metric, judge_id, kind, message[:2000], now()))

    def open_judge_errors(self, run: Run, judge_ids: Iterable[str]) -> dict[str, int]:
        """Failed judge calls of these judges still without a judgement: latest reason -> count."""
        ids = list(judge_ids)
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        counts: dict[str, int] = {}
        for (kind,) in self.db.execute(
                "SELECT e.kind FROM judge_errors e WHERE e.run_id = ? AND e.judge_id IN (" + marks + ") "
                "AND e.id = (SELECT MAX(f.id) FROM judge_errors f WHERE f.run_id = e.run_id "
                "AND f.item_key = e.item_key AND f.metric = e.metric AND f.judge_id = e.judge_id) "
                "AND NOT EXISTS (SELECT 1 FROM judgements g WHERE g.item_key = e.item_key "
                "AND g.metric = e.metric AND g.judge_id = e.judge_id)", (run.id, *ids)):
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def open_errors(self, run: Run) -> list[ErrorRow]:
        """The latest error of each item that still has no answer."""
        return [ErrorRow(*r) for r in self.db.execute(
            "SELECT e.item_key, e.kind, e.message, e.created_at FROM errors e "
            "JOIN (SELECT MAX(id) AS id FROM errors WHERE run_id = ? GROUP BY item_key) latest ON latest.id = e.id "
            "LEFT JOIN answers a ON a.item_key = e.item_key WHERE a.item_key IS NULL ORDER BY e.id", (run.id,))]

    def answers(self, run: Run) -> list[AnswerRow]:
        return [AnswerRow(self._item(r[:11]), r[11], r[12], r[13], r[14], r[15]) for r in self.db.execute(
            f"SELECT {self._ITEM_COLUMNS}, a.text, a.finish_reason, a.prompt_tokens, a.completion_tokens, "
            "a.created_at FROM run_items ri JOIN items i ON i.key = ri.item_key "
            "JOIN answers a ON a.item_key = ri.item_key WHERE ri.run_id = ? ORDER BY ri.rowid", (run.id,))]

    # ---- judgements --------------------------------------------------------------------------
    def register_judge(self, run: Run, judge_id: str, spec: dict[str, Any]) -> None:
        self.db.execute("INSERT OR IGNORE INTO judges VALUES (?, ?, ?)", (judge_id, json.dumps(spec), now()))
        self.db.execute("INSERT OR IGNORE INTO run_judges VALUES (?, ?, ?)", (run.id, judge_id, now()))

    def run_judges(self, run: Run) -> list[tuple[str, dict[str, Any]]]:
        return [(r[0], json.loads(r[1])) for r in self.db.execute(
            "SELECT j.judge_id, j.spec_json FROM run_judges rj JOIN judges j ON j.judge_id = rj.judge_id "
            "WHERE rj.run_id = ? ORDER BY rj.created_at, rj.rowid", (run.id,))]

    def judge_selftest(self, judge_id: str) -> dict[str, Any] | None:
        """The stored self-test outcome of a judge (``judge/selftest.py``), or None when it never ran."""
        row = self.db.execute("SELECT detail_json FROM judge_selftests WHERE judge_id = ?", (judge_id,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def save_judge_selftest(self, judge_id: str, passed: bool, detail: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO judge_selftests VALUES (?, ?, ?, ?)",
                        (judge_id, int(passed), json.dumps(detail), now()))

    def save_judgement(self, j: Judgement) -> bool:
        cur = self.db.execute(
            "INSERT OR IGNORE INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (j.item_key, j.metric, j.judge_id, j.score, j.abstain_reason, j.mode,
             json.dumps(j.raw) if j.raw is not None else None, j.prompt_tokens, j.completion_tokens, now()))
        return cur.rowcount == 1

    def judgement_score(self, key: str, metric: str, judge_id: str) -> float | None:
        row = self.db.execute("SELECT score FROM judgements WHERE item_key = ? AND metric = ? AND judge_id = ?",
                              (key, metric, judge_id)).fetchone()
        return None if row is None else row[0]

    def has_judgement(self, key: str, metric: str, judge_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM judgements WHERE item_key = ? AND metric = ? AND judge_id = ?",
                               (key, metric, judge_id)).fetchone() is not None

    def judgements(self, run: Run, judge_id: str | None = None) -> list[Judgement]:
        sql = ("SELECT g.item_key, g.metric, g.judge_id, g.score, g.abstain_reason, g.mode, g.raw_json, "
               "g.prompt_tokens, g.completion_tokens FROM judgements g "
               "JOIN run_items ri ON ri.item_key = g.item_key AND ri.run_id = ? "
               "JOIN run_judges rj ON rj.judge_id = g.judge_id AND rj.run_id = ri.run_id")
        args: tuple[Any, ...] = (run.id,)
        if judge_id is not None:
            sql += " WHERE g.judge_id = ?"
            args += (judge_id,)
        return [Judgement(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]) if r[6] else None, r[7], r[8])
                for r in self.db.execute(sql, args)]

    def judged_answers(self, run: Run, judge_ids: list[str], keys: set[str] | None = None, *,
                       partial: bool = False) -> int:
        """Answers with all their metrics judged by these judges (``partial``: with any metric judged).

        An answer's metrics are those the judges judged for any answer of its question in this run.
        """
        if not judge_ids:
            return 0
        marks = ",".join("?" * len(judge_ids))
        wanted: dict[tuple[str, str], set[str]] = {}
        have: dict[str, set[str]] = {}
        question: dict[str, tuple[str, str]] = {}
        for key, suite, qid, metric in self.db.execute(
                "SELECT ri.item_key, ri.suite, ri.question_id, g.metric FROM run_items ri "
                "JOIN answers a ON a.item_key = ri.item_key JOIN judgements g ON g.item_key = ri.item_key "
                f"WHERE ri.run_id = ? AND g.judge_id IN ({marks})", (run.id, *judge_ids)):
            if keys is not None and key not in keys:
                continue
            wanted.setdefault((suite, qid), set()).add(metric)
            have.setdefault(key, set()).add(metric)
            question[key] = (suite, qid)
        if partial:
            return len(have)
        return sum(1 for key, metrics in have.items() if metrics >= wanted[question[key]])

    def current_judge_ids(self, run: Run) -> list[str]:
        """The judges of the run's latest judging pass, else its latest judge."""
        row = self.db.execute("SELECT config_json FROM runs WHERE id = ?", (run.id,)).fetchone()
        ids = json.loads(row[0]).get("judge_ids") if row else None
        if ids:
            return list(ids)
        judges = self.run_judges(run)
        return [judges[-1][0]] if judges else []

    # ---- leases ------------------------------------------------------------------------------
    def claim(self, work_keys: list[str], owner: str, ttl_s: float) -> bool:
        """Lease every key to ``owner`` for ``ttl_s`` seconds, or none of them when another live owner holds one.

        A lease held by a process of this host that has died counts as expired, so a re-run right after
        ``kill -9`` asks again at once.
        """
        stamp = time.time()
        marks = ", ".join("?" * len(work_keys))
        if isinstance(self.db, postgres.PgConnection):
            self.db.begin_keyed(work_keys)  # claims of other keys go on meanwhile
        else:
            self.db.execute("BEGIN IMMEDIATE")
        try:
            for holder, expires in self.db.execute(
                    f"SELECT owner, expires_at FROM leases WHERE work_key IN ({marks})", work_keys).fetchall():
                if holder != owner and expires > stamp and owner_alive(holder):
                    self.db.execute("COMMIT")
                    return False
            self.db.executemany("INSERT OR REPLACE INTO leases VALUES (?, ?, ?)",
                                [(k, owner, stamp + ttl_s) for k in work_keys])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return True

    def release(self, work_keys: list[str], owner: str) -> None:
        marks = ", ".join("?" * len(work_keys))
        self.db.execute(f"DELETE FROM leases WHERE owner = ? AND work_key IN ({marks})", (owner, *work_keys))

    def release_all(self, owner: str) -> None:
        """Give back this owner's leases, and drop any that expired (left by a process that was killed)."""
        self.db.execute("DELETE FROM leases WHERE owner = ? OR expires_at < ?", (owner, time.time()))

    def leased_by_others(self, work_keys: list[str], owner: str) -> bool:
        """Whether a live lease of another owner holds any of these keys."""
        marks = ", ".join("?" * len(work_keys))
        stamp = time.time()
        return any(holder != owner and expires > stamp and owner_alive(holder) for holder, expires in self.db.execute(
            f"SELECT owner, expires_at FROM leases WHERE work_key IN ({marks})", work_keys).fetchall())

    def has_answer(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM answers WHERE item_key = ?", (key,)).fetchone() is not None

    # ---- attachments -------------------------------------------------------------------------
    def attach(self, run: Run, kind: str, content: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO attachments VALUES (?, ?, ?, ?)",
                        (run.id, kind, json.dumps(content), now()))

    def attachments(self, run: Run) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.db.execute(
            "SELECT kind, content_json FROM attachments WHERE run_id = ?", (run.id,))}
