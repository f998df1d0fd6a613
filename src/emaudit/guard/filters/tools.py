"""Tool-call policy: allow/deny tool names (normalised for case, separators and MCP prefixes) and argument
patterns (shell, SQL, paths, URLs, requests for credentials), over every shape a tool can take in a request
(tools, functions, tool_choice, earlier tool_calls / function_call) and in an answer."""

from __future__ import annotations

import re
from typing import Any

from .base import Filter, Subject, Verdict

ARGUMENT_PACKS: dict[str, list[str]] = {
    "shell": [r"\brm\s+-[a-z]*[rf]", r"\b(curl|wget)\b[^|;]*\|\s*(ba|z)?sh\b", r"\bsudo\b", r"\bmkfs\b",
              r"\bdd\s+if=", r"\bchmod\s+(-R\s+)?777\b", r":\(\)\s*\{.*\};:", r"[;&|`]\s*(rm|nc|bash|sh)\b",
              r"\$\(.*\)", r">\s*/dev/sd"],
    "sql": [r"\b(drop|truncate)\s+(table|database)\b", r"\bdelete\s+from\s+\w+\s*(;|$|\")",
            r"\bunion\s+(all\s+)?select\b", r"'\s*or\s+'?1'?\s*=\s*'?1", r";\s*--", r"\bgrant\s+all\b"],
    "paths": [r"\.\./", r"\.\.\\\\", r"/etc/(passwd|shadow|sudoers)", r"~?/\.ssh/", r"\bid_(rsa|ed25519)\b",
              r"\.aws/credentials", r"[Cc]:\\\\[Ww]indows"],
    "urls": [r"\bfile://", r"\bgopher://", r"169\.254\.169\.254", r"metadata\.google\.internal",
             r"https?://(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+)"],
    "credentials": [r"\b(password|passwd|api[_ -]?key|secret|access[_ -]?token|private[_ -]?key|credentials?)\b",
                    r"\b(printenv|env)\b\s*($|[|;\"])"],
}
_SEPARATORS = re.compile(r"[\s_\-.:/]+")


def normalise(name: str) -> str:
    """``Run-Shell``, ``run_shell``, ``RUN.SHELL``, ``mcp__box__run_shell`` all read ``runshell``."""
    name = name.strip()
    if name.lower().startswith("mcp__"):
        name = name.rsplit("__", 1)[-1]
    return _SEPARATORS.sub("", name).lower()


class ToolFilter(Filter):
    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.allow = {normalise(n) for n in spec.allow}
        self.deny = {normalise(n) for n in spec.deny}
        self.arguments = [(p, re.compile("|".join(f"(?:{x})" for x in ARGUMENT_PACKS[p]), re.IGNORECASE))
                          for p in spec.arguments]

    async def check(self, subject: Subject) -> Verdict:
        for use in subject.tools:
            name = normalise(use.name)
            if name in self.deny or (self.allow and name not in self.allow):
                return Verdict(True, "tool-denied", 1.0, {"tool": use.name, "where": use.where})
            for pack, pattern in self.arguments:
                m = pattern.search(use.arguments) if use.arguments else None
                if m:
                    return Verdict(True, f"tool-arguments:{pack}", 1.0,
                                   {"tool": use.name, "where": use.where, "match": m.group(0)[:200]})
        return Verdict(False)
