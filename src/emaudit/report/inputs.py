"""Getting a run's report inputs from the store (through ``emaudit.api.load_report_inputs``)."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import UserError

ReportInputs = tuple[dict[str, Any] | None, dict[str, Any], list[dict[str, Any]], dict[str, Any]]


def unknown_run_error(name: str, known: Sequence[str]) -> UserError:
    near = difflib.get_close_matches(name, list(known), n=5, cutoff=0.5)
    if near:
        hint = "did you mean " + ", ".join(near) + "?"
    elif known:
        hint = f"the store has {len(known)} run(s); list them with `emaudit runs`"
    else:
        hint = "the store has no runs yet"
    return UserError(f"no run named {name!r}; {hint}")


def run_names(store: Any) -> list[str]:
    return [str(r["name"] if isinstance(r, Mapping) else r.name) for r in store.list_runs()]


def _answer_dict(a: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        a = dataclasses.asdict(a)
    d = dict(a)
    item = d.pop("item", None)
    if isinstance(item, Mapping):
        d = {**item, **d}
    return d


def normalize_inputs(raw: Any) -> ReportInputs:
    """Accept ``(result_json, run_meta, answers, extras)`` as a tuple, a dict or an object with those fields."""
    if isinstance(raw, tuple | list) and len(raw) == 4:
        result, meta, answers, extras = raw
    elif isinstance(raw, Mapping):
        result = raw.get("result_json", raw.get("result"))
        meta = raw.get("run_meta", raw.get("meta", {}))
        answers, extras = raw.get("answers", []), raw.get("extras", {})
    else:
        result = getattr(raw, "result_json", getattr(raw, "result", None))
        meta = getattr(raw, "run_meta", getattr(raw, "meta", {}))
        answers, extras = getattr(raw, "answers", []), getattr(raw, "extras", {})
    if result is not None and not isinstance(result, Mapping) and hasattr(result, "to_dict"):
        result = result.to_dict()
    return (dict(result) if result else None, dict(meta or {}), [_answer_dict(a) for a in answers or []],
            dict(extras or {}))


def load_inputs(store: Any, name: str, convention: str | None = None) -> ReportInputs:
    """The report inputs of run ``name``; UserError naming near matches when there is no such run."""
    known = run_names(store)
    if name not in known:
        raise unknown_run_error(name, known)
    try:
        from ..api import load_report_inputs  # type: ignore[attr-defined]
    except ImportError:
        raise UserError("this build cannot read runs for reports yet (emaudit.api.load_report_inputs is "
                        "missing)") from None
    if convention is None:
        return normalize_inputs(load_report_inputs(store, name))
    return normalize_inputs(load_report_inputs(store, name, convention))


def open_store(path: Any) -> Any:
    from ..store import Store

    return Store.open(path, create=False)
