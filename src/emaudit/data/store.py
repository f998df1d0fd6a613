"""Fixed-size per-example columns kept in files (not in RAM) while the training file streams by.

Each column is an append-only binary file of one numpy dtype. The set-level steps read it back in
blocks (`blocks`), or pick rows at given positions with one sequential pass (`take`), so no step
ever maps or loads a whole column of signatures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

BLOCK_ROWS = 4_096
WRITE_BUFFER = 128 * 1024


class ColumnFile:
    def __init__(self, path: Path, dtype: Any) -> None:
        self.path = path
        self.dtype = np.dtype(dtype)
        self.count = 0
        self._file = open(path, "wb", buffering=WRITE_BUFFER)  # noqa: SIM115 (closed by close())

    def write(self, row: bytes) -> None:
        self._file.write(row)
        self.count += 1

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    def read(self, start: int = 0, count: int | None = None) -> np.ndarray:
        """Rows [start, start + count) as an in-memory array (all rows from start when count is None)."""
        if not self._file.closed:
            self._file.flush()
        count = self.count - start if count is None else min(count, self.count - start)
        if count <= 0:
            return np.zeros((0, *self.dtype.shape), dtype=self.dtype.base)
        return np.fromfile(self.path, dtype=self.dtype, count=count, offset=start * self.dtype.itemsize)

    def blocks(self, rows: int = BLOCK_ROWS) -> Iterator[tuple[int, np.ndarray]]:
        for start in range(0, self.count, rows):
            yield start, self.read(start, rows)

    def take(self, positions: np.ndarray, rows: int = BLOCK_ROWS) -> np.ndarray:
        """Rows at sorted positions, read block by block."""
        out = np.empty((len(positions), *self.dtype.shape), dtype=self.dtype.base)
        if len(positions) == 0:
            return out
        for start in range(int(positions[0]) // rows * rows, int(positions[-1]) + 1, rows):
            lo, hi = np.searchsorted(positions, [start, start + rows])
            if hi > lo:
                out[lo:hi] = self.read(start, rows)[positions[lo:hi] - start]
        return out


def write_array(path: Path, values: np.ndarray) -> ColumnFile:
    """A whole column written at once (used for results computed at the end, e.g. duplicate links)."""
    column = ColumnFile(path, values.dtype)
    column.close()
    values.tofile(path)
    column.count = len(values)
    return column
