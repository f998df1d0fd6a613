"""When to retry a failed model call and how long to wait first."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..errors import ModelError


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter; a server's ``Retry-After`` is a floor on the wait."""

    max_retries: int = 6
    base_s: float = 1.0
    max_s: float = 60.0

    def should_retry(self, error: BaseException, attempt: int) -> bool:
        """``attempt`` counts the retries already made for this call."""
        return isinstance(error, ModelError) and error.retryable and attempt < self.max_retries

    def delay(self, attempt: int, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``attempt + 1``."""
        cap = min(self.max_s, self.base_s * (2 ** attempt))
        jitter = (rng or random).uniform(0.0, cap)
        if retry_after is not None and retry_after > 0:
            # honour the server, plus a little jitter so held-back calls do not all return at once
            return min(max(retry_after, 0.0), 3600.0) + jitter * 0.1
        return jitter


def is_rate_limit(error: BaseException) -> bool:
    return isinstance(error, ModelError) and error.status == 429


def is_server_trouble(error: BaseException) -> bool:
    """5xx, timeouts and dropped connections: signs of an overloaded server that are not a 429."""
    return isinstance(error, ModelError) and error.retryable and error.status != 429
