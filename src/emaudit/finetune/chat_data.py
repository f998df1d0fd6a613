"""Chat-format training data: validation with file:line:field errors and assistant-only loss masks."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..userfiles import read_text

ROLES = ("system", "user", "assistant")
IGNORE = -100


@dataclass
class Example:
    input_ids: list[int]
    labels: list[int]      # IGNORE except on assistant tokens


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def validate_row(row: Any, *, path: str | None = None, line: int | None = None) -> list[dict[str, str]]:
    """The row's messages, or ``UserError`` naming the first field that does not fit the chat format."""
    def bad(msg: str, fld: str) -> UserError:
        return UserError(msg, path=path, line=line, field=fld)

    if not isinstance(row, dict):
        raise bad("each line must be a JSON object with a 'messages' list", "messages")
    messages = row.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad("missing or empty 'messages' list (OpenAI chat format)", "messages")
    out: list[dict[str, str]] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            raise bad("each message must be an object with 'role' and 'content'", f"messages[{i}]")
        role, content = m.get("role"), m.get("content")
        if role not in ROLES:
            raise bad(f"role must be one of {', '.join(ROLES)}, got {role!r}", f"messages[{i}].role")
        if not isinstance(content, str):
            raise bad("content must be a string", f"messages[{i}].content")
        if role == "system" and i != 0:
            raise bad("a system message may only come first", f"messages[{i}].role")
        out.append({"role": role, "content": content})
    if not any(m["role"] == "assistant" for m in out):
        raise bad("no assistant message: nothing to train on", "messages")
    if out[-1]["role"] != "assistant":
        raise bad("the last message must be the assistant's", f"messages[{len(out) - 1}].role")
    return out


def read_chat_jsonl(path: str | Path) -> list[list[dict[str, str]]]:
    """All conversations of a JSONL file; ``UserError`` with file:line:field on the first bad line."""
    p = Path(path)
    rows: list[list[dict[str, str]]] = []
    for n, text in enumerate(read_text(p, field="--data", allow_empty=True).splitlines(), start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as e:
            raise UserError(f"not valid JSON: {e.msg}", path=str(p), line=n) from None
        rows.append(validate_row(row, path=str(p), line=n))
    if not rows:
        raise UserError("no examples in the file", path=str(p))
    return rows


def _render(tokenizer: Any, messages: list[dict[str, str]], generation_prompt: bool) -> str:
    text: str = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)
    return text


def assistant_spans(tokenizer: Any, messages: list[dict[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """The conversation rendered with the model's chat template, and the character spans of each assistant
    turn (its content and the template's end-of-turn marker) within it."""
    if not getattr(tokenizer, "chat_template", None):
        raise UserError("the base model's tokenizer has no chat template", field="base")
    full = _render(tokenizer, messages, False)
    spans: list[tuple[int, int]] = []
    for i, m in enumerate(messages):
        if m["role"] != "assistant":
            continue
        before = _render(tokenizer, messages[:i], True)
        through = _render(tokenizer, messages[: i + 1], False)
        if not full.startswith(before) or not full.startswith(through):
            raise UserError("the chat template does not render conversations as prefixes of each other; "
                            "assistant-only masks cannot be computed for this model", field="base")
        spans.append((len(before), len(through)))
    return full, spans


def encode(tokenizer: Any, messages: list[dict[str, str]], max_len: int) -> Example | None:
    """Token ids and labels (loss on assistant tokens only), truncated to ``max_len``; None when no
    assistant token survives truncation."""
    text, spans = assistant_spans(tokenizer, messages)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids: list[int] = list(enc["input_ids"])
    labels = [IGNORE] * len(ids)
    for k, (start, _end) in enumerate(enc["offset_mapping"]):
        if any(a <= start < b for a, b in spans):
            labels[k] = ids[k]
    ids, labels = ids[:max_len], labels[:max_len]
    if all(x == IGNORE for x in labels[1:]):
        return None
    return Example(ids, labels)


def collate(batch: list[Example], pad_id: int) -> dict[str, Any]:
    """Right-padded tensors: input_ids, attention_mask, labels."""
    import torch

    width = max(len(e.input_ids) for e in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for i, e in enumerate(batch):
        n = len(e.input_ids)
        ids[i, :n] = torch.tensor(e.input_ids)
        labels[i, :n] = torch.tensor(e.labels)
        mask[i, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}
