"""Guard filters: one plugin per check, all behind ``base.Filter``; ``build(spec)`` makes one from its policy entry.

Other packages add filters with an entry point in the ``emaudit.guard_filters`` group naming a ``Filter``
subclass; a policy uses it as ``{use: plugin, entry_point: NAME, options: {...}}``.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from ...errors import UserError
from .base import Filter, Subject, Verdict

__all__ = ["Filter", "Subject", "Verdict", "build"]


def build(spec: Any) -> Filter:
    from .code import CodeFilter
    from .judge import JudgeFilter
    from .patterns import KeywordFilter, RegexFilter
    from .secrets import SecretsFilter
    from .tools import ToolFilter

    if spec.use == "plugin":
        return _plugin(spec)
    kinds: dict[str, type[Filter]] = {"regex": RegexFilter, "keywords": KeywordFilter, "judge": JudgeFilter,
                                      "code": CodeFilter, "secrets": SecretsFilter, "tools": ToolFilter}
    return kinds[spec.use](spec)


GROUP = "emaudit.guard_filters"


def _plugin(spec: Any) -> Filter:
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    ep = found.get(spec.entry_point)
    if ep is None:
        known = ", ".join(sorted(found)) or "none installed"
        raise UserError(f"no guard filter plugin {spec.entry_point!r} (entry points in {GROUP}: {known})",
                        field="entry_point")
    cls = ep.load()
    if not (isinstance(cls, type) and issubclass(cls, Filter)):
        raise UserError(f"plugin {spec.entry_point!r} ({ep.value}) is not a guard Filter class", field="entry_point")
    return cls(spec)
