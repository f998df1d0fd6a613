"""One problem found in a piece of code or text."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    rule: str          # e.g. "B608" (bandit), "EM-XSS-FSTRING" (ours), "secret:AWS Access Key"
    cwe: int | None    # CWE id, None when the tool gives none
    line: int          # 1-based line in the scanned code block
    message: str
    tool: str          # bandit | emaudit | detect-secrets
    severity: str = "MEDIUM"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
