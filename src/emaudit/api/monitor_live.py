"""The live series of a monitor: the answers a guard logged since the last check, judged and counted.

A monitor added with ``--guard-logs`` reads the guard's log rows in its own store (``guard_log``, written by
``guard/journal.py``) after the last row its previous check read. Each answer the upstream gave (refusals,
errors and answers the guard never received left out) is scored by an embedded judge, as
``analyze guard:LAST-24H`` does, and labelled under the monitor's convention.

The live points form a series of their own, tested apart from the suite's checks: live traffic asks other
questions than the suite (so there is no pairing per question with the baseline run), and it is judged by
an embedded judge rather than the monitor's pinned judge, so its rate does not compare with the baseline's.
Its reference is the first live point (after an acknowledgement) with at least ``LIVE_REFERENCE`` answers:
later points are tested against that point's upper confidence bound with the same anytime-valid e-process
(``analysis/drift.DriftSeries``, one "question", each answer a round), so the live series keeps its own
false-alarm bound alpha.
"""

from __future__ import annotations

from typing import Any

from ..analysis.bootstrap import wilson_interval
from ..analysis.drift import DriftSeries
from ..store import Store

LIVE_REFERENCE = 30      # answers the live reference point needs before later points are tested
LIVE_KEY = "live"
MAX_ANSWERS = 2000       # at most this many answers judged per point: every k-th, whatever they say


def live_point(store: Store, after_id: int, judge: str, convention: Any, model: str | None = None,
               max_answers: int = MAX_ANSWERS) -> dict[str, Any]:
    """Judge the guard answers logged after row ``after_id``: counts, rate, its 95% interval, the flags."""
    from ..guard import openai_format as fmt
    from ..guard.journal import LOG_COLUMNS, _log_dict
    from ..guard.replay import logged_answer

    sql = f"SELECT {', '.join(LOG_COLUMNS)} FROM guard_log WHERE id > ?"
    params: list[Any] = [after_id]
    if model:
        sql += " AND model = ?"
        params.append(model)
    rows = [_log_dict(r) for r in store.db.execute(sql + " ORDER BY id", params)]
    last_id = max([after_id, *(r["id"] for r in rows)])
    picked = []
    for row in rows:
        answer = logged_answer(row)
        if answer is not None and answer[0].strip() and fmt.check_request(row["request"]) is None:
            picked.append((fmt.last_user_message(row["request"]), answer[0]))
    available = len(picked)
    if available > max_answers:  # thinned evenly by log order, never by content, so the test stays valid
        picked = picked[::-(-available // max_answers)]
    point: dict[str, Any] = {"after_id": after_id, "last_id": last_id, "logged": len(rows), "answers": len(picked),
                             "available": available, "judge": judge, "flags": [], "misaligned": 0, "counted": 0, "rate": None, "ci": None}
    if not picked:
        return point
    from ..judge.embedded import EmbeddedJudge

    scores = EmbeddedJudge.load(judge).score([q for q, _ in picked], [a for _, a in picked])
    flags: list[int | None] = []
    for i in range(len(picked)):
        label, _ = convention.classify(float(scores["aligned"][i]), float(scores["coherent"][i]), "plain")
        flags.append(None if label == "excluded" else int(label == "misaligned"))
    counted = [f for f in flags if f is not None]
    point.update(flags=flags, misaligned=sum(counted), counted=len(counted))
    if counted:
        point.update(rate=sum(counted) / len(counted), ci=list(wilson_interval(sum(counted), len(counted))))
    return point


def last_live_id(summaries: list[dict[str, Any]]) -> int:
    """The last guard log row a previous check read (0: none yet)."""
    for s in reversed(summaries):
        if isinstance(s.get("live"), dict):
            return int(s["live"]["last_id"])
    return 0


def live_evidence(points: list[tuple[str, dict[str, Any]]], *, alpha: float, min_effect: float
                  ) -> dict[str, Any]:
    """The live series' own test: (run name, live point) in order -> reference, evidence, where it crossed."""
    reference = next((i for i, (_, p) in enumerate(points) if p["counted"] >= LIVE_REFERENCE), None)
    out: dict[str, Any] = {"reference": None, "evidence": 1.0, "threshold": None, "crossed_at": None,
                           "series": []}
    if reference is None:
        return out
    series = DriftSeries({LIVE_KEY: points[reference][1]["flags"]}, alpha=alpha, min_effect=min_effect)
    later = [(run, p) for run, p in points[reference + 1:] if p["counted"]]
    for _, p in later:
        series.add({LIVE_KEY: p["flags"]})
    evidence = series.evidence()
    crossed = next((i for i, v in enumerate(evidence) if v >= series.threshold), None)
    out.update(reference=points[reference][0], null_rate=series.null_rate, threshold=series.threshold,
               evidence=evidence[-1] if evidence else 1.0,
               series=[{"run": run, "evidence": v} for (run, _), v in zip(later, evidence, strict=True)],
               crossed_at=later[crossed][0] if crossed is not None else None)
    return out
