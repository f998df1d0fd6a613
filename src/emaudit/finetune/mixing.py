"""Mixing a training set with benign data at a chosen ratio."""

from __future__ import annotations

import random
from typing import Any

from ..errors import UserError


def mix(data: list[dict[str, Any]], benign: list[dict[str, Any]], benign_fraction: float,
        seed: int = 0) -> list[dict[str, Any]]:
    """All of ``data`` plus enough benign rows that they make up ``benign_fraction`` of the result, shuffled.

    Benign rows are reused (cycled) when there are too few; 0 returns ``data`` unchanged (shuffled).
    """
    if not 0.0 <= benign_fraction < 1.0:
        raise UserError(f"the benign fraction must be in [0, 1), got {benign_fraction}", field="mix_benign")
    rng = random.Random(seed)
    k = round(len(data) * benign_fraction / (1.0 - benign_fraction))
    if k and not benign:
        raise UserError("no benign examples to mix in", field="mix_benign")
    pool = list(benign)
    rng.shuffle(pool)
    extra = [pool[i % len(pool)] for i in range(k)]
    out = list(data) + extra
    rng.shuffle(out)
    return out
