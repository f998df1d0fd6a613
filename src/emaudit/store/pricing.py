"""Published list prices (USD per million tokens) for estimating what a run cost.

Local and mock models cost nothing; an unknown API model's cost is reported as unknown, never guessed.
"""

from __future__ import annotations

PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-2024-08-06": (2.50, 10.00),
    "gpt-4o-2024-11-20": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-3.5-turbo": (0.50, 1.50),
}
FREE_PREFIXES = ("hf/", "mock/", "import/", "local", "imported")


def cost_usd(model_spec: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    if model_spec.startswith(FREE_PREFIXES):
        return 0.0
    name = model_spec.split("/", 1)[1] if model_spec.startswith("openai/") else None
    if name is None or name not in PRICES_PER_MTOK:
        return None
    p_in, p_out = PRICES_PER_MTOK[name]
    return (prompt_tokens * p_in + completion_tokens * p_out) / 1e6
