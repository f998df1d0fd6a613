"""Shared CSV reading for the importers: header checks, numbers with line numbers."""

from __future__ import annotations

import csv
import difflib
import math
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import UserError
from ..userfiles import check_input_file

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

MAX_COLUMN_NAME = 40  # longer "column names" are a line of some other format, not a header


def short_header(header: Sequence[str], limit: int = 160) -> str:
    """The header for an error message: names cut to 40 characters, the whole to ``limit``."""
    names = [h if len(h) <= MAX_COLUMN_NAME else h[:MAX_COLUMN_NAME - 1] + "…" for h in header]
    text = ", ".join(names)
    return text if len(text) <= limit else text[:limit - 1] + "…"


NAN_TEXTS = {"", "nan", "NaN", "NAN", "None", "none", "null", "NULL", "NA", "N/A"}


def _checked_header(header: list[str], path: Path) -> list[str]:
    if header and header[0].startswith(("{", "[")):
        raise UserError("the first line is JSON, not a CSV header; emaudit's own JSONL export imports with "
                        "--format emaudit (or auto) from a .jsonl file", path=str(path), line=1)
    return header


def read_header(path: str | Path) -> list[str]:
    p = check_input_file(path, allow_empty=True)
    with p.open(newline="", encoding="utf-8-sig") as handle:
        try:
            return _checked_header([h.strip() for h in next(csv.reader(handle))], p)
        except StopIteration:
            raise UserError("empty file: no header row", path=str(p)) from None
        except (csv.Error, UnicodeDecodeError) as e:
            raise UserError(f"not a readable CSV file: {e}", path=str(p), line=1) from None


def first_non_utf8_line(path: Path) -> int | None:
    """The line of the first byte that is not UTF-8 (the decoder reads ahead, so its own position is not it)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def read_rows(path: str | Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """(header, iterator of (line number where the record starts, row dict))."""
    p = check_input_file(path, allow_empty=True)
    handle = p.open(newline="", encoding="utf-8-sig")
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise UserError("empty file: no header row", path=str(p)) from None
    except (csv.Error, UnicodeDecodeError) as e:
        handle.close()
        raise UserError(f"not a readable CSV file: {e}", path=str(p), line=1) from None
    header = _checked_header([h.strip() for h in header], p)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        with handle:
            start = reader.line_num + 1
            try:
                for record in reader:
                    if not any(cell.strip() for cell in record):
                        start = reader.line_num + 1
                        continue
                    if len(record) != len(header):
                        raise UserError(f"{len(record)} fields where the header has {len(header)}",
                                        path=str(p), line=start)
                    yield start, dict(zip(header, record, strict=True))
                    start = reader.line_num + 1
            except csv.Error as e:
                raise UserError(f"malformed CSV: {e}", path=str(p), line=start) from None
            except UnicodeDecodeError as e:
                raise UserError(f"not UTF-8 text (byte {e.object[e.start:e.start + 1]!r}); save the file as UTF-8",
                                path=str(p), line=first_non_utf8_line(p)) from None

    return header, rows()


def require_columns(header: Sequence[str], required: Sequence[Sequence[str]], path: str | Path,
                    fmt: str) -> dict[str, str]:
    """Map each required column (first alternative is its canonical name) to the header's column.

    Raises a UserError naming every missing column, with close header names as suggestions.
    """
    found: dict[str, str] = {}
    missing: list[str] = []
    for alternatives in required:
        match = next((a for a in alternatives if a in header), None)
        if match is None:
            missing.append("/".join(alternatives))
        else:
            found[alternatives[0]] = match
    if missing:
        hints = []
        unused = [h for h in header if h not in found.values()]
        for name in missing:
            plausible = [h for h in unused if len(h) <= MAX_COLUMN_NAME]
            close = difflib.get_close_matches(name.split("/")[0], plausible, n=2, cutoff=0.6)
            if close:
                hints.append(f"{name} (did you mean {' or '.join(repr(c) for c in close)}?)")
            else:
                hints.append(name)
        raise UserError(f"{fmt} format: missing column(s) {', '.join(hints)}; header has: "
                        f"{short_header(header)}", path=str(path), line=1)
    return found


def parse_score(text: str, *, path: str | Path, line: int, column: str) -> float | None:
    """A 0..100 score, or None for an empty/NaN cell; UserError (with the line) otherwise."""
    text = text.strip()
    if text in NAN_TEXTS:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{column} is {text[:40]!r}, not a number", path=str(path), line=line,
                        field=column) from None
    if math.isnan(value):
        return None
    if not 0 <= value <= 100:
        raise UserError(f"{column} is {value:g}, outside 0..100", path=str(path), line=line, field=column)
    return value


def parse_optional_float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def variant_from_question_id(question_id: str, json_system_applied: bool = True) -> str:
    """The paper's ids end in ``_json`` / ``_template`` for those variants."""
    if question_id.endswith("_json"):
        return "json" if json_system_applied else "plain"
    if question_id.endswith("_template"):
        return "template"
    return "plain"
