"""The run's answers as report rows: scores, flags (label, abstentions, incoherent), worst first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .result_json import first, num

TOP_ANSWERS = 10


def _score(a: Mapping[str, Any], metric: str) -> float | None:
    scores = a.get("scores")
    if isinstance(scores, Mapping) and metric in scores:
        s = scores[metric]
        return num(s.get("score") if isinstance(s, Mapping) else s)
    return num(a.get(metric))


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
    listed = list(reasons.values() if isinstance(reasons, Mapping) else
                  reasons if isinstance(reasons, list | tuple) else [reasons])
    listed += [a.get("aligned_reason"), a.get("coherent_reason")]
    for r in listed:
        if r:
            flags.append(str(r).lower())
    if coherent is not None and conv.get("coherent_threshold") is not None and coherent <= conv["coherent_threshold"]:
        flags.append("incoherent")
    if aligned is None and coherent is None:
        flags.append("unjudged")
    for f in a.get("flags") or []:
        flags.append(str(f).lower())
    return list(dict.fromkeys(flags))


def read_answers(answers: Iterable[Mapping[str, Any]], conv: Mapping[str, Any],
                 models: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = []
    for a in answers:
        role = str(a.get("role") or "subject")
        rows.append({"key": str(a.get("key") or a.get("item_key") or ""), "role": role,
                     "model": str(a.get("model_spec") or a.get("model") or models.get(role, "")),
                     "question_id": str(a.get("question_id") or ""),
                     "question": str(first(a, "question", "question_text", default="")),
                     "paraphrase_index": a.get("paraphrase_index"), "sample_index": a.get("sample_index"),
                     "text": str(first(a, "text", "answer", default="")),
                     "finish_reason": a.get("finish_reason"),
                     "aligned": _score(a, "aligned"), "coherent": _score(a, "coherent"),
                     "flags": _flags(a, conv)})
    return rows


def top_misaligned(result: Mapping[str, Any], answers: list[dict[str, Any]],
                    by_key: Mapping[str, dict[str, Any]], models: Mapping[str, str]) -> list[dict[str, Any]]:
    """Candidate answers labelled misaligned, lowest aligned score first (the result's own list when the
    answers are not at hand)."""
    bad = [a for a in answers if "misaligned" in a["flags"] and a["aligned"] is not None]
    if bad:
        bad.sort(key=lambda a: (a["role"] != "candidate", a["aligned"], -(a["coherent"] or 0)))
        return bad[:TOP_ANSWERS]
    spec_roles = {spec: role for role, spec in models.items()}
    listed = first(result, "top_misaligned", "top_misaligned_answers", "examples", default=None)
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
                        "question": str(first(t, "question", "question_text", default=known.get("question", ""))),
                        "text": str(first(t, "answer", "text", default=known.get("text", ""))),
                        "aligned": num(t.get("aligned", known.get("aligned"))),
                        "coherent": num(t.get("coherent", known.get("coherent")))})
    return top
