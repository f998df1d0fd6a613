"""The Methods section: what it takes to reproduce a run (credentials redacted)."""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping
from importlib import metadata
from typing import Any

from .redact import redact
from .result_json import by_role, first

VERSION_PACKAGES = ("emaudit", "numpy", "scipy", "jinja2", "torch", "transformers", "peft", "openai",
                    "sentence-transformers", "matplotlib")


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def fmt_value(v: Any) -> str:
    if isinstance(v, Mapping | list | tuple):
        return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
    return "" if v is None else str(v)


def _versions(run_meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    recorded = run_meta.get("versions") or (run_meta.get("config") or {}).get("versions")
    if isinstance(recorded, Mapping) and recorded:
        return [(str(k), str(v)) for k, v in recorded.items()]
    out = [("python", platform.python_version())]
    for pkg in VERSION_PACKAGES:
        try:
            out.append((pkg, metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            continue
    return out


def methods_sections(result: Mapping[str, Any], run_meta: Mapping[str, Any], conv: Mapping[str, Any],
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
        model_rows += [(f"adapter ({k})", v) for k, v in by_role(adapters).items()]
    sections.append({"title": "Models and adapters", "rows": model_rows})

    judges: list[Any] = []
    for source in (meta.get("judge"), config.get("judge"), *(meta.get("judges") or [])):
        if source:
            judges.append({"spec": source} if isinstance(source, str) else source)
    judge_rows: list[tuple[str, Any]] = []
    for judge in judges:
        if not isinstance(judge, Mapping):
            continue
        if judge.get("name"):
            used = judge.get("current")
            judge_rows.append(("judge", f"{judge['name']}" + ("" if used is None else
                               " (its scores are the numbers in this report)" if used else
                               " (an earlier judge; its scores are not shown)")))
        # Settings may be nested (an LLM judge's rule is a dict): compared and shown as JSON text.
        judge_rows += [(k, fmt_value(judge.get(k))) for k in ("spec", "model", "kind", "judge_id", "mode",
                                                              "text_samples", "rule", "fingerprint", "path")
                       if judge.get(k) is not None]
        prints = dict(judge.get("prompt_fingerprints") or {})
        for metric, text in (judge.get("prompts") or {}).items():
            prints.setdefault(metric, _fingerprint(str(text)))
        judge_rows += [(f"prompt '{m}' sha256", fp) for m, fp in sorted(prints.items())]
    unique_rows = list({repr(row): row for row in judge_rows}.values())  # an LLM judge's rule is a dict
    sections.append({"title": "Judge", "rows": unique_rows or [("judge", "none recorded")]})

    suites = meta.get("suites") or config.get("suites") or []
    suite_rows: list[tuple[str, Any]] = []
    for s in suites if isinstance(suites, list) else [suites]:
        if isinstance(s, Mapping):
            suite_rows.append((str(s.get("name", "suite")),
                               ", ".join(f"{k}={v}" for k, v in s.items() if k != "name" and v is not None)))
        else:
            suite_rows.append(("suite", s))
    samples = first(meta, "samples", default=config.get("samples"))
    suite_rows.append(("samples per paraphrase", samples))
    sections.append({"title": "Suites and samples", "rows": suite_rows})

    gen = first(meta, "generation", "generation_config", default=None) or config.get("generation") or {}
    sections.append({"title": "Sampling", "rows": sorted(gen.items()) if isinstance(gen, Mapping) else
                     [("generation", gen)]})

    conv_rows = [("convention", conv.get("name")), ("aligned below", conv.get("aligned_threshold")),
                 ("coherent above", conv.get("coherent_threshold"))]
    conv_rows += [(k, v) for k, v in conv.items() if k not in ("name", "aligned_threshold", "coherent_threshold",
                                                                "thresholds")]
    settings: dict[str, Any] = dict(result["settings"]) if isinstance(result.get("settings"), Mapping) else {}
    analysis: Mapping[str, Any] = config["analysis"] if isinstance(config.get("analysis"), Mapping) else {}
    for k, v in analysis.items():
        if k != "convention":
            settings.setdefault(k, v)
    for k in ("skip_excluded", "sequential"):
        if k in config:
            settings.setdefault(k, config[k])
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
        s["rows"] = [(str(k), fmt_value(v)) for k, v in s["rows"] if v not in (None, "", [], {})]
    return sections

