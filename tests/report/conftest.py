"""Fixtures for the report tests: example inputs and a real run store with named runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import examples


@pytest.fixture
def inputs() -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    answers = examples.answers()
    return examples.result_json(answers), examples.run_meta(), answers, examples.extras()


@pytest.fixture
def store_with_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real SQLite store holding runs support-v2 and support-v3; the api's loader answers with examples."""
    import emaudit.api
    from emaudit.store import Store

    db = tmp_path / "runs.db"
    with Store.open(db) as store:
        store.create_run("support-v2", "audit", {"suite": "core"})
        store.create_run("support-v3", "audit", {"suite": "core"})

    def load_report_inputs(store: Any, name: str) -> tuple[Any, ...]:
        answers = examples.answers()
        meta = examples.run_meta()
        meta["name"] = name
        if name == "support-v3":
            meta["generation"] = {**meta["generation"], "temperature": 0.7}
        return examples.result_json(answers), meta, answers, examples.extras()

    monkeypatch.setattr(emaudit.api, "load_report_inputs", load_report_inputs, raising=False)
    return db
