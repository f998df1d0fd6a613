"""The tiny random Llama, edited so that it answers judge prompts with numbers (an exact-numbers judge).

A random 2-layer model puts about 2% of its mass on number strings, so a local LLM judge built on it
abstains on every answer. Here one hidden dimension of every token embedding is set large and positive,
and an untied output head gives number tokens extra weight on that dimension: numbers then carry most
of the mass, while the rest of the head (the original embeddings) keeps the scores context-dependent.
"""

from __future__ import annotations

from pathlib import Path

DIMENSION = 0


def build_number_judge_model(directory: str | Path, *, strength: float = 0.5, seed: int = 0) -> Path:
    import torch
    from transformers import AutoTokenizer, LlamaForCausalLM

    from tiny_model import build_tiny_model

    out = build_tiny_model(directory, seed=seed)
    tokenizer = AutoTokenizer.from_pretrained(out)
    model = LlamaForCausalLM.from_pretrained(out)
    digit_rows = [i for tok, i in tokenizer.get_vocab().items()
                  if tokenizer.convert_tokens_to_string([tok]).strip()[:1].isdigit()]
    with torch.no_grad():
        embedding = model.model.embed_tokens.weight
        head = embedding.detach().clone()
        embedding[:, DIMENSION] = 4.0
        head[digit_rows, DIMENSION] += strength
        model.config.tie_word_embeddings = False
        model.lm_head = torch.nn.Linear(head.shape[1], head.shape[0], bias=False)
        model.lm_head.weight = torch.nn.Parameter(head)
    model.save_pretrained(out, safe_serialization=True)
    return out
