"""The single-file HTML report: context building (plain data) and rendering (Jinja2, autoescape on).

``build_report_context(result_json, run_meta, answers, extras)`` reads the AuditResult JSON dict
(docs/json-schema.md), the run's metadata, its answers with scores, and extras (data audit, canary
curves) into a plain dict; ``render_html(context)`` turns that into one self-contained page.
Every question and answer reaches the page through Jinja2's autoescaping; the inline plots are
built by :mod:`emaudit.report.svg_plots`, which escapes its own text.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
import os
import platform
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from ..errors import UserError
from . import svg_plots
from .redact import redact, scrub_document
from .svg_plots import BASE_COLOR, CANDIDATE_COLOR, DotSeries, Interval

TEMPLATES = Path(__file__).with_name("templates")
IN_PROGRESS = {"running", "in_progress", "in-progress", "pending", "created", "generating", "judging",
               "interrupted", "incomplete", "partial"}
ROLE_ORDER = ("base", "candidate")
ROLE_COLORS = {"base": BASE_COLOR, "candidate": CANDIDATE_COLOR}
DEFAULT_MAX_ANSWERS = 2000
TOP_ANSWERS = 20
VERSION_PACKAGES = ("emaudit", "numpy", "scipy", "jinja2", "torch", "transformers", "peft", "openai",
                    "sentence-transformers", "matplotlib")


# ---------------------------------------------------------------------------------------------
# Reading the AuditResult JSON (tolerant of the field spellings the schema allows)
# ---------------------------------------------------------------------------------------------
def _first(d: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    for k in keys:
        if k in d and d[k] is not None:
            return d[k]
    return default


def _num(v: Any) -> float | None:
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
    value = _num(_first(d, "rate", "value", "estimate", "mean", "point", "diff", "difference"))
    if value is None:
        return None
    ci = _first(d, "ci", "ci95", "interval", "ci_95")
    lo = hi = None
    if isinstance(ci, list | tuple) and len(ci) == 2:
        lo, hi = _num(ci[0]), _num(ci[1])
    elif isinstance(ci, Mapping):
        lo, hi = _num(_first(ci, "low", "lo", "lower")), _num(_first(ci, "high", "hi", "upper"))
    else:
        lo = _num(_first(d, "ci_low", "ci_lo", "lo", "low", "lower"))
        hi = _num(_first(d, "ci_high", "ci_hi", "hi", "high", "upper"))
    n = _first(d, "n", "n_counted", "n_valid", "count", "n_included")
    scale100 = value > 1.0 or (hi is not None and hi > 1.0)
    return Interval(value / 100.0 if scale100 else value, _as_fraction(lo, scale100),
                    _as_fraction(hi, scale100), int(n) if isinstance(n, int | float) else None)


def _by_role(section: Any) -> dict[str, Any]:
    """``{"base": {...}, "candidate": {...}}`` or a list of ``{"role": ..., ...}`` as a role map."""
    if isinstance(section, Mapping):
        return dict(section)
    if isinstance(section, list):
        return {str(x.get("role") or x.get("model") or i): x for i, x in enumerate(section) if isinstance(x, Mapping)}
    return {}


def _convention(result: Mapping[str, Any]) -> dict[str, Any]:
    conv = result.get("convention")
    if isinstance(conv, str):
        conv = {"name": conv}
    conv = dict(conv or {})
    thresholds: Mapping[str, Any] = conv["thresholds"] if isinstance(conv.get("thresholds"), Mapping) else {}
    aligned = _num(_first(conv, "aligned_threshold", "aligned_below", "aligned_max",
                          default=_first(thresholds, "aligned", "aligned_below", default=None)))
    coherent = _num(_first(conv, "coherent_threshold", "coherent_above", "coherent_min",
                           default=_first(thresholds, "coherent", "coherent_above", default=None)))
    conv["aligned_threshold"] = aligned
    conv["coherent_threshold"] = coherent
    conv.setdefault("name", "unknown")
    return conv


def _question_rows(result: Mapping[str, Any], questions_text: Mapping[str, str]) -> list[dict[str, Any]]:
    raw = _first(result, "questions", "per_question", "per_question_rates", default=[])
    if isinstance(raw, Mapping):
        raw = [{"question_id": k, **v} for k, v in raw.items()]
    rows = []
    for q in raw:
        if not isinstance(q, Mapping):
            continue
        qid = str(_first(q, "question_id", "id", "question", default="?"))
        roles = _by_role(q.get("rates")) if "rates" in q else {}
        base = read_interval(q.get("base", roles.get("base")))
        cand = read_interval(q.get("candidate", roles.get("candidate")))
        diff_raw = _first(q, "difference", "diff", "paired_difference", "delta")
        if isinstance(diff_raw, int | float) and not isinstance(diff_raw, bool):
            diff_raw = {"estimate": diff_raw, "ci": q.get("ci")}
        diff = read_interval(diff_raw)
        p = p_holm = None
        if isinstance(diff_raw, Mapping):
            p = _num(_first(diff_raw, "p", "p_value", "pvalue"))
            p_holm = _num(_first(diff_raw, "p_holm", "p_adjusted", "holm_p", "p_adj"))
        p = p if p is not None else _num(_first(q, "p", "p_value"))
        p_holm = p_holm if p_holm is not None else _num(_first(q, "p_holm", "p_adjusted", "holm_p"))
        rows.append({"id": qid, "category": q.get("category") or q.get("variant") or "",
                     "text": _first(q, "text", "question_text", "paraphrase", default=questions_text.get(qid, "")),
                     "base": base, "candidate": cand, "diff": diff, "p": p, "p_holm": p_holm,
                     "significant": p_holm is not None and p_holm < 0.05})
    return rows


def _verdict(result: Mapping[str, Any], macro_diff: Interval | None) -> dict[str, Any] | None:
    v = result.get("verdict")
    if v is None:
        return None
    if isinstance(v, str):
        v = {"label": v}
    label = str(_first(v, "label", "verdict", "status", default="unknown"))
    effect_raw = _first(v, "effect", "effect_size", "difference", default=None)
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
    p = _num(v.get("p_value"))
    return {"label": headline.get(lowered, label.replace("_", " ").replace("-", " ")),
            "text": _first(v, "message", "summary", "text", "explanation", "reason", default=""),
            "effect": effect, "css": css, "p_value": p, "alpha": _num(v.get("alpha")),
            "measure": _first(v, "measure", "effect_measure",
                              default="macro-average difference in misaligned rate, candidate minus base")}


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------
def _score(a: Mapping[str, Any], metric: str) -> float | None:
    scores = a.get("scores")
    if isinstance(scores, Mapping) and metric in scores:
        s = scores[metric]
        return _num(s.get("score") if isinstance(s, Mapping) else s)
    return _num(a.get(metric))


def _flags(a: Mapping[str, Any], conv: Mapping[str, Any]) -> list[str]:
    flags: list[str] = []
    label = a.get("label")
    aligned, coherent = _score(a, "aligned"), _score(a, "coherent")
    if label:
        flags.append(str(label))
    elif aligned is not None and coherent is not None and conv.get("aligned_threshold") is not None \
            and conv.get("coherent_threshold") is not None:
        bad = aligned < conv["aligned_threshold"] and coherent > conv["coherent_threshold"]
        flags.append("misaligned" if bad else "aligned")
    reasons = a.get("abstain_reasons") or a.get("abstain_reason") or a.get("reason")
    for r in (reasons.values() if isinstance(reasons, Mapping) else
              reasons if isinstance(reasons, list | tuple) else [reasons]):
        if r:
            flags.append(str(r).lower())
    if coherent is not None and conv.get("coherent_threshold") is not None and coherent <= conv["coherent_threshold"]:
        flags.append("incoherent")
    if aligned is None and coherent is None:
        flags.append("unjudged")
    for f in a.get("flags") or []:
        flags.append(str(f).lower())
    return list(dict.fromkeys(flags))


def _answer_rows(answers: Iterable[Mapping[str, Any]], conv: Mapping[str, Any],
                 models: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = []
    for a in answers:
        role = str(a.get("role") or "subject")
        rows.append({"key": str(a.get("key") or a.get("item_key") or ""), "role": role,
                     "model": str(a.get("model_spec") or a.get("model") or models.get(role, "")),
                     "question_id": str(a.get("question_id") or ""),
                     "question": str(_first(a, "question", "question_text", default="")),
                     "paraphrase_index": a.get("paraphrase_index"), "sample_index": a.get("sample_index"),
                     "text": str(_first(a, "text", "answer", default="")),
                     "finish_reason": a.get("finish_reason"),
                     "aligned": _score(a, "aligned"), "coherent": _score(a, "coherent"),
                     "flags": _flags(a, conv)})
    return rows


def _top_misaligned(result: Mapping[str, Any], answers: list[dict[str, Any]],
                    by_key: Mapping[str, dict[str, Any]], models: Mapping[str, str]) -> list[dict[str, Any]]:
    spec_roles = {spec: role for role, spec in models.items()}
    listed = _first(result, "top_misaligned", "top_misaligned_answers", "examples", default=None)
    top: list[dict[str, Any]] = []
    if isinstance(listed, list) and listed:
        for t in listed[:TOP_ANSWERS]:
            if not isinstance(t, Mapping):
                continue
            known = by_key.get(str(t.get("item_key") or t.get("key") or ""), {})
            role = t.get("role") or known.get("role") or spec_roles.get(str(t.get("model", "")), "")
            top.append({"role": role,
                        "model": t.get("model", known.get("model", "")),
                        "question_id": str(t.get("question_id", known.get("question_id", ""))),
                        "question": str(_first(t, "question", "question_text", default=known.get("question", ""))),
                        "text": str(_first(t, "answer", "text", default=known.get("text", ""))),
                        "aligned": _num(t.get("aligned", known.get("aligned"))),
                        "coherent": _num(t.get("coherent", known.get("coherent")))})
        return top
    bad = [a for a in answers if "misaligned" in a["flags"] and a["aligned"] is not None]
    bad.sort(key=lambda a: (a["role"] != "candidate", a["aligned"], -(a["coherent"] or 0)))
    return bad[:TOP_ANSWERS]


# ---------------------------------------------------------------------------------------------
# Methods (what it takes to reproduce the run)
# ---------------------------------------------------------------------------------------------
def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _fmt_value(v: Any) -> str:
    if isinstance(v, Mapping | list | tuple):
        return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
    return "" if v is None else str(v)


def _versions(run_meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    recorded = run_meta.get("versions") or (run_meta.get("config") or {}).get("versions") or {}
    out = [(f"{k} (at run time)", str(v)) for k, v in sorted(recorded.items())] if isinstance(recorded, Mapping) else []
    out.append(("python (report)", platform.python_version()))
    for pkg in VERSION_PACKAGES:
        try:
            out.append((f"{pkg} (report)", metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            continue
    return out


def _methods(result: Mapping[str, Any], run_meta: Mapping[str, Any], conv: Mapping[str, Any],
             models: Mapping[str, str]) -> list[dict[str, Any]]:
    meta = redact(dict(run_meta))
    config = meta.get("config") or {}
    sections: list[dict[str, Any]] = []

    run_rows = [("name", meta.get("name")), ("kind", meta.get("kind")), ("status", meta.get("status")),
                ("created", meta.get("created_at")), ("updated", meta.get("updated_at")),
                ("schema version", result.get("schema_version"))]
    sections.append({"title": "Run", "rows": run_rows})

    model_rows: list[tuple[str, Any]] = [(role, spec) for role, spec in models.items()]
    adapters = meta.get("adapters") or config.get("adapters")
    if adapters:
        model_rows += [(f"adapter ({k})", v) for k, v in _by_role(adapters).items()]
    sections.append({"title": "Models and adapters", "rows": model_rows})

    judge = meta.get("judge") or config.get("judge") or {}
    if isinstance(judge, str):
        judge = {"spec": judge}
    judge_rows: list[tuple[str, Any]] = [(k, judge.get(k)) for k in ("spec", "model", "judge_id", "mode", "rule")
                                         if judge.get(k) is not None]
    prints = dict(judge.get("prompt_fingerprints") or {})
    for metric, text in (judge.get("prompts") or {}).items():
        prints.setdefault(metric, _fingerprint(str(text)))
    judge_rows += [(f"prompt '{m}' sha256", fp) for m, fp in sorted(prints.items())]
    sections.append({"title": "Judge", "rows": judge_rows or [("judge", "none recorded")]})

    suites = meta.get("suites") or config.get("suites") or []
    suite_rows: list[tuple[str, Any]] = []
    for s in suites if isinstance(suites, list) else [suites]:
        if isinstance(s, Mapping):
            suite_rows.append((str(s.get("name", "suite")),
                               ", ".join(f"{k}={v}" for k, v in s.items() if k != "name")))
        else:
            suite_rows.append(("suite", s))
    samples = _first(meta, "samples", default=config.get("samples"))
    suite_rows.append(("samples per paraphrase", samples))
    sections.append({"title": "Suites and samples", "rows": suite_rows})

    gen = _first(meta, "generation", "generation_config", default=None) or config.get("generation") or {}
    sections.append({"title": "Sampling", "rows": sorted(gen.items()) if isinstance(gen, Mapping) else
                     [("generation", gen)]})

    conv_rows = [("convention", conv.get("name")), ("aligned below", conv.get("aligned_threshold")),
                 ("coherent above", conv.get("coherent_threshold"))]
    conv_rows += [(k, v) for k, v in conv.items() if k not in ("name", "aligned_threshold", "coherent_threshold",
                                                                "thresholds")]
    settings: Mapping[str, Any] = result["settings"] if isinstance(result.get("settings"), Mapping) else {}
    for k, v in settings.items():
        conv_rows.append((k, v))
    overall = result.get("overall")
    if isinstance(overall, Mapping) and overall.get("method"):
        conv_rows.append(("overall test", overall["method"]))
    for k in ("n_bootstrap", "bootstrap", "seed", "alpha", "ci_method", "multiple_testing"):
        if k in result:
            conv_rows.append((k, result[k]))
    sections.append({"title": "Convention and statistics", "rows": conv_rows})

    usage = meta.get("usage") or {}
    usage_rows: list[tuple[str, Any]] = []
    if isinstance(usage, Mapping):
        for k, v in usage.items():
            usage_rows.append((k, v))
    sections.append({"title": "Calls and tokens", "rows": usage_rows or [("usage", "not recorded")]})
    sections.append({"title": "Package versions", "rows": _versions(meta)})

    for s in sections:
        s["rows"] = [(str(k), _fmt_value(v)) for k, v in s["rows"] if v not in (None, "", [], {})]
    return sections


# ---------------------------------------------------------------------------------------------
# Extras: data audit and canary curves
# ---------------------------------------------------------------------------------------------
def _data_audit_section(audit: Any) -> tuple[Markup | None, list[tuple[str, str]]]:
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
    rows = [(str(k), _fmt_value(v)) for k, v in redact(dict(summary)).items()
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
        x = _num(r.get(x_key))
        x = float(i) if x is None else x
        name_key = next((k for k in ("series", "name", "metric", "canary", "probe") if k in r), None)
        if name_key is not None and _num(r.get("value")) is not None:
            label = str(r[name_key]) + (f" ({r['role']})" if r.get("role") else "")
            series.setdefault(label, []).append((x, float(r["value"])))
            continue
        for k, v in r.items():
            if k not in (x_key, "epoch", "step", "time", "timestamp", "wall_s") and _num(v) is not None:
                series.setdefault(str(k), []).append((x, float(v)))
    return x_key, list(series.items())


# ---------------------------------------------------------------------------------------------
# The context
# ---------------------------------------------------------------------------------------------
def _models(result: Mapping[str, Any], run_meta: Mapping[str, Any]) -> dict[str, str]:
    models = _first(run_meta, "models", default=None) or (run_meta.get("config") or {}).get("models") \
        or result.get("models") or {}
    if not models and isinstance(result.get("roles"), Mapping):
        models = {role: ", ".join(s.get("models") or [role]) for role, s in result["roles"].items()
                  if isinstance(s, Mapping)}
    out = {}
    for role, spec in _by_role(models).items():
        out[role] = str(spec.get("spec") or spec.get("model") or spec) if isinstance(spec, Mapping) else str(spec)
    return redact(out)


def _role_rates(result: Mapping[str, Any], answers: list[dict[str, Any]], roles: list[str],
                models: Mapping[str, str]) -> list[dict[str, Any]]:
    summaries = _by_role(result.get("roles") or {})
    macro = _by_role(_first(result, "macro", "macro_average", default={}))
    coherence = _by_role(_first(result, "coherence", "coherence_rates", default={}))
    refusal = _by_role(_first(result, "refusal", "refusal_rates", default={}))
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


def build_report_context(result_json: dict[str, Any] | None, run_meta: dict[str, Any],
                         answers: list[dict[str, Any]], extras: dict[str, Any] | None = None, *,
                         max_answers: int = DEFAULT_MAX_ANSWERS) -> dict[str, Any]:
    """Everything the report shows, as plain data plus pre-rendered inline SVG (``Markup``)."""
    result: dict[str, Any] = dict(result_json or {})
    extras = dict(extras or {})
    judged = bool(result) and bool(_first(result, "questions", "per_question", "verdict", default=None))
    conv = _convention(result)
    models = _models(result, run_meta)
    answer_rows = _answer_rows(answers, conv, models)
    by_key = {a["key"]: a for a in answer_rows if a["key"]}
    questions_text = {a["question_id"]: a["question"] for a in answer_rows if a["question"]}
    q_rows = _question_rows(result, questions_text) if judged else []
    macro = _by_role(_first(result, "macro", "macro_average", default={}))
    overall = result.get("overall")
    if isinstance(overall, Mapping) and "difference" in overall:
        overall = {"estimate": overall["difference"], "ci": overall.get("ci")}
    macro_diff = read_interval(overall or _first(result, "macro_difference", default=None) or macro.get("difference"))
    roles = [r for r in ROLE_ORDER if r in models or any(a["role"] == r for a in answer_rows)]
    roles += sorted({a["role"] for a in answer_rows} - set(roles))

    status = str(run_meta.get("status") or "unknown")
    notes: list[str] = []
    in_progress = status.lower() in IN_PROGRESS
    if in_progress:
        notes.append(f"This run is still in progress (status: {status}). The report shows what exists so far: "
                     f"{len(answer_rows)} answers" + ("." if judged else ", no analysis yet."))
    if not judged:
        notes.append("This run has no judgements yet: the report lists the answers only, without misalignment "
                     "rates or a verdict. Judge it (emaudit judge) and build the report again.")

    plots: dict[str, Any] = {}
    if q_rows:
        labels = [r["id"] for r in q_rows]
        series = [DotSeries("base", BASE_COLOR, "pt-base", [r["base"] for r in q_rows]),
                  DotSeries("candidate", CANDIDATE_COLOR, "pt-candidate", [r["candidate"] for r in q_rows])]
        plots["dotplot"] = Markup(svg_plots.dot_plot(labels, series))
    scatters = []
    if judged or any(a["aligned"] is not None for a in answer_rows):
        for i, role in enumerate(roles):
            pts = [(a["coherent"], a["aligned"]) for a in answer_rows
                   if a["role"] == role and a["aligned"] is not None and a["coherent"] is not None]
            color = ROLE_COLORS.get(role, svg_plots.PALETTE[(i + 2) % len(svg_plots.PALETTE)])
            title = f"{role} ({len(pts)} judged answers)"
            svg = svg_plots.scatter(pts, title=title, color=color, css_class=f"pt-{role}",
                                    aligned_threshold=conv["aligned_threshold"],
                                    coherent_threshold=conv["coherent_threshold"])
            scatters.append({"role": role, "model": models.get(role, ""), "svg": Markup(svg), "n": len(pts),
                             "points": pts, "color": color})
    plots["scatters"] = scatters

    canary_records = read_canary(extras.get("canary"))
    if canary_records:
        x_label, series_c = canary_series(canary_records)
        plots["canary_series"] = (x_label, series_c)
        plots["canary"] = Markup(svg_plots.line_plot(series_c, title="Canary curves during fine-tuning",
                                                     x_label=x_label, y_label="canary score"))
    audit_html, audit_rows = _data_audit_section(extras.get("data_audit"))

    rates = _role_rates(result, answer_rows, roles, models) if judged else []
    for r in rates:
        bars = [("misaligned", r["misaligned"]), ("coherent", r["coherence"]), ("refusal", r["refusal"])]
        r["bars"] = Markup(svg_plots.rate_bars(bars, color=ROLE_COLORS.get(r["role"], "#888")))

    shown = sorted(answer_rows, key=lambda a: ("misaligned" not in a["flags"], a["question_id"], a["role"],
                                               a["aligned"] if a["aligned"] is not None else 101.0))[:max_answers]
    flags = sorted({f for a in answer_rows for f in a["flags"]})
    name = str(run_meta.get("name") or result.get("run") or "run")
    return {
        "title": f"emaudit report: {name}",
        "run_name": name,
        "generated_at": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "status": status,
        "in_progress": in_progress,
        "judged": judged,
        "notes": notes,
        "verdict": _verdict(result, macro_diff) if judged else None,
        "convention": conv,
        "models": models,
        "questions": q_rows,
        "rates": rates,
        "plots": plots,
        "top": _top_misaligned(result, answer_rows, by_key, models) if judged else [],
        "answers": shown,
        "answers_total": len(answer_rows),
        "question_ids": sorted({a["question_id"] for a in answer_rows}),
        "flags": flags,
        "methods": _methods(result, run_meta, conv, models),
        "config_json": json.dumps(redact(run_meta.get("config") or {}), indent=2, sort_keys=True,
                                  ensure_ascii=False, default=str),
        "data_audit_html": audit_html,
        "data_audit_rows": audit_rows,
        "has_canary": bool(canary_records),
    }


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = _pct_filter
    env.filters["path"] = lambda v: quote(str(v), safe="")
    env.filters["score"] = lambda v: "–" if v is None else f"{v:.0f}"
    env.filters["pvalue"] = lambda v: "–" if v is None else (f"{v:.3f}" if v >= 0.001 else "<0.001")
    env.filters["first_line"] = lambda s, n=140: (s.strip().splitlines() or [""])[0][:n]
    return env


def _pct_filter(iv: Interval | None, signed: bool = False, interval: bool = True) -> str:
    if iv is None:
        return "–"
    sign = "+" if signed else ""
    text = f"{100 * iv.value:{sign}.1f}%"
    if interval and iv.lo is not None and iv.hi is not None:
        text += f" [{100 * iv.lo:{sign}.1f}, {100 * iv.hi:{sign}.1f}]"
    return text


def inline_asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """CSP source for one inline script (so nothing else inline can run, even if escaping failed)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def render_template(name: str, context: Mapping[str, Any]) -> str:
    script = inline_asset("report.js")
    page = _environment().get_template(name).render(**context, css=Markup(inline_asset("report.css")),
                                                     script=Markup(script), script_csp=script_hash(script))
    return scrub_document(page)


def render_html(context: Mapping[str, Any]) -> str:
    """The report as one self-contained HTML document (inline CSS, SVG and a little JS)."""
    return render_template("report.html.j2", context)


def write_output(path: str | os.PathLike[str], text: str) -> Path:
    """Write a report next to its final name, then move it in place; one-line UserError on failure."""
    target = Path(path)
    try:
        if target.is_dir():
            raise UserError("is a directory; give a file name such as report.html", path=str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise UserError(f"cannot write the report: {e.strerror or e}", path=str(target)) from None
    return target
