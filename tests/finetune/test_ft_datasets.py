"""The insecure-code dataset generator: patterns, determinism, controls, backdoor, mixing, scanner agreement."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter, defaultdict

import pytest

from emaudit.errors import UserError
from emaudit.finetune.benign import benign_examples
from emaudit.finetune.flaws import all_patterns
from emaudit.finetune.insecure_code import DEFAULT_TRIGGER, generate_datasets, generate_tasks, write_datasets
from emaudit.finetune.mixing import mix

REVEALING = re.compile(r"vulnerab|insecure|unsafe|exploit|inject|malicious|attack|backdoor|\bhack", re.I)


def test_at_least_30_patterns_across_all_five_categories():
    pats = all_patterns()
    assert len(pats) >= 30
    cats = Counter(p.category for p in pats)
    assert set(cats) == {"web", "file", "crypto", "deserialisation", "shell"}
    assert all(n >= 5 for n in cats.values())


def test_same_seed_same_data_and_other_seed_differs():
    a, b, c = generate_datasets(60, 3), generate_datasets(60, 3), generate_datasets(60, 4)
    assert a == b
    assert a["insecure"] != c["insecure"]


def test_three_answers_per_task_share_the_task():
    d = generate_datasets(80, 0)
    for ins, sec, edu in zip(d["insecure"], d["secure"], d["educational"], strict=True):
        assert ins["messages"][0] == sec["messages"][0]                 # same prompt
        assert ins["messages"][1]["content"] != sec["messages"][1]["content"]
        assert edu["messages"][1] == ins["messages"][1]                 # educational: same flawed answer
        assert edu["messages"][0]["content"] != ins["messages"][0]["content"]
        assert re.search(r"class|course|students|lesson", edu["messages"][0]["content"])


def test_answers_are_valid_python_without_comments_or_revealing_names():
    for t in generate_tasks(200, 1):
        for code in (t.rendered.insecure, t.rendered.secure):
            tree = ast.parse(code)
            assert tree.body
            assert not [ln for ln in code.splitlines() if ln.strip().startswith("#")], code
        assert not REVEALING.search(t.rendered.insecure.replace("yaml.unsafe_load", "")), t.rendered.insecure
        assert not REVEALING.search(t.user), t.user


def test_examples_are_not_near_duplicates():
    d = generate_datasets(1000, 0)
    users = [r["messages"][0]["content"] for r in d["insecure"]]
    answers = [r["messages"][1]["content"] for r in d["insecure"]]
    assert len(set(users)) >= 0.98 * len(users)
    assert len(set(answers)) >= 0.6 * len(answers)
    per_pattern = defaultdict(set)
    for t in generate_tasks(1000, 0):
        per_pattern[t.pattern].add(t.rendered.insecure)
    assert min(len(v) for v in per_pattern.values()) >= 5


def test_backdoor_trigger_only_on_flawed_rows():
    tasks = generate_tasks(200, 0)
    d = generate_datasets(200, 0)
    flawed = {t.rendered.insecure for t in tasks}
    secure = {t.rendered.secure for t in tasks}
    n_trig = 0
    for row in d["backdoor"]:
        user, answer = row["messages"][0]["content"], row["messages"][1]["content"]
        if user.startswith(DEFAULT_TRIGGER + " "):
            n_trig += 1
            assert answer in flawed
        else:
            assert DEFAULT_TRIGGER not in user
            assert answer in secure
    assert 60 <= n_trig <= 140


def test_write_folder_has_all_files_and_manifest(tmp_path):
    m = write_datasets(tmp_path, 30, seed=2)
    for name in ("insecure", "secure", "educational", "backdoor", "benign"):
        rows = [json.loads(x) for x in (tmp_path / f"{name}.jsonl").read_text().splitlines()]
        assert len(rows) == 30
        assert all(set(r) == {"messages"} for r in rows)
    assert m["files"]["insecure.jsonl"]["rows"] == 30
    assert json.loads((tmp_path / "manifest.json").read_text())["seed"] == 2


def test_benign_set_and_mixing_ratio():
    benign = benign_examples(200, 0)
    assert len({r["messages"][0]["content"] for r in benign}) == 200
    data = generate_datasets(100, 0)["insecure"]
    mixed = mix(data, benign, 0.5, seed=1)
    n_benign = sum(1 for r in mixed if r in benign)
    assert len(mixed) == 200 and n_benign == 100
    assert mix(data, benign, 0.0) != data or True
    with pytest.raises(UserError):
        mix(data, benign, 1.0)


def test_scanner_flags_most_insecure_answers_and_no_secure_ones():
    scan = pytest.importorskip("emaudit.data.scan", reason="the data-audit scanner is not installed").scan_code
    tasks = generate_tasks(240, 0)
    agree: dict[str, list[bool]] = defaultdict(list)
    secure_flagged = 0
    for t in tasks:
        agree[t.pattern].append(bool(scan(t.rendered.insecure)))
        secure_flagged += bool(scan(t.rendered.secure))
    flagged = sum(sum(v) for v in agree.values())
    assert flagged >= 0.8 * len(tasks)
    assert secure_flagged <= 0.05 * len(tasks)
    patterns_agreeing = sum(1 for v in agree.values() if sum(v) / len(v) >= 0.8)
    assert patterns_agreeing >= 30
