"""What a run may carry besides answers: the training-data audit and the canary curves."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .methods import fmt_value
from .redact import redact, scrub_document
from .result_json import num


def data_audit_section(audit: Any) -> tuple[Markup | None, list[tuple[str, str]]]:
    """The data package's own HTML section when it offers one, else a key/value summary."""
    if audit is None:
        return None, []
    import importlib

    try:
        render_section = getattr(importlib.import_module("emaudit.data"), "render_html_section", None)
    except ImportError:
        render_section = None
    if render_section is not None:
        try:
            return Markup(scrub_document(str(render_section(audit)))), []
        except Exception:  # noqa: BLE001 - the data section is optional; fall back to the summary
            pass
    summary = audit.get("summary", audit) if isinstance(audit, Mapping) else {"data audit": audit}
    rows = [(str(k), fmt_value(v)) for k, v in redact(dict(summary)).items()
            if not isinstance(v, list) or len(v) < 20]
    return None, rows


def read_canary(source: Any) -> list[dict[str, Any]]:
    """Canary records from a list of dicts, a JSONL text/path (``canary.jsonl``) or a dict of series."""
    if source is None:
        return []
    if isinstance(source, str | Path) and Path(source).is_file():
        source = Path(source).read_text(encoding="utf-8")
    if isinstance(source, str):
        return [json.loads(line) for line in source.splitlines() if line.strip()]
    if isinstance(source, Mapping):
        inner = source.get("records") or source.get("points") or source.get("curves")
        return read_canary(inner) if inner is not None else [dict(source)]
    return [dict(r) for r in source if isinstance(r, Mapping)]


def canary_series(records: list[dict[str, Any]]) -> tuple[str, list[tuple[str, list[tuple[float, float]]]]]:
    """(x label, series) from canary records: ``{step, name|metric|canary, value}`` or wide rows."""
    x_key = next((k for k in ("step", "global_step", "epoch", "checkpoint") if records and k in records[0]), "step")
    series: dict[str, list[tuple[float, float]]] = {}
    for i, r in enumerate(records):
        x = num(r.get(x_key))
        x = float(i) if x is None else x
        name_key = next((k for k in ("series", "name", "metric", "canary", "probe") if k in r), None)
        if name_key is not None and num(r.get("value")) is not None:
            label = str(r[name_key]) + (f" ({r['role']})" if r.get("role") else "")
            series.setdefault(label, []).append((x, float(r["value"])))
            continue
        for k, v in r.items():
            if k not in (x_key, "epoch", "step", "time", "timestamp", "wall_s") and num(v) is not None:
                series.setdefault(str(k), []).append((x, float(v)))
    return x_key, list(series.items())
