"""Files a user names: one clear line (UserError) for a missing file, a folder, an empty, binary,
unreadable or non-UTF-8 file, instead of a traceback."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UserError

SNIFF_BYTES = 8192


def check_input_file(path: str | Path, *, field: str | None = None, text: bool = True,
                     allow_empty: bool = False) -> Path:
    """``path`` as a readable file; ``text`` also refuses NUL bytes (binary files)."""
    p = Path(path).expanduser()
    where = str(path)
    if not p.exists():
        raise UserError("file not found", path=where, field=field)
    if p.is_dir():
        raise UserError("is a folder; expected a file", path=where, field=field)
    if not p.is_file():
        raise UserError("not a regular file", path=where, field=field)
    if not os.access(p, os.R_OK):
        raise UserError("cannot read the file (permission denied)", path=where, field=field)
    try:
        with open(p, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as e:
        raise UserError(f"cannot read the file ({e.strerror or e})", path=where, field=field) from None
    if not head and not allow_empty:
        raise UserError("empty file", path=where, field=field)
    if text and b"\0" in head:
        raise UserError("binary file (NUL bytes); expected text", path=where, field=field)
    return p


def read_text(path: str | Path, *, field: str | None = None, allow_empty: bool = False) -> str:
    """The file's UTF-8 text (a leading BOM dropped)."""
    p = check_input_file(path, field=field, allow_empty=allow_empty)
    data = p.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise UserError(f"not UTF-8 text (byte 0x{data[e.start]:02x})", path=str(path), line=line,
                        field=field) from None
