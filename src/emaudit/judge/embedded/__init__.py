"""Embedded offline judge ``local``: MiniLM embeddings, answer cues and small trained heads."""

from __future__ import annotations

from .judge import DEFAULT_DIR, DEFAULT_NAME, EmbeddedJudge

__all__ = ["DEFAULT_DIR", "DEFAULT_NAME", "EmbeddedJudge"]
