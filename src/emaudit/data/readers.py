"""Stream training examples from JSONL (chat or prompt/completion), gzip JSONL or parquet.

Yields ``Example`` for good records and ``BadLine`` for bad ones, one at a time, so memory stays
flat whatever the file size. Lines are read as bytes with a length cap: an over-long line is
skipped without being held in memory.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import UserError

ROLES = ("system", "user", "assistant")
IGNORED_ROLES = ("tool", "function", "developer", "ipython")
SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                  "system": "system", "model": "assistant", "bot": "assistant"}
DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024
FIELDS = ("messages", "prompt", "completion", "system", "label")


@dataclass(frozen=True)
class Example:
    index: int                          # 0-based among good examples
    line: int                           # 1-based line (JSONL) or row (parquet)
    messages: tuple[tuple[str, str], ...]
    label: str | None = None


@dataclass(frozen=True)
class BadLine:
    line: int
    kind: str       # not_json | bad_roles | missing_field | encoding | too_long | not_object
    message: str


def parse_column_map(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """``prompt=instruction,completion=output`` (or a dict) -> our field -> the file's column."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        mapping = dict(spec)
    else:
        mapping = {}
        for part in spec.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise UserError(f"column map entry {part!r} is not FIELD=COLUMN", field="--column-map")
            key, value = part.split("=", 1)
            mapping[key.strip()] = value.strip()
    unknown = set(mapping) - set(FIELDS)
    if unknown:
        raise UserError(f"unknown field(s) {sorted(unknown)}; known: {', '.join(FIELDS)}", field="--column-map")
    return mapping


def _content(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # OpenAI content parts
        texts = [p.get("text", "") for p in value if isinstance(p, dict) and p.get("type", "text") == "text"]
        return "".join(t for t in texts if isinstance(t, str))
    if value is None:
        return ""
    return None


def record_to_messages(rec: Any, cmap: Mapping[str, str]) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The (role, content) turns of one record; raises ValueError('kind: message') when unusable."""
    if not isinstance(rec, dict):
        raise ValueError(f"not_object: expected a JSON object, got {type(rec).__name__}")
    label = rec.get(cmap.get("label", "label"))
    label_s = None if label is None else str(label)
    msg_key = cmap.get("messages", "messages")
    if msg_key in rec or (msg_key == "messages" and "conversations" in rec):
        raw = rec.get(msg_key, rec.get("conversations"))
        if not isinstance(raw, list) or not raw:
            raise ValueError(f"bad_roles: '{msg_key}' must be a non-empty list of messages")
        turns: list[tuple[str, str]] = []
        for i, m in enumerate(raw, 1):
            if not isinstance(m, dict):
                raise ValueError(f"bad_roles: message {i} is not an object")
            role = m.get("role", m.get("from"))
            if role is None:
                raise ValueError(f"bad_roles: message {i} has no role")
            role = SHAREGPT_ROLES.get(str(role), str(role)) if "from" in m else str(role)
            content = _content(m.get("content", m.get("value")))
            if role in IGNORED_ROLES:
                continue
            if role not in ROLES:
                raise ValueError(f"bad_roles: message {i} has role {role!r}; expected system, user or assistant")
            if content is None:
                raise ValueError(f"bad_roles: message {i} content is not text")
            turns.append((role, content))
        if not any(r == "assistant" for r, _ in turns):
            raise ValueError("bad_roles: no assistant message")
        if not any(r == "user" for r, _ in turns):
            raise ValueError("bad_roles: no user message")
        return tuple(turns), label_s
    p_key, c_key = cmap.get("prompt", "prompt"), cmap.get("completion", "completion")
    if p_key in rec or c_key in rec:
        prompt, completion = _content(rec.get(p_key)), _content(rec.get(c_key))
        if p_key not in rec or c_key not in rec:
            missing = p_key if p_key not in rec else c_key
            raise ValueError(f"missing_field: no '{missing}' field")
        if prompt is None or completion is None:
            raise ValueError(f"missing_field: '{p_key}' and '{c_key}' must be text")
        system = rec.get(cmap.get("system", "system"))
        turns = [("system", system)] if isinstance(system, str) and system else []
        return tuple(turns + [("user", prompt), ("assistant", completion)]), label_s
    raise ValueError(f"missing_field: no '{msg_key}' or '{p_key}'/'{c_key}' fields "
                     f"(use --column-map to name the columns)")


def _open_binary(path: Path) -> IO[bytes]:
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _check_not_binary(path: Path) -> None:
    with _open_binary(path) as f:
        head = f.read(8192)
    if not head.strip():
        raise UserError("empty file: no examples to audit", path=str(path), line=1)
    if b"\x00" in head:
        line = head[:head.index(b"\x00")].count(b"\n") + 1
        raise UserError("binary file (NUL bytes); expected JSONL text or a .parquet file", path=str(path),
                        line=line)


def iter_jsonl(path: Path, cmap: Mapping[str, str], max_line_bytes: int) -> Iterator[Example | BadLine]:
    _check_not_binary(path)
    index = 0
    with _open_binary(path) as f:
        lineno = 0
        while True:
            raw = f.readline(max_line_bytes + 1)
            if not raw:
                break
            lineno += 1
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                size = len(raw)
                while True:  # skip the rest of the line without keeping it
                    more = f.readline(1 << 20)
                    size += len(more)
                    if not more or more.endswith(b"\n"):
                        break
                yield BadLine(lineno, "too_long", f"line is {size / 2**20:.1f} MB, over the "
                                                  f"{max_line_bytes / 2**20:g} MB limit (--max-line-mb)")
                continue
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                yield BadLine(lineno, "encoding", f"not UTF-8 (byte {e.start}: {raw[e.start:e.start + 1]!r})")
                continue
            if not text.strip():
                continue
            try:
                rec = json.loads(text)
            except json.JSONDecodeError as e:
                yield BadLine(lineno, "not_json", f"not JSON ({e.msg} at column {e.colno})")
                continue
            except RecursionError:
                yield BadLine(lineno, "not_json", "JSON nested too deeply")
                continue
            item = _example(index, lineno, rec, cmap)
            index += isinstance(item, Example)
            yield item


def _example(index: int, line: int, rec: Any, cmap: Mapping[str, str]) -> Example | BadLine:
    """One record as an example, or the reason it is not one."""
    try:
        messages, label = record_to_messages(rec, cmap)
    except ValueError as e:
        kind, _, message = str(e).partition(": ")
        return BadLine(line, kind, message)
    return Example(index, line, messages, label)


def iter_parquet(path: Path, cmap: Mapping[str, str], batch_rows: int = 1024) -> Iterator[Example | BadLine]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as e:
        raise UserError(f"cannot read parquet file: {e}", path=str(path)) from None
    if pf.metadata.num_rows == 0:
        raise UserError("empty file: no rows to audit", path=str(path))
    wanted = [c for c in pf.schema_arrow.names if c in set(cmap.values()) | set(FIELDS) | {"conversations"}]
    row = 0
    index = 0
    for batch in pf.iter_batches(batch_size=batch_rows, columns=wanted or None):
        for rec in batch.to_pylist():
            row += 1
            item = _example(index, row, rec, cmap)
            index += isinstance(item, Example)
            yield item


def iter_examples(path: str | Path, column_map: str | Mapping[str, str] | None = None,
                  max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[Example | BadLine]:
    p = Path(path)
    if not p.is_file():
        raise UserError("file not found", path=str(p))
    cmap = parse_column_map(column_map)
    if p.suffix.lower() in (".parquet", ".pq"):
        return iter_parquet(p, cmap)
    with open(p, "rb") as f:
        if f.read(4) == b"PAR1":
            return iter_parquet(p, cmap)
    return iter_jsonl(p, cmap, max_line_bytes)
