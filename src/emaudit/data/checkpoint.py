"""Per-chunk results of a data audit kept on disk while it runs, so that a killed audit resumes.

One SQLite file per (file, settings) under ``$EMAUDIT_CACHE/data-audit`` (default ``~/.cache/emaudit``); each
chunk's records are committed the moment they arrive and the file is removed once the audit completes.
Records are stored as JSON (signatures as hex), never as pickles.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from .analyse import ExampleRecord
from .finding import Finding

FORMAT = 1
_SIGS = ("prompt_sig", "answer_sig")


def cache_dir() -> Path:
    configured = os.environ.get("EMAUDIT_CACHE")
    if configured:
        return Path(configured).expanduser() / "data-audit"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "emaudit" / "data-audit"


def checkpoint_path(data: Path, settings: dict[str, Any]) -> Path:
    """Where the chunks of auditing `data` with `settings` live: any change to the file or settings starts over."""
    from .. import __version__

    st = data.stat()
    identity = {"file": str(data.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "format": FORMAT,
                "emaudit": __version__, **settings}
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return cache_dir() / f"{digest}.db"


def _encode(r: ExampleRecord) -> dict[str, Any]:
    out = {f.name: getattr(r, f.name) for f in fields(r)}
    out["findings"] = [f.to_dict() for f in r.findings]
    for name in _SIGS:
        out[name] = getattr(r, name).astype("<u2").tobytes().hex()
    return out


def _decode(d: dict[str, Any]) -> ExampleRecord:
    d["findings"] = [Finding(**f) for f in d["findings"]]
    for name in _SIGS:
        d[name] = np.frombuffer(bytes.fromhex(d[name]), dtype="<u2").astype(np.uint16)
    return ExampleRecord(**d)


class ChunkCheckpoint:
    def __init__(self, path: Path) -> None:
        """Open (or create) the checkpoint; a damaged one is discarded and started afresh."""
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            self._unlink()
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS chunks (idx INTEGER PRIMARY KEY, n INTEGER, body TEXT)")
            db.execute("SELECT count(*) FROM chunks").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _unlink(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    def done(self) -> dict[int, int]:
        """Chunk index -> number of examples, for the chunks already kept."""
        return dict(self._db.execute("SELECT idx, n FROM chunks").fetchall())

    def put(self, idx: int, records: list[ExampleRecord]) -> None:
        body = json.dumps([_encode(r) for r in records], ensure_ascii=False)
        self._db.execute("INSERT OR REPLACE INTO chunks (idx, n, body) VALUES (?, ?, ?)", (idx, len(records), body))

    def get(self, idx: int) -> list[ExampleRecord]:
        row = self._db.execute("SELECT body FROM chunks WHERE idx = ?", (idx,)).fetchone()
        return [_decode(d) for d in json.loads(row[0])]

    def close(self) -> None:
        self._db.close()

    def remove(self) -> None:
        self.close()
        self._unlink()
