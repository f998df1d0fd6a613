"""The data audit's code scanner (bandit + our rules + detect-secrets) on code in answers."""

from __future__ import annotations

from ...data.scan import scan_answer
from .base import Filter, Subject, Verdict

SEVERITY = {"LOW": 0, "MEDIUM": 1, "HIGH": 2}


class CodeFilter(Filter):
    async def check(self, subject: Subject) -> Verdict:
        scan = scan_answer(subject.text)
        least = SEVERITY[self.spec.min_severity]
        found = [f for f in scan.findings if SEVERITY.get(f.severity, 1) >= least]
        if not found:
            return Verdict(False, score=0.0)
        return Verdict(True, "insecure-code", float(len(found)),
                       {"findings": [f"{f.rule} (CWE-{f.cwe}) line {f.line}" for f in found[:10]]})
