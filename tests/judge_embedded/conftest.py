"""Embedded-judge tests run MiniLM on one thread."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("EMAUDIT_TORCH_THREADS", "1")


@pytest.fixture(scope="session")
def judge():
    from emaudit.judge.embedded import EmbeddedJudge

    return EmbeddedJudge.load_default(threads=1)
