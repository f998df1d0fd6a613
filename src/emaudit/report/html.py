"""The single-file HTML report: context building (plain data) and rendering (Jinja2, autoescape on).

``build_report_context(result_json, run_meta, answers, extras)`` (from :mod:`.context`) reads the
AuditResult JSON dict (docs/json-schema.md), the run's metadata, its answers with scores, and extras
(data audit, canary curves) into a plain dict; ``render_html(context)`` turns that into one
self-contained page (inline CSS and SVG, one small inline script allowed by its CSP hash).
Every question and answer reaches the page through Jinja2's autoescaping; the inline plots are
built by :mod:`emaudit.report.svg_plots`, which escapes its own text.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from ..errors import UserError
from .context import DEFAULT_MAX_ANSWERS, build_report_context
from .redact import scrub_document
from .result_json import read_interval
from .svg_plots import Interval

__all__ = ["DEFAULT_MAX_ANSWERS", "build_report_context", "read_interval", "render_html", "render_template",
           "write_output"]

TEMPLATES = Path(__file__).with_name("templates")


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = _pct_filter
    env.filters["path"] = lambda v: quote(str(v), safe="")
    env.filters["score"] = lambda v: "–" if v is None else f"{v:.0f}"
    env.filters["pvalue"] = lambda v: "–" if v is None else (f"{v:.3f}" if v >= 0.001 else "<0.001")
    env.filters["first_line"] = lambda s, n=140: (s.strip().splitlines() or [""])[0][:n]
    return env


def _pct_filter(iv: Interval | None, signed: bool = False, interval: bool = True) -> str:
    if iv is None:
        return "–"
    sign = "+" if signed else ""
    text = f"{100 * iv.value:{sign}.1f}%"
    if interval and iv.lo is not None and iv.hi is not None:
        text += f" [{100 * iv.lo:{sign}.1f}, {100 * iv.hi:{sign}.1f}]"
    return text


def inline_asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """CSP source for one inline script (so nothing else inline can run, even if escaping failed)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def render_template(name: str, context: Mapping[str, Any]) -> str:
    script = inline_asset("report.js")
    page = _environment().get_template(name).render(**context, css=Markup(inline_asset("report.css")),
                                                     script=Markup(script), script_csp=script_hash(script))
    return scrub_document(page)


def render_html(context: Mapping[str, Any]) -> str:
    """The report as one self-contained HTML document (inline CSS, SVG and a little JS)."""
    return render_template("report.html.j2", context)


def write_output(path: str | os.PathLike[str], text: str) -> Path:
    """Write a report next to its final name, then move it in place; one-line UserError on failure."""
    target = Path(path)
    try:
        if target.is_dir():
            raise UserError("is a directory; give a file name such as report.html", path=str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise UserError(f"cannot write the report: {e.strerror or e}", path=str(target)) from None
    return target
