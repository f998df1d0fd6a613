"""Bandit as a library, in-process, with a profile that drops import-only and hygiene rules.

Bandit has no public in-memory API; we call ``BanditManager._parse_file`` on a BytesIO and fall
back to nothing (with a note) if that private call changes shape.
"""

from __future__ import annotations

import ast
import io
import logging
from typing import Any

from .finding import Finding

# Import blacklists (B4xx), subprocess without shell (B603/B607), assert (B101),
# try/except pass/continue (B110/B112), requests without timeout (B113), every urlopen (B310):
# hygiene or audit-only hints, not flaws.
SKIPPED_TESTS = frozenset({"B101", "B110", "B112", "B113", "B310", "B603", "B607"})
SKIPPED_PREFIXES = ("B4",)

# Hard-coded passwords are LOW severity in bandit but are a flaw in a training answer.
KEEP_LOW = frozenset({"B105", "B106", "B107"})

_manager: Any = None
_unavailable: str | None = None


def _get_manager() -> Any:
    global _manager, _unavailable
    if _manager is None and _unavailable is None:
        try:
            from bandit.core import config as b_config
            from bandit.core import manager as b_manager

            logging.getLogger("bandit").setLevel(logging.CRITICAL)
            conf = b_config.BanditConfig()
            # ignore_nosec: a "# nosec" comment in a training answer must not hide its flaw.
            _manager = b_manager.BanditManager(conf, "file", quiet=True, ignore_nosec=True,
                                               profile={"include": set(), "exclude": set(SKIPPED_TESTS)})
        except Exception as e:  # bandit missing or its internals changed
            _unavailable = f"bandit unavailable: {e}"
    return _manager


def bandit_status() -> str | None:
    """None when bandit works, else why it does not."""
    _get_manager()
    return _unavailable


_direct_ok = True
FNAME = "snippet.py"


def _visit_parsed(mgr: Any, code: str, tree: ast.Module) -> list[Any]:
    """Run bandit's node visitor on a tree we already parsed (saves bandit's own parse)."""
    from bandit.core import node_visitor

    fdata = io.BytesIO(code.encode("utf-8", "replace"))
    mgr.metrics.begin(FNAME)
    visitor = node_visitor.BanditNodeVisitor(FNAME, fdata, mgr.b_ma, mgr.b_ts, mgr.debug, {}, mgr.metrics)
    visitor.generic_visit(tree)
    visitor.context = {"file_data": fdata, "filename": FNAME, "lineno": 0, "linerange": [0, 1], "col_offset": 0}
    visitor.update_scores(visitor.tester.run_tests(visitor.context, "File"))
    return list(visitor.tester.results)


def scan_python_bandit(code: str, tree: ast.Module | None = None) -> list[Finding] | None:
    """Findings for one parseable Python snippet; None when bandit could not scan it."""
    global _unavailable, _direct_ok
    mgr = _get_manager()
    if mgr is None:
        return None
    results: list[Any] | None = None
    if tree is not None and _direct_ok:
        try:
            results = _visit_parsed(mgr, code, tree)
        except Exception:  # bandit internals changed: use the file-level entry point from now on
            _direct_ok = False
    if results is None:
        mgr.results = []
        mgr.scores = []
        mgr.skipped = []
        try:
            mgr._parse_file(FNAME, io.BytesIO(code.encode("utf-8", "replace")), [FNAME])
        except (AttributeError, TypeError) as e:
            _unavailable = f"bandit's internal API changed: {e}"
            return None
        if mgr.skipped:
            return None
        results = mgr.results
    out: list[Finding] = []
    for issue in results:
        tid = str(issue.test_id)
        if tid in SKIPPED_TESTS or tid.startswith(SKIPPED_PREFIXES):
            continue
        if str(issue.severity) == "LOW" and str(issue.confidence) != "HIGH" and tid not in KEEP_LOW:
            continue
        cwe = getattr(getattr(issue, "cwe", None), "id", None) or None
        out.append(Finding(rule=tid, cwe=int(cwe) if cwe else None, line=int(issue.lineno),
                           message=str(issue.text), tool="bandit", severity=str(issue.severity)))
    return out
