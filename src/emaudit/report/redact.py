"""Keep credentials out of reports: secret-looking keys, key-shaped strings and secret env values."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from html import escape
from typing import Any

REDACTED = "[redacted]"

_SECRET_KEY_PARTS = ("api_key", "apikey", "api-key", "secret", "password", "passwd", "authorization",
                     "credential", "auth_token", "access_token", "bearer", "private_key")
_KEY_SHAPES = re.compile(
    r"(sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{16,}|hf_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|xox[abprs]-[A-Za-z0-9\-]{10,}|AIza[0-9A-Za-z_\-]{30,})")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._\-~+/]{8,}=*")
_URL_PASSWORD = re.compile(r"(://[^/\s:@]+:)[^@/\s]+@")
_URL_QUERY_KEY = re.compile(r"(?i)([?&](?:api[_-]?key|key|token|access_token|secret)=)[^&\s\"'<]+")
_ENV_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH", re.I)


def is_secret_key(key: str) -> bool:
    k = key.lower()
    return any(p in k for p in _SECRET_KEY_PARTS) or k == "token" or k.endswith(("_token", "-token"))


def redact_text(text: str) -> str:
    text = _KEY_SHAPES.sub(REDACTED, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + REDACTED + "@", text)
    return _URL_QUERY_KEY.sub(lambda m: m.group(1) + REDACTED, text)


def redact(value: Any, text: Callable[[str], str] = redact_text) -> Any:
    """A copy of a JSON-like value with secret fields blanked and its strings passed through ``text``."""
    if isinstance(value, dict):
        return {k: (REDACTED if is_secret_key(str(k)) and value[k] not in (None, "") else redact(v, text))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v, text) for v in value]
    if isinstance(value, str):
        return text(value)
    return value


def secret_env_values(environ: dict[str, str] | None = None) -> list[str]:
    """Values of environment variables whose names say they hold credentials (long enough to be one)."""
    env = os.environ if environ is None else environ
    return sorted({v for k, v in env.items() if _ENV_NAME.search(k) and len(v) >= 12
                   and not v.startswith("/")}, key=len, reverse=True)


def scrub_document(doc: str) -> str:
    """Last pass over a finished document: no secret env value, raw or HTML-escaped, survives."""
    for value in secret_env_values():
        for form in {value, escape(value), escape(value, quote=False)}:
            doc = doc.replace(form, REDACTED)
    return redact_text(doc)
