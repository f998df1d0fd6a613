"""Guard filters: one plugin per check, all behind ``base.Filter``; ``build(spec)`` makes one from its policy entry."""

from __future__ import annotations

from typing import Any

from .base import Filter, Subject, Verdict

__all__ = ["Filter", "Subject", "Verdict", "build"]


def build(spec: Any) -> Filter:
    from .code import CodeFilter
    from .judge import JudgeFilter
    from .patterns import KeywordFilter, RegexFilter
    from .secrets import SecretsFilter
    from .tools import ToolFilter

    kinds: dict[str, type[Filter]] = {"regex": RegexFilter, "keywords": KeywordFilter, "judge": JudgeFilter,
                                      "code": CodeFilter, "secrets": SecretsFilter, "tools": ToolFilter}
    return kinds[spec.use](spec)
