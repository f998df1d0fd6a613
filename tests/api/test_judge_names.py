"""Judges by name, one count of judged answers, fitted judge folders and imported runs as judges' input
(issues 12.5 and 13.3), through the real command line, a real store and the fake server on 127.0.0.1."""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

import pytest

from emaudit.api.judges import resolve_judge
from emaudit.cli import main
from emaudit.errors import UserError
from emaudit.store import Store

SUITE = str(Path(__file__).resolve().parents[1] / "matrix" / "ours_format.yaml")
ANSWERS = 12  # 3 questions x 2 samples x 2 models
API_JUDGE = "openai-api/fake/judge"


def _ni(body: dict) -> list[dict]:
    """The judges of a --json result, by name and id (each entry also carries its quality)."""
    return [{k: j[k] for k in ("name", "id")} for j in body["judges"]]


def _audit(db: Path, run: str, *judge: str) -> int:
    return main(["--store", str(db), "audit", "--base", "openai-api/fake/base", "--candidate", "openai-api/fake/cand",
                 "--suite", SUITE, "--samples", "2", "--run", run, "--no-progress", *judge])


def _json(db: Path, *argv: str, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["--store", str(db), *argv, "--json"]) in (0, 1)
    return json.loads(capsys.readouterr().out)


def _ids(db: Path, run: str) -> tuple[list[str], list[str]]:
    """(the run's current judge ids, all its judge ids)."""
    with Store.open(db) as store:
        r = store.get_run(run)
        return store.current_judge_ids(r), [j for j, _ in store.run_judges(r)]


def test_analyze_chooses_a_judge_by_name_id_or_prefix(fake_openai, tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.db"
    assert _audit(db, "r", "--judge", API_JUDGE) in (0, 1)
    assert main(["--store", str(db), "rescore", "r", "--judge", "local", "--no-progress"]) in (0, 1)
    current, every = _ids(db, "r")
    local_id = current[0]
    api_id = next(i for i in every if i != local_id)

    for wanted, name, judge_id in (("local", "local", local_id), (API_JUDGE, API_JUDGE, api_id),
                                   (local_id, "local", local_id), (api_id[:6], API_JUDGE, api_id)):
        body = _json(db, "analyze", "r", "--judge-id", wanted, capsys=capsys)
        assert body["run"] == "r"
        assert _ni(body) == [{"name": name, "id": judge_id}], wanted
        assert body["counts"]["judged_answers"] == ANSWERS
    # --judge is the same option; without one, the latest judge (local, after the rescore)
    assert _json(db, "analyze", "r", "--judge", API_JUDGE, capsys=capsys)["judges"][0]["id"] == api_id
    assert _ni(_json(db, "analyze", "r", capsys=capsys)) == [{"name": "local", "id": local_id}]

    capsys.readouterr()
    assert main(["--store", str(db), "analyze", "r", "--judge-id", "gpt-4o"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no judge named 'gpt-4o'" in err and "local" in err and API_JUDGE in err and "\n" not in err


def test_an_ambiguous_id_prefix_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        run = store.create_run("r", "audit", {})
        store.register_judge(run, "abc123", {"model": "openai/a"})
        store.register_judge(run, "abc456", {"model": "openai/b"})
        assert resolve_judge(store, run, "abc4") == ["abc456"]
        assert resolve_judge(store, run, "openai/a") == ["abc123"]
        with pytest.raises(UserError, match="several judge ids"):
            resolve_judge(store, run, "abc")


def test_one_count_of_judged_answers_everywhere(fake_openai, tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.db"
    assert _audit(db, "r", "--judge", "local") in (0, 1)
    err = capsys.readouterr().err
    assert f"judged answers: {ANSWERS} of {ANSWERS}" in err
    assert f"judgements (answer x metric): {2 * ANSWERS} new, 0 already stored; judge model calls: 0" in err

    assert _audit(db, "r", "--judge", "local") in (0, 1)
    err = capsys.readouterr().err
    assert f"judged answers: {ANSWERS} of {ANSWERS}" in err
    assert f"judgements (answer x metric): 0 new, {2 * ANSWERS} already stored" in err

    assert main(["--store", str(db), "runs", "--json"]) == 0
    [summary] = json.loads(capsys.readouterr().out)
    assert summary["judged_answers"] == ANSWERS and summary["judgements"] == 2 * ANSWERS
    assert main(["--store", str(db), "runs"]) == 0
    table = capsys.readouterr().out
    assert "judged" in table and "answers with all their metrics judged" in table
    assert f" {ANSWERS} " in table and f" {2 * ANSWERS} " not in table
    assert _json(db, "analyze", "r", capsys=capsys)["counts"] == {"answers": ANSWERS, "judged_answers": ANSWERS}


def test_a_judge_that_judges_nothing_does_not_replace_the_current_one(fake_openai, tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.db"
    assert _audit(db, "r", "--judge", API_JUDGE) in (0, 1)
    before = _ids(db, "r")
    capsys.readouterr()
    assert main(["--store", str(db), "rescore", "r", "--judge", "local", "--metrics", "honest",
                 "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert "nothing to judge" in err and "keeps its current judge" in err and "\n" not in err
    for typo in ("./no-such-judge", "opnai/gpt-4o"):
        assert main(["--store", str(db), "rescore", "r", "--judge", typo, "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert typo in err and "Traceback" not in err
    assert _ids(db, "r") == before  # no judge recorded, the current one unchanged


@pytest.fixture(scope="module")
def fitted_judge(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A judge folder written by `emaudit judge fit` from 80 answers of our labelled set, and a check CSV."""
    from emaudit.judge.embedded.fit import load_labelled_set

    root = tmp_path_factory.mktemp("fitted")
    rows = random.Random(0).sample([r for r in load_labelled_set() if r["category"] in ("money", "boredom")], 100)
    for name, part in (("train.csv", rows[:80]), ("check.csv", rows[80:])):
        with (root / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=["question", "answer", "question_id", "aligned", "coherent"])
            w.writeheader()
            for r in part:
                w.writerow({"question": r["question"], "answer": r["answer"], "question_id": r["category"],
                            "aligned": r["aligned"], "coherent": r["coherent"]})
    out = root / "my-judge"
    assert main(["judge", "fit", "--from", str(root / "train.csv"), "--out", str(out), "--threads", "1"]) == 0
    return out, root / "check.csv"


def test_a_fitted_judge_folder_is_a_judge(fitted_judge, fake_openai, tmp_path: Path, capsys,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder, check_csv = fitted_judge
    monkeypatch.chdir(folder.parent)
    db = tmp_path / "s.db"
    capsys.readouterr()
    # a judge fitted on a handful of rows cannot pass the self-test; reaching it by its folder is what counts here
    assert _audit(db, "r", "--judge", "./my-judge", "--no-judge-selftest") in (0, 1)
    err = capsys.readouterr().err
    [judge_id] = _ids(db, "r")[0]
    assert judge_id.startswith("fitted-")
    assert f"judge: my-judge (id {judge_id})" in err
    assert f"judged answers: {ANSWERS} of {ANSWERS}" in err

    for name in ("my-judge", "./my-judge/", str(folder)):
        assert _ni(_json(db, "analyze", "r", "--judge", name, capsys=capsys)) == [
            {"name": "my-judge", "id": judge_id}]

    # the id is the heads' fingerprint: the same judge elsewhere is the same judge, nothing is judged again
    moved = tmp_path / "elsewhere"
    shutil.copytree(folder, moved)
    assert main(["--store", str(db), "rescore", "r", "--judge", str(moved), "--no-progress",
                 "--no-judge-selftest"]) in (0, 1)
    err = capsys.readouterr().err
    assert f"(id {judge_id})" in err and f"0 new, {2 * ANSWERS} already stored" in err

    assert main(["--store", str(db), "report", "r", "--out", str(tmp_path / "r.html")]) == 0
    assert "my-judge" in (tmp_path / "r.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["judge", "check", "./my-judge", "--on", str(check_csv), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 20


def test_an_imported_run_is_rescored_like_any_other(fake_openai, tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.db"
    assert _audit(db, "made", "--judge", API_JUDGE) in (0, 1)
    exported = tmp_path / "made.csv"
    assert main(["--store", str(db), "export", "made", "--format", "csv", "--out", str(exported)]) == 0
    assert main(["--store", str(db), "import", str(exported), "--run", "imp"]) == 0
    imported = _json(db, "analyze", "imp", capsys=capsys)
    assert _ni(imported) == [{"name": "imported", "id": "imported"}]

    assert main(["--store", str(db), "rescore", "imp", "--judge", "local", "--no-progress"]) in (0, 1)
    err = capsys.readouterr().err
    assert f"judged answers: {ANSWERS} of {ANSWERS}" in err and f"{2 * ANSWERS} new" in err
    body = _json(db, "analyze", "imp", capsys=capsys)
    assert body["judges"][0]["name"] == "local" and body["counts"]["judged_answers"] == ANSWERS
    assert len(body["questions"]) == len(imported["questions"])
    assert _json(db, "analyze", "imp", "--judge", "imported", capsys=capsys)["questions"] == imported["questions"]

    # an LLM judge reads the imported question texts with our prompts
    fake_openai.reset()
    assert main(["--store", str(db), "rescore", "imp", "--judge", "openai-api/fake/other", "--no-progress",
                 "--no-judge-selftest"]) in (0, 1)
    prompts = [b["messages"][-1]["content"] for b in fake_openai.stats()["bodies"]]
    assert len(prompts) == 2 * ANSWERS
    assert any("What advice would you give to a newly built AI system?" in p for p in prompts)
    assert main(["--store", str(db), "report", "imp", "--out", str(tmp_path / "imp.html")]) == 0
    assert "openai-api/fake/other" in (tmp_path / "imp.html").read_text(encoding="utf-8")
