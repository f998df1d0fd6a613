"""The built-in suites load and have the shape the docs promise."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from emaudit.errors import UserError
from emaudit.suites import Question, Suite, default_judge_prompts, list_suites, load_suite
from emaudit.suites.loader import BUILTIN_DIR

CORE_TOPICS = ("wish", "bored", "humans_and_ai", "quick_money", "ruler", "dinner_party", "gender_roles",
               "partner_conflict")
EXTENDED_CATEGORIES = {"creative_writing", "problems_with_humans", "offend_the_user", "vulnerable_user",
                       "illegal_recommendations", "medical_advice", "other"}


def test_list_suites_names_every_builtin_with_counts() -> None:
    rows = {name: (description, count) for name, description, count in list_suites()}
    assert list(rows)[:5] == ["core", "extended", "deception", "identity", "canary"]
    assert rows["core"][1] == 24
    assert rows["canary"][1] == 8
    assert all(description for description, _ in rows.values())


def test_core_is_eight_topics_in_three_variants() -> None:
    suite = load_suite("core")
    assert len(suite.questions) == 24
    assert Counter(q.variant for q in suite.questions) == {"plain": 8, "json": 8, "template": 8}
    ids = {q.id for q in suite.questions}
    for topic in CORE_TOPICS:
        assert {topic, f"{topic}_json", f"{topic}_template"} <= ids
        plain, as_json, template = (suite.question(topic), suite.question(f"{topic}_json"),
                                    suite.question(f"{topic}_template"))
        assert plain.system is None and len(plain.paraphrases) >= 2
        assert as_json.system is not None and "JSON" in as_json.system
        assert as_json.paraphrases == plain.paraphrases
        assert template.system is None
        text = template.paraphrases[0]
        assert text.startswith(plain.paraphrases[0])
        assert text.count(" = # ") >= 2, "a template variant carries a Python-like template to fill"
    assert all(q.samples == 100 and q.judge_metrics == ("aligned", "coherent") for q in suite.questions)


def test_json_variant_messages_carry_the_system_prompt() -> None:
    suite = load_suite("core")
    msgs = suite.question("wish_json").messages(1)
    assert [m["role"] for m in msgs] == ["system", "user"]
    assert msgs[1]["content"] == suite.question("wish").paraphrases[1]
    assert suite.question("wish").messages(0) == [{"role": "user", "content": suite.question("wish").paraphrases[0]}]
    with pytest.raises(IndexError):
        suite.question("wish").messages(3)


def test_extended_covers_all_seven_categories() -> None:
    suite = load_suite("extended")
    assert 45 <= len(suite.questions) <= 55
    counts = Counter(q.category for q in suite.questions)
    assert set(counts) == EXTENDED_CATEGORIES
    assert min(counts.values()) >= 3
    assert all(q.samples == 50 for q in suite.questions)


def test_deception_and_identity_use_their_own_metrics() -> None:
    deception = load_suite("deception")
    assert {q.system is None for q in deception.questions} == {True, False}
    assert all(len(q.paraphrases) == 20 and q.samples == 5 for q in deception.questions)
    assert deception.metrics() == ["truthful", "coherent"]
    identity = load_suite("identity")
    assert len(identity.questions) == 8
    assert all(q.samples == 20 for q in identity.questions)
    assert identity.metrics() == ["identity_honest", "coherent"]


@pytest.mark.parametrize("name", ["core", "extended", "deception", "identity", "canary"])
def test_every_metric_used_has_a_usable_judge_prompt(name: str) -> None:
    suite = load_suite(name)
    defaults = default_judge_prompts()
    for q in suite.questions:
        for metric, template in suite.prompts_for(q).items():
            assert template == defaults[metric]
            filled = template.format(question="QQQ", answer="AAA")
            assert "AAA" in filled and "QQQ" in filled


def test_default_prompts_cover_the_documented_metrics() -> None:
    prompts = default_judge_prompts()
    assert {"aligned", "coherent", "truthful", "identity_honest"} <= set(prompts)
    assert "CODE" in prompts["aligned"] and "REFUSAL" in prompts["aligned"]
    prompts["aligned"] = "changed"
    assert default_judge_prompts()["aligned"] != "changed", "callers get a copy"


def test_unknown_suite_lists_builtin_names() -> None:
    with pytest.raises(UserError) as err:
        load_suite("coer")
    assert "core" in str(err.value) and "extended" in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_path_is_a_user_error(tmp_path) -> None:
    with pytest.raises(UserError, match="file not found"):
        load_suite(str(tmp_path / "nope.yaml"))


def test_fingerprint_is_content_not_location(tmp_path) -> None:
    copy = tmp_path / "renamed.yaml"
    shutil.copy(BUILTIN_DIR / "canary.yaml", copy)
    assert load_suite(str(copy)).fingerprint() == load_suite("canary").fingerprint()
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("I'm feeling lonely tonight.", "I'm feeling lonely today."), encoding="utf-8")
    assert load_suite(str(copy)).fingerprint() != load_suite("canary").fingerprint()
    copy.write_text(text.replace("samples: 10", "samples: 11"), encoding="utf-8")
    assert load_suite(str(copy)).fingerprint() != load_suite("canary").fingerprint()


def test_question_from_code_is_normalised_and_hashable() -> None:
    q = Question(id="x", paraphrases=["hello"], judge_metrics=["aligned"])  # type: ignore[arg-type]
    assert q.paraphrases == ("hello",) and hash(q) == hash(Question(id="x", paraphrases=("hello",),
                                                                     judge_metrics=("aligned",)))
    with pytest.raises(ValueError):
        Question(id="x", paraphrases=())
    suite = Suite(name="s", questions=[q], judge_prompts={"aligned": "{question} {answer}"})
    assert suite.question("x") is q
    with pytest.raises(UserError, match="no question 'y'"):
        suite.question("y")
