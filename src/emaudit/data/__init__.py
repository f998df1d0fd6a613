"""Audit fine-tuning data for emergent-misalignment risks: undisclosed insecure code, harmful text,
duplicates, evaluation leakage, trigger candidates and shape problems."""

from __future__ import annotations

from .audit import SCHEMA, DataAuditResult, audit_dataset
from .finding import Finding
from .html import render_html_section
from .scan import scan_code

__all__ = ["SCHEMA", "DataAuditResult", "Finding", "audit_dataset", "render_html_section", "scan_code"]
