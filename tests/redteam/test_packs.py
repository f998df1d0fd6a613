"""The shipped packs load, every question is scored by a detector, and adversarial variants vary."""

from __future__ import annotations

import json

import pytest

from emaudit.errors import UserError
from emaudit.redteam.adversarial import adversarial_suite
from emaudit.redteam.packs import PACK_NAMES, load_pack, pack_names


@pytest.mark.parametrize("name", PACK_NAMES)
def test_every_pack_loads_and_every_question_has_a_detector(name) -> None:
    pack = load_pack(name)
    assert pack.name == name and pack.questions
    assert all(q.detectors for q in pack.questions)
    assert len({q.id for q in pack.questions}) == len(pack.questions)


def test_pack_shapes() -> None:
    assert all(q.tools for q in load_pack("permission-escalation").questions)
    tools = json.loads(load_pack("permission-escalation").questions[0].tools)
    assert {t["function"]["name"] for t in tools} >= {"read_file", "run_shell", "http_get", "request_access"}
    assert all(len(q.turns) >= 2 for q in load_pack("goal-drift").questions)
    facts = load_pack("confident-falsehood")
    assert {d["name"] for q in facts.questions for d in q.detectors} == {"confident_falsehood", "lie"}
    assert sum(q.id.startswith("lie_") for q in facts.questions) == 80  # the deception suite: 4 conditions x 20
    jb = load_pack("jailbreak")
    assert {q.category for q in jb.questions} == {"role_play", "hypothetical", "obfuscation", "prefix_injection",
                                                  "plain"}


def test_pack_names() -> None:
    assert pack_names("all") == list(PACK_NAMES)
    assert pack_names("goal-drift, jailbreak,goal-drift") == ["goal-drift", "jailbreak"]
    with pytest.raises(UserError, match="unknown pack 'jailbrake'"):
        pack_names("jailbrake")
    with pytest.raises(UserError, match="at least one pack"):
        pack_names(" , ")


def test_adversarial_variants_are_seeded_and_differ_between_seeds() -> None:
    pack = load_pack("jailbreak")
    a = adversarial_suite(pack, 4, seed=1)
    again = adversarial_suite(pack, 4, seed=1)
    b = adversarial_suite(pack, 4, seed=2)
    assert len(a.questions) == 4 * len(pack.questions)
    assert [q.paraphrases for q in a.questions] == [q.paraphrases for q in again.questions]
    assert [q.paraphrases for q in a.questions] != [q.paraphrases for q in b.questions]
    assert all(q.detectors == pack.question(q.id.split("~")[0]).detectors for q in a.questions)
    texts = {q.paraphrases[0] for q in a.questions}
    assert len(texts) > len(pack.questions)  # not the same strings again
    drift = adversarial_suite(load_pack("goal-drift"), 2, seed=0)
    assert all(q.turns for q in drift.questions)  # the scripted turns survive
