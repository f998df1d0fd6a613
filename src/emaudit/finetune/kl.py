"""KL penalty to the base model on general prompts.

With LoRA the base model is the same network with its adapters switched off, so the reference
distribution costs one extra forward pass without gradients and no second copy of the weights.
"""

from __future__ import annotations

import random
from typing import Any

from .benign import benign_examples
from .chat_data import IGNORE, Example, collate, encode


def general_examples(tokenizer: Any, n: int, max_len: int, seed: int = 0) -> list[Example]:
    """Encoded benign conversations (our own set) used as the KL prompts."""
    out = []
    for row in benign_examples(n, seed + 1000):
        ex = encode(tokenizer, row["messages"], max_len)
        if ex is not None:
            out.append(ex)
    return out


def kl_to_base(model: Any, batch: dict[str, Any]) -> Any:
    """Mean per-token KL(current || base) over the batch's response tokens (a scalar tensor with grad)."""
    import torch
    import torch.nn.functional as F

    mask = batch["labels"][:, 1:] != IGNORE
    inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
    with torch.no_grad(), model.disable_adapter():
        ref = model(**inputs).logits[:, :-1][mask].float()
    cur = model(**inputs).logits[:, :-1][mask].float()
    logp = F.log_softmax(cur, dim=-1)
    logq = F.log_softmax(ref, dim=-1)
    return (logp.exp() * (logp - logq)).sum(-1).mean()


class KLSampler:
    """Cycles through the general examples in seeded order, ``batch_size`` at a time."""

    def __init__(self, examples: list[Example], batch_size: int, pad_id: int, seed: int = 0) -> None:
        self.examples = examples
        self.batch_size = batch_size
        self.pad_id = pad_id
        self.seed = seed

    def batch(self, step: int, device: str) -> dict[str, Any]:
        order = list(range(len(self.examples)))
        random.Random(self.seed).shuffle(order)
        start = step * self.batch_size
        pick = [self.examples[order[(start + i) % len(order)]] for i in range(self.batch_size)]
        return {k: v.to(device) for k, v in collate(pick, self.pad_id).items()}
