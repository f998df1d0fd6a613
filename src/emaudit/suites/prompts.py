"""Our own judge prompts, shipped in ``emaudit/judge/prompts.yaml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from . import fields
from .yamlsource import read_yaml_source

PROMPTS_FILE = Path(__file__).resolve().parent.parent / "judge" / "prompts.yaml"


@lru_cache(maxsize=1)
def _load_default_prompts() -> tuple[tuple[str, str], ...]:
    src = read_yaml_source(PROMPTS_FILE)
    data = fields.mapping(src, (), src.data, "must be a mapping with a 'prompts' key")
    fields.check_keys(src, (), data, ("version", "prompts"), required=("prompts",))
    prompts = fields.judge_prompts(src, ("prompts",), data["prompts"], strict_format=True)
    return tuple(prompts.items())


def default_judge_prompts() -> dict[str, str]:
    """metric -> template (with {question} and {answer}) for aligned, coherent, truthful, ... (a fresh copy)."""
    return dict(_load_default_prompts())
