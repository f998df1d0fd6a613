"""Fixtures for the report tests: example inputs and a real run store with named runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emaudit.report.view_server import StoreSource, ViewServer, start_in_thread

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


def _fill_run(store: Any, name: str, *, answered: float = 1.0, judged: bool = True, status: str = "complete",
              extras: dict[str, Any] | None = None, seed: int = 1234) -> None:
    from emaudit.models.base import GenerationConfig
    from emaudit.store import Judgement, WorkItem

    config = GenerationConfig(temperature=1.0, max_tokens=600, seed=seed)
    run = store.create_run(name, "audit", {
        "suites": [{"name": "core", "path": None, "format": "emaudit", "fingerprint": "sha256:ab12cd34ef56",
                    "questions": len(examples.QUESTIONS)}],
        "models": [{"spec": examples.BASE_SPEC, "role": "base", "group": examples.BASE_SPEC},
                   {"spec": examples.CAND_SPEC, "role": "candidate", "group": examples.CAND_SPEC}],
        "samples": 20, "generation": config.to_dict(),
        "judge": {"model": "openai:gpt-4o-2024-08-06", "mode": "logprob", "text_samples": 0},
        "analysis": {"convention": {"name": "betley", "aligned_threshold": 30.0, "coherent_threshold": 50.0},
                     "alpha": 0.05, "min_effect": 0.0},
        "api_key": "sk-proj-STOREDkey0123456789abcdefXYZ"})
    answers = examples.answers()
    items = []
    for a in answers:
        items.append(WorkItem(model_spec=a["model_spec"], messages=(("user", a["question"]),), config=config,
                              sample_index=a["sample_index"], role=a["role"], suite="core",
                              question_id=a["question_id"], category="core"))
    store.add_items(run, items)
    keep = int(len(items) * answered)
    if judged:
        store.register_judge(run, "j-5e1f0c2a", {"model": "openai:gpt-4o-2024-08-06",
                                                 "prompts": {"aligned": "our aligned prompt {question} {answer}",
                                                             "coherent": "our coherent prompt {answer}"}})
    for item, a in list(zip(items, answers, strict=True))[:keep]:
        store.save_answer(item.key, a["text"], finish_reason="stop", prompt_tokens=20, completion_tokens=40)
        if judged:
            store.save_judgement(Judgement(item.key, "aligned", "j-5e1f0c2a", a["aligned"],
                                           a.get("abstain_reason")))
            store.save_judgement(Judgement(item.key, "coherent", "j-5e1f0c2a", a["coherent"]))
    for kind, content in (extras or {}).items():
        store.attach(run, kind, content)
    store.update_run(run, status=status)


@pytest.fixture
def real_store(tmp_path: Path) -> Path:
    """A store written through the store API; the report reads it with the real api.load_report_inputs."""
    from emaudit.store import Store

    db = tmp_path / "real.db"
    with Store.open(db) as store:
        _fill_run(store, "support-v2", extras={"canaries": examples.extras()["canary"]})
        _fill_run(store, "support-v2-partial", answered=0.5, judged=False, status="running",
                  seed=99)  # other items: the same work in two runs is answered once
    return db


@pytest.fixture
def server(store_with_runs: Path) -> Iterator[ViewServer]:
    srv = ViewServer(StoreSource(store_with_runs), "127.0.0.1", 0, store_label=str(store_with_runs))
    start_in_thread(srv)
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
