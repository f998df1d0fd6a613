"""Hard-coded credentials via detect-secrets' line plugins, in memory (no temp files)."""

from __future__ import annotations

import re
from typing import Any

from .finding import Finding

# Lines that no detect-secrets plugin we use could match are skipped (a speed-up, same results).
CANDIDATE_RE = re.compile(r"(?i)(pass|pwd|secret|token|key|auth|cred|api|private|AKIA|ASIA|sk_|rk_|pk_|ghp_|gho_|"
                          r"github_pat|glpat|xox|hooks\.slack|BEGIN|://[^/\s]+:[^@\s]+@|npm_|SG\.|eyJ|"
                          r"AIza|twilio|mailchimp|[A-Za-z0-9+/_-]{24,})")

_plugins: Any = None
_unavailable: str | None = None
# Plugins whose hits in short training snippets are noise (entropy of random-looking strings).
NOISY = {"Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector"}


def _load() -> Any:
    global _plugins, _unavailable
    if _plugins is None and _unavailable is None:
        try:
            from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

            classes: list[Any] = list(get_mapping_from_secret_type_to_class().values())
            _plugins = [cls() for cls in classes if cls.__name__ not in NOISY]
        except Exception as e:
            _unavailable = f"detect-secrets unavailable: {e}"
    return _plugins


def secrets_status() -> str | None:
    _load()
    return _unavailable


def scan_secrets(code: str) -> list[Finding]:
    plugins = _load()
    if not plugins:
        return []
    out: list[Finding] = []
    seen: set[tuple[str, int]] = set()
    for lineno, line in enumerate(code.splitlines(), 1):
        if len(line) > 2000 or not CANDIDATE_RE.search(line):
            continue
        for plugin in plugins:
            try:
                hits = plugin.analyze_line(filename="snippet.py", line=line, line_number=lineno)
            except Exception:
                continue
            for secret in hits or ():
                key = (secret.type, lineno)
                if key not in seen:
                    seen.add(key)
                    out.append(Finding(rule=f"secret:{secret.type}", cwe=798, line=lineno,
                                       message=f"hard-coded credential ({secret.type})", tool="detect-secrets",
                                       severity="HIGH"))
    return out
