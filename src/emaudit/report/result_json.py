"""Reading the AuditResult JSON dict (docs/json-schema.md), tolerant of other spellings of its fields.

Only the JSON is read, never the analysis package's Python objects, so a report can be built from a
saved ``--json`` file as well as from a live result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from .redact import redact
from .svg_plots import Interval


def first(d: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    for k in keys:
        if k in d and d[k] is not None:
            return d[k]
    return default


def num(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if f == f else None


def _as_fraction(v: float | None, scale100: bool) -> float | None:
    return None if v is None else (v / 100.0 if scale100 else v)


def read_interval(d: Any) -> Interval | None:
    """A rate with its 95% interval from ``{rate|value|estimate, ci: [lo, hi] | ci_low/ci_high, n}``."""
    if d is None:
        return None
    if isinstance(d, int | float) and not isinstance(d, bool):
        return Interval(float(d))
    if not isinstance(d, Mapping):
        return None
    value = num(first(d, "rate", "value", "estimate", "mean", "point", "diff", "difference"))
    if value is None:
        return None
    ci = first(d, "ci", "ci95", "interval", "ci_95")
    lo = hi = None
    if isinstance(ci, list | tuple) and len(ci) == 2:
        lo, hi = num(ci[0]), num(ci[1])
    elif isinstance(ci, Mapping):
        lo, hi = num(first(ci, "low", "lo", "lower")), num(first(ci, "high", "hi", "upper"))
    else:
        lo = num(first(d, "ci_low", "ci_lo", "lo", "low", "lower"))
        hi = num(first(d, "ci_high", "ci_hi", "hi", "high", "upper"))
    n = first(d, "n", "n_counted", "n_valid", "count", "n_included")
    scale100 = value > 1.0 or (hi is not None and hi > 1.0)
    return Interval(value / 100.0 if scale100 else value, _as_fraction(lo, scale100),
                    _as_fraction(hi, scale100), int(n) if isinstance(n, int | float) else None)


def by_role(section: Any) -> dict[str, Any]:
    """``{"base": {...}, "candidate": {...}}`` or a list of ``{"role": ..., ...}`` as a role map."""
    if isinstance(section, Mapping):
        return dict(section)
    if isinstance(section, list):
        return {str(x.get("role") or x.get("model") or i): x for i, x in enumerate(section) if isinstance(x, Mapping)}
    return {}


def read_convention(result: Mapping[str, Any], run_meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    conv = result.get("convention")
    if not conv and run_meta:
        analysis = (run_meta.get("config") or {}).get("analysis") or {}
        conv = analysis.get("convention") if isinstance(analysis, Mapping) else None
    if isinstance(conv, str):
        conv = {"name": conv}
    conv = dict(conv or {})
    thresholds: Mapping[str, Any] = conv["thresholds"] if isinstance(conv.get("thresholds"), Mapping) else {}
    aligned = num(first(conv, "aligned_threshold", "aligned_below", "aligned_max",
                          default=first(thresholds, "aligned", "aligned_below", default=None)))
    coherent = num(first(conv, "coherent_threshold", "coherent_above", "coherent_min",
                           default=first(thresholds, "coherent", "coherent_above", default=None)))
    conv["aligned_threshold"] = aligned
    conv["coherent_threshold"] = coherent
    conv.setdefault("name", "unknown")
    return conv


def question_rows(result: Mapping[str, Any], questions_text: Mapping[str, str]) -> list[dict[str, Any]]:
    raw = first(result, "questions", "per_question", "per_question_rates", default=[])
    if isinstance(raw, Mapping):
        raw = [{"question_id": k, **v} for k, v in raw.items()]
    rows = []
    for q in raw:
        if not isinstance(q, Mapping):
            continue
        qid = str(first(q, "question_id", "id", "question", default="?"))
        roles = by_role(q.get("rates")) if "rates" in q else {}
        base = read_interval(q.get("base", roles.get("base")))
        cand = read_interval(q.get("candidate", roles.get("candidate")))
        diff_raw = first(q, "difference", "diff", "paired_difference", "delta")
        if isinstance(diff_raw, int | float) and not isinstance(diff_raw, bool):
            diff_raw = {"estimate": diff_raw, "ci": q.get("ci")}
        diff = read_interval(diff_raw)
        p = p_holm = None
        if isinstance(diff_raw, Mapping):
            p = num(first(diff_raw, "p", "p_value", "pvalue"))
            p_holm = num(first(diff_raw, "p_holm", "p_adjusted", "holm_p", "p_adj"))
        p = p if p is not None else num(first(q, "p", "p_value"))
        p_holm = p_holm if p_holm is not None else num(first(q, "p_holm", "p_adjusted", "holm_p"))
        rows.append({"id": qid, "category": q.get("category") or q.get("variant") or "",
                     "text": first(q, "text", "question_text", "paraphrase", default=questions_text.get(qid, "")),
                     "base": base, "candidate": cand, "diff": diff, "p": p, "p_holm": p_holm,
                     "significant": p_holm is not None and p_holm < 0.05})
    return rows


def read_verdict(result: Mapping[str, Any], macro_diff: Interval | None) -> dict[str, Any] | None:
    v = result.get("verdict")
    if v is None:
        return None
    if isinstance(v, str):
        v = {"label": v}
    label = str(first(v, "label", "verdict", "status", default="unknown"))
    effect_raw = first(v, "effect", "effect_size", "difference", default=None)
    if isinstance(effect_raw, int | float) and not isinstance(effect_raw, bool):
        effect_raw = {"estimate": effect_raw, "ci": v.get("ci")}
    effect = read_interval(effect_raw) or macro_diff
    lowered = label.lower().replace("_", "-").replace(" ", "-")
    if isinstance(v.get("evidence"), bool) and v["evidence"]:
        css = "bad"
    elif lowered in ("no-evidence", "aligned", "pass", "clean", "ok"):
        css = "ok"
    elif lowered in ("evidence", "misaligned", "fail"):
        css = "bad"
    else:
        css = "warn"
    headline = {"evidence": "Evidence of emergent misalignment", "no-evidence": "No evidence of emergent misalignment",
                "no-baseline": "No baseline: rates only", "insufficient-data": "Insufficient data"}
    p = num(v.get("p_value"))
    return {"label": headline.get(lowered, label.replace("_", " ").replace("-", " ")),
            "text": first(v, "message", "summary", "text", "explanation", "reason", default=""),
            "effect": effect, "css": css, "p_value": p, "alpha": num(v.get("alpha")),
            "measure": first(v, "measure", "effect_measure",
                              default="macro-average difference in misaligned rate, candidate minus base")}



def read_models(result: Mapping[str, Any], run_meta: Mapping[str, Any]) -> dict[str, str]:
    """role -> model spec(s); several models of one role (training seeds) are joined."""
    models: Any = first(run_meta, "models", default=None) or (run_meta.get("config") or {}).get("models") \
        or result.get("models")
    out: dict[str, list[str]] = {}
    if isinstance(models, list):
        for i, m in enumerate(models):
            if isinstance(m, Mapping):
                role = str(m.get("role") or f"model {i + 1}")
                out.setdefault(role, []).append(str(m.get("spec") or m.get("model") or ""))
            else:
                out.setdefault(f"model {i + 1}", []).append(str(m))
    elif isinstance(models, Mapping):
        for role, spec in models.items():
            out.setdefault(str(role), []).append(
                str(spec.get("spec") or spec.get("model") or spec) if isinstance(spec, Mapping) else str(spec))
    elif isinstance(result.get("roles"), Mapping):
        for role, summary in result["roles"].items():
            if isinstance(summary, Mapping):
                out[str(role)] = [str(m) for m in summary.get("models") or [role]]
    return redact({role: ", ".join(dict.fromkeys(specs)) for role, specs in out.items()})


def role_rates(result: Mapping[str, Any], answers: list[dict[str, Any]], roles: list[str],
                models: Mapping[str, str]) -> list[dict[str, Any]]:
    summaries = by_role(result.get("roles") or {})
    macro = by_role(first(result, "macro", "macro_average", default={}))
    coherence = by_role(first(result, "coherence", "coherence_rates", default={}))
    refusal = by_role(first(result, "refusal", "refusal_rates", default={}))
    counts = Counter(a["role"] for a in answers)
    out = []
    for role in roles:
        s = summaries.get(role) or {}
        misaligned = read_interval(macro.get(role)) or read_interval(
            {"rate": s.get("macro_rate"), "ci": s.get("macro_ci"), "n": s.get("n_counted")})
        out.append({"role": role, "model": models.get(role) or ", ".join(s.get("models") or []),
                    "answers": s.get("n_answers", counts.get(role, 0)), "misaligned": misaligned,
                    "coherence": read_interval(coherence.get(role)) or read_interval(s.get("coherent_rate")),
                    "refusal": read_interval(refusal.get(role)) or read_interval(s.get("refusal_rate")),
                    "code": read_interval(s.get("code_rate"))})
    return out
