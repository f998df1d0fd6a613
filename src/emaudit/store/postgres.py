"""A PostgreSQL run store behind the connection surface the store uses on SQLite (``execute``, ``executemany``).

Statements are translated by ``dialect``; autocommit per statement like the SQLite store. The header's
``PRAGMA application_id`` / ``user_version`` live in a small table ``emaudit_meta``; other PRAGMAs do nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import UserError
from . import dialect

SCHEMES = ("postgresql", "postgres")
META = "emaudit_meta"
_PRAGMA = re.compile(r"^\s*PRAGMA\s+(\w+)\s*(=\s*(\S+))?\s*$", re.I)
_SQLITE_TABLES = re.compile(r"^\s*SELECT\s+name\s+FROM\s+sqlite_master\s+WHERE\s+type\s*=\s*'table'\s*$", re.I)


def is_url(text: str) -> bool:
    return text.partition("://")[0].lower() in SCHEMES and "://" in text


def check_url(url: str) -> None:
    """Refuse a password in the URL: it would travel into logs and shell history (use $PGPASSWORD or ~/.pgpass)."""
    parts = urlsplit(url)
    if parts.password is not None or "password=" in parts.query.lower():
        raise UserError("put the PostgreSQL password in $PGPASSWORD or ~/.pgpass, not in the store URL",
                        field="store")
    try:
        _ = parts.port   # urllib raises ValueError for a port that is not a number
    except ValueError:
        raise UserError(f"the PostgreSQL URL's port {parts.netloc.rpartition(':')[2]!r} is not a number from 1 to "
                        "65535 (postgresql://user@host:5432/DATABASE)", field="store") from None
    if not parts.path.strip("/"):
        raise UserError("the PostgreSQL URL names no database (postgresql://user@host:port/DATABASE)", field="store")


def require_sqlite(store: str | Path, what: str) -> None:
    """Refuse, in one line, a PostgreSQL store for a part that only runs on SQLite so far."""
    if is_url(str(store)):
        raise UserError(f"{what} needs a SQLite store (--store PATH.db); it does not run on a PostgreSQL store yet",
                        path=redacted(str(store)), field="store")


def answered_keys(url: str, keys: list[str]) -> set[str]:
    """Keys a PostgreSQL store already answers, read without creating or migrating it (empty when unreadable)."""
    try:
        db = PgConnection(url)
    except UserError:
        return set()
    import psycopg

    try:
        if db.execute("PRAGMA user_version").fetchone()[0] == 0:
            return set()
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            found.update(r[0] for r in db.execute("SELECT item_key FROM answers WHERE item_key = ANY(?)", (chunk,)))
        return found
    except (psycopg.Error, UserError):
        return set()
    finally:
        db.close()


class Rows:
    """The result of an emulated statement, read like a cursor."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows
        self.rowcount = len(rows)
        self.lastrowid = None

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.fetchall())


def _numeric_loader() -> type:
    """PostgreSQL sums integers as NUMERIC; read it back as SQLite does: int when whole, else float."""
    from psycopg.adapt import Loader

    class NumericLoader(Loader):
        def load(self, data: Any) -> int | float:
            text = bytes(data).decode()
            return float(text) if any(c in text for c in ".eEN") else int(text)

    return NumericLoader


class PgConnection:
    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise UserError("a PostgreSQL store needs psycopg: pip install 'emaudit[pg]'", field="store") from None

        self.url = url
        self._psycopg = psycopg
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as e:
            raise UserError(f"cannot connect to the PostgreSQL store: {first_line(e)}", path=redacted(url),
                            field="store") from None
        self._conn.adapters.register_loader("numeric", _numeric_loader())
        self._schema: dict[str, tuple[list[str], list[str]]] = {}
        self._sql: dict[str, str] = {}
        self._locked = False  # holds the store's write lock (BEGIN IMMEDIATE until COMMIT or ROLLBACK)

    # ---- the sqlite3.Connection surface the store uses -----------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        with self._failures():
            emulated = self._emulate(sql)
            if emulated is not None:
                return emulated
            return self._conn.execute(self._translate(sql, params), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any:
        rows = list(rows)
        with self._failures(), self._conn.cursor() as cur:
            if rows:
                cur.executemany(self._translate(sql, rows[0]), rows)
            return cur

    def close(self) -> None:
        self._conn.close()

    def begin_keyed(self, keys: Sequence[str]) -> None:
        """A write transaction that holds one lock per key (not the store's): writers of other keys go on."""
        with self._failures():
            self._conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            self._conn.execute(  # in one order everywhere, so two writers never wait on each other in a circle
                "SELECT pg_advisory_xact_lock(%s, h) FROM (SELECT DISTINCT hashtext(k) AS h "
                "FROM unnest(%s::text[]) k ORDER BY 1) s", (dialect.KEYED_LOCK_SPACE, list(keys)))

    @contextmanager
    def _failures(self) -> Iterator[None]:
        """A lost server or connection is one line for the user (what was committed stays)."""
        try:
            yield
        except self._psycopg.OperationalError as e:
            raise UserError(f"the PostgreSQL store failed: {first_line(e)}", path=redacted(self.url),
                            field="store") from None

    # ---- translation -------------------------------------------------------------------------
    def _translate(self, sql: str, params: Sequence[Any] | None) -> str:
        key = sql if params is not None else "\0" + sql
        if key not in self._sql:
            self._sql[key] = dialect.translate(sql, self._columns, params)
        return self._sql[key]

    def _columns(self, table: str) -> tuple[list[str], list[str]]:
        if table not in self._schema:
            columns = [r[0] for r in self._conn.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum", (table,))]
            key = [r[0] for r in self._conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) AND i.indisprimary "
                "ORDER BY array_position(i.indkey, a.attnum)", (table,))]
            self._schema[table] = (columns, key)
        return self._schema[table]

    def _emulate(self, sql: str) -> Rows | None:
        """Transactions, PRAGMAs and the SQLite catalogue; None for an ordinary statement."""
        word = sql.strip().upper()
        if word == "BEGIN IMMEDIATE":
            # The lock first, then the transaction: one begun before the lock was granted would keep
            # catalogue caches from before (and miss the tables the previous holder just created).
            self._conn.execute("SELECT pg_advisory_lock(%s)", (dialect.WRITE_LOCK_KEY,))
            self._locked = True
            try:
                self._conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            except BaseException:
                self._unlock()
                raise
            return Rows([])
        if word in ("COMMIT", "ROLLBACK", "END"):
            try:
                self._conn.execute(word)
            finally:
                self._unlock()
            return Rows([])
        if word in ("BEGIN", "BEGIN DEFERRED"):
            self._conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            return Rows([])
        if _SQLITE_TABLES.match(sql):
            return Rows(list(self._conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE'")))
        pragma = _PRAGMA.match(sql)
        if pragma is None:
            return None
        name, value = pragma.group(1).lower(), pragma.group(3)
        if name not in ("application_id", "user_version"):
            return Rows([])  # journal_mode, synchronous, foreign_keys: PostgreSQL's own
        if value is None:
            return Rows([(self._meta(name),)])
        self._conn.execute(f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value BIGINT NOT NULL)")
        self._conn.execute(f"INSERT INTO {META} VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = "
                           "EXCLUDED.value", (name, int(value)))
        return Rows([])

    def _unlock(self) -> None:
        if self._locked:
            self._locked = False
            self._conn.execute("SELECT pg_advisory_unlock(%s)", (dialect.WRITE_LOCK_KEY,))

    def _meta(self, name: str) -> int:
        if self._conn.execute("SELECT to_regclass(%s)", (META,)).fetchone() == (None,):
            return 0
        row = self._conn.execute(f"SELECT value FROM {META} WHERE key = %s", (name,)).fetchone()
        return int(row[0]) if row else 0


def errors() -> type[Exception]:
    """psycopg's base error class (psycopg is imported only when a PostgreSQL store is opened)."""
    import psycopg

    return psycopg.Error


def redacted(url: str) -> str:
    """The URL as shown to users: scheme, user, host, port and database (never a password)."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    host_port = parts.netloc.rpartition("@")[2]   # as written: a port that is not a number must not raise here
    return f"{parts.scheme}://{user}{host_port}{parts.path}"


def first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
