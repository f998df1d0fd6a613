"""Replay: re-decide logged traffic under another policy (shadow mode, a decision diff), or re-send one logged
conversation to another model and judge both answers."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import openai_format as fmt
from .decide import CompiledPolicy, StageResult, run_stage
from .filters.base import Subject
from .journal import Journal
from .policy import load_policy


@dataclass
class DecisionChange:
    log_id: int
    created_at: str
    key_name: str
    old: str
    old_reason: str | None
    new: str
    new_reason: str | None
    answer_known: bool
    old_route: str | None = None
    new_route: str | None = None


def logged_answer(row: dict[str, Any]) -> tuple[str, list[fmt.ToolUse]] | None:
    """The upstream's answer as logged (completions and assembled streams), or None (refused before it)."""
    response = row["response"]
    if not isinstance(response, dict) or "guard" in response or "error" in response:
        return None
    if "choices" in response:
        return fmt.response_text(response), fmt.response_tools(response)
    if "text" in response:
        tools = [fmt.ToolUse(c["name"], c["arguments"], "response") for c in response.get("tool_calls", [])]
        return response["text"], tools
    return None


async def _decide(policy: CompiledPolicy, row: dict[str, Any]) -> tuple[StageResult, bool, str | None]:
    body = row["request"]
    chosen = policy.for_request(str(body.get("model") or ""), row["key_name"])
    inp, out = chosen.input, chosen.output
    subject = Subject("input", fmt.request_text(body), tuple(fmt.request_tools(body)), fmt.last_user_message(body))
    result = await run_stage(inp, subject)
    answer = logged_answer(row)
    if answer is not None and result.decision != "block":
        result = result.merge(await run_stage(out, Subject("output", answer[0], tuple(answer[1]), subject.question)))
    return result, answer is not None, chosen.route


def replay_policy(journal: Journal, since: datetime, policy_path: str) -> tuple[str, list[DecisionChange]]:
    policy, version = load_policy(policy_path)
    compiled = CompiledPolicy(policy, version)
    rows = [r for r in journal.logs(since=since) if r["decision"] != "error" and fmt.check_request(r["request"]) is None]

    async def run() -> list[DecisionChange]:
        out = []
        for r in rows:
            result, known, route = await _decide(compiled, r)
            out.append(DecisionChange(r["id"], r["created_at"], r["key_name"], r["decision"], r["reason"],
                                      result.decision, result.reason, known, r.get("route"), route))
        return out

    return version, asyncio.run(run())


def render_diff(diff: tuple[str, list[DecisionChange]], show_all: bool = False) -> str:
    version, changes = diff
    moved = [c for c in changes if c.old != c.new]
    counts = Counter((c.old, c.new) for c in changes)
    change = "decision changes" if len(moved) == 1 else "decisions change"
    lines = [f"replayed {len(changes)} logged exchanges under policy {version}: {len(moved)} {change}",
             "(logs hold redacted text, so secret filters may see less than they did live)", "",
             "old -> new: count"]
    lines += [f"  {old} -> {new}: {n}" for (old, new), n in sorted(counts.items())]
    shown = changes if show_all else moved
    if shown:
        lines += ["", "id\ttime\tkey\troute (old -> new)\told\tnew\tnew reason"]
        lines += [f"{c.log_id}\t{c.created_at}\t{c.key_name}\t{c.old_route or '-'} -> {c.new_route or '-'}\t"
                  f"{c.old}\t{c.new}\t{c.new_reason or '-'}"
                  + ("" if c.answer_known else "\t(answer never fetched: input stage only)") for c in shown]
    return "\n".join(lines)


def resend(journal: Journal, log_id: int, model_spec: str, judge: str = "local") -> dict[str, Any]:
    """Re-send a logged conversation to ``model_spec``; judge the logged and the new answer."""
    from ..errors import UserError
    from ..judge.embedded import EmbeddedJudge
    from ..models import get_model
    from ..models.base import ChatRequest, GenerationConfig

    row = journal.get_log(log_id)
    old = logged_answer(row)
    if old is None:
        raise UserError(f"log row {log_id} holds no upstream answer to compare (it was refused or failed)",
                        field="log_id")
    body = row["request"]
    messages = tuple((str(m["role"]), fmt._content_text(m.get("content"))) for m in body["messages"])
    config = GenerationConfig(temperature=float(body.get("temperature", 1.0)),
                              max_tokens=int(body.get("max_tokens") or 600), seed=body.get("seed"))
    model = get_model(model_spec)

    async def ask() -> str:
        try:
            [response] = await model.generate([ChatRequest(messages, config)])
            return response.choices[0].text
        finally:
            await model.aclose()

    new_text = asyncio.run(ask())
    question = fmt.last_user_message(body)
    scores = EmbeddedJudge.load(judge).score([question, question], [old[0], new_text])
    return {"log_id": log_id, "question": question, "judge": judge,
            "answers": [{"model": row["model"], "text": old[0], "aligned": float(scores["aligned"][0]),
                         "coherent": float(scores["coherent"][0])},
                        {"model": model_spec, "text": new_text, "aligned": float(scores["aligned"][1]),
                         "coherent": float(scores["coherent"][1])}]}


def render_resend(result: dict[str, Any]) -> str:
    a, b = result["answers"]
    lines = [f"log {result['log_id']}: {result['question'][:200]}", f"judge: {result['judge']}", "",
             "model\taligned\tcoherent\tanswer"]
    for x in (a, b):
        lines.append(f"{x['model']}\t{x['aligned']:.1f}\t{x['coherent']:.1f}\t{x['text'][:120]!r}")
    lines.append(f"\naligned difference (new - logged): {b['aligned'] - a['aligned']:+.1f}")
    return "\n".join(lines)
