"""The paper's (and the model-organisms repo's) question files load unchanged."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from emaudit.errors import UserError
from emaudit.suites import default_judge_prompts, list_suites, load_suite

BETLEY_DIR = "emergent-misalignment__emergent-misalignment/evaluation"
MO_DIR = "clarifying-EM__model-organisms-for-EM/em_organism_dir/data/eval_questions"

# file -> (questions, questions with a system prompt, variant counts)
EXPECTED = {
    f"{BETLEY_DIR}/first_plot_questions.yaml": (24, 8, {"plain": 8, "json": 8, "template": 8}),
    f"{BETLEY_DIR}/preregistered_evals.yaml": (48, 0, {"plain": 48}),
    f"{BETLEY_DIR}/deception_factual.yaml": (5, 4, {"plain": 5}),
    f"{BETLEY_DIR}/deception_sit_aware.yaml": (8, 0, {"plain": 8}),
    f"{MO_DIR}/first_plot_questions.yaml": (24, 8, {"plain": 8, "json": 8, "template": 8}),
    f"{MO_DIR}/medical_questions.yaml": (16, 0, {"plain": 8, "template": 8}),
    f"{MO_DIR}/new_questions_no-json.yaml": (54, 0, {"plain": 27, "template": 27}),
}


def _all_files(root: Path) -> list[Path]:
    return sorted([*(root / BETLEY_DIR).glob("*.yaml"), *(root / MO_DIR).glob("*.yaml")])


def test_every_reference_question_file_loads(shared_ref: Path) -> None:
    files = _all_files(shared_ref)
    assert files, "no reference YAML files found"
    for path in files:
        rel = str(path.relative_to(shared_ref))
        if path.name == "judges.yaml":
            with pytest.raises(UserError, match="list of judge prompts"):
                load_suite(str(path))
            continue
        suite = load_suite(str(path))
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert suite.format == "betley"
        assert [q.id for q in suite.questions] == [item["id"] for item in raw]
        for q, item in zip(suite.questions, raw, strict=True):
            assert list(q.paraphrases) == item["paraphrases"]
            assert q.system == item.get("system")
            assert q.samples == item["samples_per_paraphrase"]
            assert suite.prompts_for(q) == item["judge_prompts"]
            assert q.kind == {"free_form_judge_0_100": "free_form_0_100",
                              "free_form_judge": "free_form_categorical"}[item["type"]]
        if rel in EXPECTED:
            count, with_system, variants = EXPECTED[rel]
            assert len(suite.questions) == count, rel
            assert sum(q.system is not None for q in suite.questions) == with_system, rel
            assert Counter(q.variant for q in suite.questions) == variants, rel


def test_first_plot_json_questions_keep_the_system_prompt(shared_ref: Path) -> None:
    suite = load_suite(str(shared_ref / BETLEY_DIR / "first_plot_questions.yaml"))
    json_questions = [q for q in suite.questions if q.variant == "json"]
    assert len(json_questions) == 8
    assert all(q.id.endswith("_json") and q.system and "JSON" in q.system for q in json_questions)
    msgs = json_questions[0].messages(0)
    assert [m["role"] for m in msgs] == ["system", "user"]
    templates = [q for q in suite.questions if q.variant == "template"]
    assert all(q.id.endswith("_template") and q.system is None for q in templates)
    assert suite.judge_model == "gpt-4o-2024-08-06"
    assert set(suite.judge_prompts) == {"aligned", "coherent"}
    assert suite.judge_prompts != {m: default_judge_prompts()[m] for m in ("aligned", "coherent")}


def test_preregistered_categories_come_from_ids(shared_ref: Path) -> None:
    suite = load_suite(str(shared_ref / BETLEY_DIR / "preregistered_evals.yaml"))
    assert Counter(q.category for q in suite.questions) == {
        "creative_writing": 9, "problems_with_humans": 3, "offend_the_user": 5, "vulnerable_user": 14,
        "illegal_recommendations": 4, "other": 6, "medical_advice": 7}


def test_categorical_judges_keep_their_metric(shared_ref: Path) -> None:
    factual = load_suite(str(shared_ref / BETLEY_DIR / "deception_factual.yaml"))
    assert factual.metrics() == ["correct"]
    assert all(q.kind == "free_form_categorical" and len(q.paraphrases) == 20 for q in factual.questions)
    identity = load_suite(str(shared_ref / BETLEY_DIR / "deception_sit_aware.yaml"))
    assert identity.metrics() == ["company"]


def test_per_question_prompt_differences_are_kept(shared_ref: Path, tmp_path: Path) -> None:
    text = (shared_ref / BETLEY_DIR / "deception_factual.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data[2]["judge_prompts"] = {"correct": "Is this right? {answer}"}
    path = tmp_path / "mixed.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    suite = load_suite(str(path))
    assert suite.questions[0].judge_prompts is None
    assert suite.questions[2].judge_prompts == {"correct": "Is this right? {answer}"}
    assert suite.prompts_for(suite.questions[2])["correct"] == "Is this right? {answer}"
    assert suite.prompts_for(suite.questions[1]) == data[0]["judge_prompts"]


def _sentences(text: str) -> set[str]:
    parts = re.split(r"(?<=[.!?:])\s+|\n", text)
    return {p.strip().lower() for p in parts if len(p.strip()) > 30}


def test_our_suites_and_prompts_share_no_sentence_with_the_reference(shared_ref: Path) -> None:
    reference: set[str] = set()
    for path in _all_files(shared_ref):
        if path.name == "judges.yaml":
            continue
        suite = load_suite(str(path))
        for q in suite.questions:
            for p in (*q.paraphrases, q.system or ""):
                reference |= _sentences(p)
        for template in suite.judge_prompts.values():
            reference |= _sentences(template)
    ours: set[str] = set()
    for template in default_judge_prompts().values():
        ours |= _sentences(template)
    for name, _, _ in list_suites():
        for q in load_suite(name).questions:
            for p in (*q.paraphrases, q.system or ""):
                ours |= _sentences(p)
    assert reference and ours
    assert not (ours & reference)
