"""What the guard's log keeps out: the report redactor's secret fields, key shapes, bearer tokens and URL
passwords, plus PEM private keys, ``password = ...`` style assignments, and the values of secret environment
variables (the upstream key, should an upstream ever echo it)."""

from __future__ import annotations

import re
from typing import Any

from ..report.redact import REDACTED, redact, redact_text, secret_env_values

_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)", re.DOTALL)
_ASSIGNED = re.compile(r"(?i)\b((?:password|passwd|pwd|secret|api[_-]?key|token)\s*[:=]\s*[\"']?)([^\s\"',;]{6,})")


class Redactor:
    """Built when the guard starts, so it knows that process's secret environment values."""

    def __init__(self) -> None:
        self.env_values = secret_env_values()

    def text(self, s: str) -> str:
        s = redact_text(_ASSIGNED.sub(lambda m: m.group(1) + REDACTED, _PEM.sub(REDACTED, s)))
        for value in self.env_values:
            if value in s:
                s = s.replace(value, REDACTED)
        return s

    def __call__(self, value: Any) -> Any:
        return redact(value, self.text)
