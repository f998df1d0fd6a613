"""detect-secrets over the whole text (outputs that leak credentials)."""

from __future__ import annotations

from ...data.secrets import scan_secrets
from .base import Filter, Subject, Verdict


class SecretsFilter(Filter):
    async def check(self, subject: Subject) -> Verdict:
        found = scan_secrets(subject.text + "".join("\n" + t.arguments for t in subject.tools))
        if not found:
            return Verdict(False)
        return Verdict(True, "secret", float(len(found)), {"types": sorted({f.rule for f in found})})
