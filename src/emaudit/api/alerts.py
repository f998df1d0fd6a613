"""Where a monitor's alerts go: a log line, a webhook POST (JSON, retried), and Prometheus metrics.

Targets are ``log``, ``webhook:<http(s) URL>`` or ``webhook:env:<VARIABLE>`` (the URL is read from the
environment when the alert is sent, so a URL that carries a token is never written to the store).

The webhook body (``ALERT_SCHEMA``)::

    {"schema": "emaudit.monitor.alert/1", "monitor": "prod", "kind": "drift" | "live-drift" | "failing" | "broken",
     "message": "...", "check_run": "monitor:prod:20261206T080000Z", "at": "2026-12-06T08:00:00+00:00",
     "model": "openai-api/prod/model", "baseline_run": "support-v2",
     "rate": 0.05, "rate_ci": [0.03, 0.07], "baseline_rate": 0.005,
     "evidence": 57.1, "threshold": 40.0, "moved": [{"question": "q1", "baseline": 0.0, "now": 0.2,
     "difference": 0.2, "p_adjusted": 0.01}], "failures": 0,
     "responses": [{"id": "3f2a9c1b7e04", "action": "hold-all" | "policy" | "route", "target": null}]}
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..errors import UserError

ALERT_SCHEMA = "emaudit.monitor.alert/1"
log = logging.getLogger("emaudit.monitor")


@dataclass
class Alert:
    monitor: str
    kind: str                      # drift | live-drift | failing | broken
    message: str
    check_run: str
    at: str
    model: str = ""
    baseline_run: str = ""
    rate: float | None = None
    rate_ci: list[float] | None = None
    baseline_rate: float | None = None
    evidence: float | None = None
    threshold: float | None = None
    moved: list[dict[str, Any]] = field(default_factory=list)
    failures: int = 0
    responses: list[dict[str, Any]] = field(default_factory=list)  # what the guard was told to do

    def body(self) -> dict[str, Any]:
        return {"schema": ALERT_SCHEMA, **asdict(self)}

    def line(self) -> str:
        return f"emaudit monitor ALERT {self.monitor} [{self.kind}]: {self.message} (check {self.check_run})"


def check_target(target: str) -> str:
    """A valid alert target, or UserError naming it."""
    if target == "log":
        return target
    kind, _, rest = target.partition(":")
    if kind == "webhook" and rest.startswith("env:") and rest[4:]:
        return target
    if kind == "webhook":
        parts = urlsplit(rest)
        if parts.scheme in ("http", "https") and parts.netloc:
            return target
        raise UserError(f"a webhook target reads webhook:https://host/path or webhook:env:VARIABLE, not {target!r}",
                        field="--alert")
    raise UserError(f"unknown alert target {target!r}: use log, webhook:URL or webhook:env:VARIABLE",
                    field="--alert")


def shown(target: str) -> str:
    """A target as it may be printed: a webhook URL cut to its scheme and host (paths often hold tokens)."""
    kind, _, rest = target.partition(":")
    if kind != "webhook" or rest.startswith("env:"):
        return target
    parts = urlsplit(rest)
    return f"webhook:{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}/…"


def dispatch(alert: Alert, targets: list[str], *, retries: int = 3, timeout_s: float = 10.0,
             backoff_s: float = 0.5) -> list[str]:
    """Send ``alert`` everywhere; returns what could not be delivered (one line each), never raises."""
    problems = []
    for target in targets:
        if target == "log":
            print(alert.line(), file=sys.stderr, flush=True)
            log.warning(alert.line())
            continue
        url = target.partition(":")[2]
        if url.startswith("env:"):
            url = os.environ.get(url[4:], "")
            if not url:
                problems.append(f"{target}: the variable {target.split(':', 2)[2]} is not set")
                continue
        problem = post_json(url, alert.body(), retries=retries, timeout_s=timeout_s, backoff_s=backoff_s)
        if problem:
            problems.append(f"{shown(target)}: {problem}")
    return problems


def post_json(url: str, body: dict[str, Any], *, retries: int, timeout_s: float, backoff_s: float) -> str | None:
    """POST with retries on connection errors, 429 and 5xx; None when delivered, else why not."""
    import httpx

    problem = "not sent"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        try:
            response = httpx.post(url, json=body, timeout=timeout_s,
                                  headers={"User-Agent": "emaudit-monitor", "Content-Type": "application/json"})
        except httpx.HTTPError as e:
            problem = f"{type(e).__name__}"
            continue
        if response.status_code < 300:
            return None
        problem = f"HTTP {response.status_code}"
        if response.status_code != 429 and response.status_code < 500:
            break  # the receiver refuses this body: retrying will not help
    return f"{problem} after {attempt + 1} attempt(s)"
