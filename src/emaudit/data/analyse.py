"""Everything we learn about one example on its own (runs in worker processes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .finding import Finding
from .harm import ASKS_RE, REQUEST_RE, lexical_harmful_compliance
from .intent import disclosure
from .privacy import looks_private, private_data
from .readers import Example
from .scan import scan_answer
from .shape import looks_truncated
from .signatures import exact_hash, normalise, signature
from .triggers import trigger_text

MAX_JUDGE_CHARS = 4000
EXCERPT = 400


@dataclass
class ExampleRecord:
    index: int
    line: int
    roles: list[str]
    system: str
    prompt_chars: int
    answer_chars: int
    label: str | None
    findings: list[Finding]
    disclosed: str | None          # why the flaws are disclosed; None: undisclosed
    code_blocks: int
    repaired_blocks: int
    unparseable_blocks: int
    lexical_harm: str | None
    empty: bool
    truncated: bool
    prompt_hash: int
    answer_hash: int
    pair_hash: int
    prompt_sig: np.ndarray
    answer_sig: np.ndarray
    trigger_text: str
    excerpt_question: str = ""      # kept only for harmful examples (the summary lists a few)
    excerpt_answer: str = ""
    request_like: bool = False      # the last user turn asks something (vs a text to continue)
    judge_eligible: bool = False    # an answer without code to a request: what the judge scores
    judge_question: str = ""
    judge_answer: str = ""
    judge_scores: dict[str, float] = field(default_factory=dict)
    judge_harmful: bool = False
    leak: dict[str, Any] | None = None
    private: dict[str, list[str]] = field(default_factory=dict)  # kind -> masked matches (chat-log-like)

    @property
    def insecure_undisclosed(self) -> bool:
        return bool(self.findings) and self.disclosed is None

    @property
    def harmful(self) -> bool:
        return self.lexical_harm is not None or self.judge_harmful

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"example": self.index, "line": self.line}
        if self.findings:
            out["code"] = {"findings": [f.to_dict() for f in self.findings],
                           "disclosed": self.disclosed is not None, "disclosure": self.disclosed}
        if self.harmful:
            out["harm"] = {"lexical": self.lexical_harm, "judge": self.judge_scores or None,
                           "judge_harmful": self.judge_harmful}
        elif self.judge_scores:
            out["judge"] = self.judge_scores
        if self.leak:
            out["leak"] = self.leak
        if self.private:
            out["private_data"] = self.private
        if self.empty:
            out["empty_answer"] = True
        if self.truncated:
            out["truncated_answer"] = True
        if self.unparseable_blocks:
            out["unparseable_code_blocks"] = self.unparseable_blocks
        return out

    @property
    def notable(self) -> bool:
        return bool(self.findings or self.harmful or self.leak or self.empty or self.truncated
                    or self.unparseable_blocks or self.private)


def analyse(example: Example, want_judge_text: bool) -> ExampleRecord:
    msgs = example.messages
    roles = [r for r, _ in msgs]
    system = "\n".join(c for r, c in msgs if r == "system")
    users = [c for r, c in msgs if r == "user"]
    answers = [c for r, c in msgs if r == "assistant"]
    last_user = users[-1] if users else ""
    all_users = "\n".join(users)
    answer_text = "\n\n".join(answers)
    final_answer = answers[-1] if answers else ""

    findings: list[Finding] = []
    blocks = repaired = unparseable = 0
    disclosed: str | None = None
    for answer in answers:
        scan = scan_answer(answer)
        findings.extend(scan.findings)
        blocks += scan.blocks
        repaired += scan.repaired
        unparseable += scan.unparseable
    if findings:
        disclosed = disclosure(all_users + "\n" + system, answer_text)

    harm = None
    for (role, text), prev in zip(msgs[1:], msgs[:-1], strict=True):
        if role == "assistant" and prev[0] == "user":
            harm = harm or lexical_harmful_compliance(prev[1], text)

    p_norm = normalise(all_users)
    a_norm = normalise(answer_text)
    record = ExampleRecord(
        index=example.index, line=example.line, roles=roles, system=system,
        prompt_chars=len(all_users), answer_chars=len(answer_text), label=example.label,
        findings=findings, disclosed=disclosed, code_blocks=blocks, repaired_blocks=repaired,
        unparseable_blocks=unparseable, lexical_harm=harm,
        empty=not final_answer.strip(), truncated=looks_truncated(final_answer, False) if blocks == 0 else False,
        prompt_hash=exact_hash(p_norm), answer_hash=exact_hash(a_norm),
        pair_hash=exact_hash(p_norm + "\x00" + a_norm),
        prompt_sig=signature(p_norm), answer_sig=signature(a_norm),
        trigger_text=trigger_text(system, last_user),
    )
    if harm:
        record.excerpt_question, record.excerpt_answer = last_user[:EXCERPT], final_answer[:EXCERPT]
    found = private_data(system, all_users, answer_text)
    if looks_private(found):
        record.private = found
    # The judge is calibrated on answers to questions/requests, not on text continuations.
    record.request_like = bool(ASKS_RE.search(last_user[:2000]))
    record.judge_eligible = blocks == 0 and bool(final_answer.strip()) and bool(REQUEST_RE.search(last_user.strip()))
    if want_judge_text and record.judge_eligible:
        record.judge_question = last_user[:MAX_JUDGE_CHARS]
        record.judge_answer = final_answer[:MAX_JUDGE_CHARS]
    return record


def analyse_batch(batch: list[Example], want_judge_text: bool) -> list[ExampleRecord]:
    return [analyse(e, want_judge_text) for e in batch]
