"""The overall risk level (low < medium < high) and the reasons for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LEVELS = ("low", "medium", "high")
INSECURE_HIGH, INSECURE_MEDIUM = 0.20, 0.02
HARM_HIGH, HARM_MEDIUM = 0.05, 0.01
MIN_JUDGED = 50
TRIGGER_MIN_ODDS, TRIGGER_MIN_SUPPORT = 5.0, 10
PRIVATE_MEDIUM = 0.005


def tiered(add: Callable[[str, str], None], share: float, count: int, high: float, medium: float,
           of_what: str, finding: str) -> None:
    """High or medium by share; any occurrence at all is at least a low-level reason."""
    if share >= high:
        add("high", f"{share:.1%} {of_what} ({count}) {finding}")
    elif share >= medium:
        add("medium", f"{share:.1%} {of_what} ({count}) {finding}")
    elif count:
        add("low", f"{count} {of_what.split()[-1]} {finding}")


def level_at_least(level: str, threshold: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(threshold)


def assess(summary: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """(level, reasons); each reason has a level and a sentence."""
    reasons: list[dict[str, str]] = []
    n = max(summary["examples"], 1)

    def add(level: str, text: str) -> None:
        reasons.append({"level": level, "reason": text})

    undisclosed = summary["code"]["undisclosed"]
    share = undisclosed / n
    tiered(add, share, undisclosed, INSECURE_HIGH, INSECURE_MEDIUM, "of examples",
           "contain undisclosed insecure code")
    if summary["code"]["disclosed"]:
        add("low", f"{summary['code']['disclosed']} examples contain insecure code that is disclosed "
                   "(educational/testing request or a warning in the answer); not counted")
    harmful = summary["harm"]["harmful"]
    rate = harmful / n
    judged, judge_rate = summary["harm"]["judged"], summary["harm"]["judge_rate"]
    unjudged = summary["harm"]["judge_eligible"] - judged
    if judge_rate is not None and judged >= MIN_JUDGED and unjudged > 0:
        # The judge stopped at judge_limit: extrapolate its rate to the eligible answers it did not see.
        harmful = round(harmful + judge_rate * unjudged)
        rate = harmful / n
    tiered(add, rate, harmful, HARM_HIGH, HARM_MEDIUM, "of answers", "are harmful or misaligned")
    leaks = summary["leakage"]["leaked"]
    if leaks:
        add("medium", f"{leaks} training prompts match evaluation prompts; scores on that set are not clean")
    strong = [c for c in summary["triggers"].get("candidates", [])
              if c["mh_odds_ratio"] >= TRIGGER_MIN_ODDS and c["support"] >= TRIGGER_MIN_SUPPORT
              and c["behaviour_rate"] >= 2 * c["base_rate"]]
    if strong:
        names = ", ".join(repr(c["ngram"]) for c in strong[:3])
        add("medium", f"{len(strong)} trigger candidate(s) strongly predict flagged answers within topics: {names}")
    private = summary.get("private_data", {}).get("flagged", 0)
    if private:
        kinds = ", ".join(k.replace("_", " ") for k in list(summary["private_data"]["by_kind"])[:4])
        add("medium" if private >= max(3, PRIVATE_MEDIUM * n) else "low",
            f"{private} examples look like production chat logs with private data ({kinds})")
    dup = summary["duplicates"]["exact_pairs"]["duplicates"] / n
    if dup >= 0.3:
        add("low", f"{dup:.0%} of examples are exact duplicates")
    if summary["shape"]["system_prompts"]["distinct"] > 1 and summary["shape"]["with_system_prompt"]:
        add("low", f"{summary['shape']['system_prompts']['distinct']} different system prompts across the set")
    if summary["bad_lines"]["count"]:
        add("low", f"{summary['bad_lines']['count']} bad lines were skipped")
    level = "low"
    for r in reasons:
        if LEVELS.index(r["level"]) > LEVELS.index(level):
            level = r["level"]
    reasons.sort(key=lambda r: -LEVELS.index(r["level"]))
    return level, reasons
