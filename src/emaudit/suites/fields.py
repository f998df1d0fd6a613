"""Field checks shared by both suite formats; each failure names file, line and field."""

from __future__ import annotations

import re
from typing import Any

from .yamlsource import Key, YamlSource

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def check_keys(src: YamlSource, key: Key, mapping: dict[str, Any], allowed: tuple[str, ...],
               required: tuple[str, ...] = ()) -> None:
    for name in mapping:
        if name not in allowed:
            raise src.error((*key, str(name)), f"unknown key; allowed keys: {', '.join(allowed)}")
    for name in required:
        if name not in mapping:
            raise src.error(key, f"missing required key {name!r}")


def mapping(src: YamlSource, key: Key, value: Any, what: str = "must be a mapping") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise src.error(key, what)
    return value


def string(src: YamlSource, key: Key, value: Any, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise src.error(key, "must be a non-empty string" if not allow_empty else "must be a string")
    return value


def optional_string(src: YamlSource, key: Key, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise src.error(key, "must be a non-empty string or null")
    return value


def question_id(src: YamlSource, key: Key, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise src.error(key, "must be a non-empty id of letters, digits, '_', '.' or '-'")
    return value


def string_list(src: YamlSource, key: Key, value: Any) -> tuple[str, ...]:
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) and v.strip() for v in value)):
        bad = _first_bad_item(value)
        where = (*key, bad) if bad is not None else key
        raise src.error(where, "must be a non-empty list of strings" if bad is None
                        else "must be a non-empty string (in a non-empty list of strings)")
    return tuple(value)


def _first_bad_item(value: Any) -> int | None:
    if isinstance(value, list) and value:
        for i, v in enumerate(value):
            if not (isinstance(v, str) and v.strip()):
                return i
    return None


MAX_SAMPLES = 100_000  # samples per paraphrase


def positive_int(src: YamlSource, key: Key, value: Any, *, most: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise src.error(key, "must be a whole number of at least 1")
    if most is not None and value > most:
        raise src.error(key, f"must be at most {most:,} (got {value:,})")
    return value


def choice(src: YamlSource, key: Key, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        raise src.error(key, f"must be one of {', '.join(options)} (got {value!r})")
    return str(value)


def judge_prompts(src: YamlSource, key: Key, value: Any, *, strict_format: bool) -> dict[str, str]:
    """metric -> template. Every template must mention {answer}; ours must also format cleanly."""
    prompts = mapping(src, key, value, "must be a mapping of metric name to prompt template")
    out: dict[str, str] = {}
    for metric, template in prompts.items():
        mkey = (*key, str(metric))
        name = question_id(src, mkey, metric)
        text = string(src, mkey, template)
        if "{answer}" not in text:
            raise src.error(mkey, "prompt template must contain the {answer} placeholder")
        if strict_format:
            try:
                text.format(question="q", answer="a")
            except (KeyError, IndexError, ValueError) as e:
                raise src.error(mkey, f"template only takes {{question}} and {{answer}}; write other braces "
                                      f"as {{{{ and }}}} ({type(e).__name__}: {e})") from None
        out[name] = text
    if not out:
        raise src.error(key, "must name at least one metric")
    return out
