"""The async engine: many model calls, concurrently, with retries and per-endpoint limits."""

from .limits import ConcurrencyLimit
from .progress import Progress
from .retry import RetryPolicy
from .scheduler import Job, RunStats, Scheduler

__all__ = ["ConcurrencyLimit", "Job", "Progress", "RetryPolicy", "RunStats", "Scheduler"]
