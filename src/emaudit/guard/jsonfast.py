"""JSON on the guard's hot path: orjson when installed (several times faster), the standard library otherwise
and for whatever orjson refuses (NaN, integers over 64 bits, non-string keys), so behaviour never changes."""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - the guard extra installs it
    orjson = None  # type: ignore[assignment]


def loads(data: bytes | str) -> Any:
    if orjson is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


def dumps(obj: Any) -> bytes:
    if orjson is not None:
        try:
            return orjson.dumps(obj)
        except TypeError:
            pass
    return json.dumps(obj).encode()


def dumps_text(obj: Any) -> str:
    return dumps(obj).decode()
