"""The per-example findings file: streamed during the audit, then joined with the duplicate links
(known only at the end) in one sequential pass."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO

import numpy as np

from .store import BLOCK_ROWS, ColumnFile

_PREFIX = '{"example": '


def _next(src: IO[str]) -> tuple[int, str] | None:
    line = src.readline()
    if not line:
        return None
    if line.startswith(_PREFIX):
        return int(line[len(_PREFIX):line.index(",")]), line
    return int(json.loads(line)["example"]), line


def add_duplicate_links(part: Path, dest: Path, links: dict[str, ColumnFile], lines: ColumnFile) -> None:
    """Write `part` to `dest` with a "duplicate" object on each example that repeats an earlier one
    ({link name: earlier example}); examples with nothing else to report get a line of their own."""
    tmp = dest.with_name(dest.name + ".tmp")
    with open(part, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as out:
        pending = _next(src)
        for start in range(0, lines.count, BLOCK_ROWS):
            block = {name: column.read(start, BLOCK_ROWS) for name, column in links.items()}
            line_numbers = lines.read(start, BLOCK_ROWS)
            linked = np.zeros(len(line_numbers), dtype=bool)
            for values in block.values():
                linked |= values >= 0
            for offset in np.flatnonzero(linked).tolist():
                example = start + offset
                while pending is not None and pending[0] < example:
                    out.write(pending[1])
                    pending = _next(src)
                duplicate = {name: int(values[offset]) for name, values in block.items() if values[offset] >= 0}
                if pending is not None and pending[0] == example:
                    record = json.loads(pending[1])
                    pending = _next(src)
                else:
                    record = {"example": example, "line": int(line_numbers[offset])}
                record["duplicate"] = duplicate
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        while pending is not None:
            out.write(pending[1])
            pending = _next(src)
    os.replace(tmp, dest)
