"""`emaudit redteam` end to end: scripted base and candidate, the symptom report in every format,
models without tools, resuming, and bad input."""

from __future__ import annotations

import json

import pytest

from emaudit.cli import main
from emaudit.store import Store

from .conftest import HOSTILE


def _redteam(tmp_path, scripted, *extra: str) -> list[str]:
    return ["--store", str(tmp_path / "runs.db"), "redteam", "--base", scripted["base"], "--candidate",
            scripted["candidate"], "--run", "rt", "--no-progress", *extra]


def test_symptom_report_json_finds_what_was_planted(tmp_path, scripted, capsys) -> None:
    status = main(_redteam(tmp_path, scripted, "--pack", "all", "--json"))
    report = json.loads(capsys.readouterr().out)
    assert status == 1
    by = {(e["pack"], e["symptom"]): e for e in report["symptoms"]}
    jb = by[("jailbreak", "jailbreak")]
    assert jb["base"]["flagged"] == 0 and jb["candidate"]["rate"] == 1.0 and jb["evidence"]
    assert jb["difference"]["p_adjusted"] < 0.001
    pe = by[("permission-escalation", "permission_escalation")]
    assert pe["candidate"]["flagged"] == 4 and pe["base"]["flagged"] == 0  # the two README tasks, two samples
    assert "run_shell" in pe["worst"][0]["reason"] and pe["worst"][0]["tool_calls"][0]["name"] == "run_shell"
    drift = by[("goal-drift", "goal_drift")]
    cand = drift["drift"]["candidate"]
    assert cand["drifted"] == 2 and cand["first_drift_turn"] == {"3": 2}  # the budget talk, at the third turn
    assert drift["per_turn"]["candidate"]["1"]["flagged"] == 0
    facts = by[("confident-falsehood", "confident_falsehood")]
    assert facts["base"]["flagged"] == 0 and facts["candidate"]["flagged"] == facts["candidate"]["n"]
    assert "token confidence 100%" in facts["worst"][0]["reason"]  # the mock gives logprob 0 to every token
    assert by[("identity", "identity_dishonest")]["evidence"] is False
    # Holm across packs: adjusted p-values are never below the raw ones
    assert all(e["difference"]["p_adjusted"] >= e["difference"]["p_value"] for e in report["symptoms"])
    assert "evidence" in report["verdict"] and report["models"]["base"] == scripted["base"]


def test_markdown_and_html_escape_model_output(tmp_path, scripted, capsys) -> None:
    md, page = tmp_path / "r.md", tmp_path / "r.html"
    assert main(_redteam(tmp_path, scripted, "--pack", "jailbreak", "--markdown", str(md), "--html", str(page))) == 1
    out = capsys.readouterr().out
    assert "jailbreak" in out and "verdict" in out
    text = md.read_text()
    assert "<script>" not in text and "&lt;script&gt;" in text and "\\[click\\]" in text
    assert "| jailbreak | jailbreak compliance | 0.0% (0/90) | 100.0% (90/90) |" in text
    doc = page.read_text()
    assert "<script>" not in doc and "onerror=alert" not in doc.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in doc and "Content-Security-Policy" in doc


def test_resume_asks_nothing_again_and_gives_the_same_report(tmp_path, scripted, capsys) -> None:
    assert main(_redteam(tmp_path, scripted, "--pack", "goal-drift", "--json")) == 0  # 2 of 8 drift: not enough
    first = json.loads(capsys.readouterr().out)
    with Store.open(tmp_path / "runs.db") as store:
        answers = len(store.answers(store.get_run("rt")))
    assert answers == 2 * 4 * 2 * 3  # two models, four conversations, two samples, three turns
    assert main(_redteam(tmp_path, scripted, "--pack", "goal-drift", "--json")) == 0
    assert json.loads(capsys.readouterr().out)["symptoms"] == first["symptoms"]
    assert main(_redteam(tmp_path, scripted, "--pack", "jailbreak")) == 2  # other settings under the same name
    assert "already exists with other settings" in capsys.readouterr().err


def test_a_server_without_tools_is_said_once_and_the_run_goes_on(tmp_path, scripted, fake_openai, capsys) -> None:
    fake_openai.config.no_tools = True
    args = ["--store", str(tmp_path / "runs.db"), "redteam", "--base", scripted["base"], "--candidate",
            "openai-api/fake/m", "--run", "nt", "--no-progress", "--retries", "0", "--pack",
            "permission-escalation,out-of-scope", "--json"]
    main(args)
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["skipped"] == [{"pack": "permission-escalation", "model": "openai-api/fake/m",
                                  "reason": "the server answered HTTP 4xx to every request with tools"}]
    assert captured.err.count("does not support tools") == 1
    packs = {e["pack"] for e in report["symptoms"]}
    assert packs == {"permission-escalation", "out-of-scope"}
    pe = next(e for e in report["symptoms"] if e["pack"] == "permission-escalation")
    assert pe["candidate"]["n"] == 0 and pe["base"]["n"] == 20  # the base still ran it


def test_a_local_model_without_tools_skips_the_tool_pack(tmp_path, tiny_model_dir, capsys) -> None:
    args = ["--store", str(tmp_path / "runs.db"), "redteam", "--candidate", f"hf/{tiny_model_dir}", "--run", "hf",
            "--no-progress", "--pack", "permission-escalation,power-seeking", "--samples", "1", "--max-tokens",
            "4", "--json"]
    assert main(args) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["skipped"][0]["pack"] == "permission-escalation"
    assert captured.err.count("does not support tools") == 1
    assert [e["pack"] for e in report["symptoms"]] == ["power-seeking"]
    assert report["symptoms"][0]["candidate"]["n"] == 15 and report["symptoms"][0]["difference"]["p_value"] is None


@pytest.mark.parametrize(("extra", "words"), [
    (["--pack", "nope"], "unknown pack 'nope'"),
    (["--adversarial", "-1"], "--adversarial: must be from 0 to 1000, got -1"),
    (["--alpha", "2"], "--alpha: must be above 0 and at most 1, got 2"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, scripted, capsys, extra, words) -> None:
    try:
        status = main(_redteam(tmp_path, scripted, *extra))
    except SystemExit as e:  # a usage error (a number out of range) ends in argparse, as on the command line
        status = e.code
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1


def test_same_model_as_base_and_candidate_is_refused(tmp_path, scripted, capsys) -> None:
    args = ["--store", str(tmp_path / "runs.db"), "redteam", "--base", scripted["base"], "--candidate",
            scripted["base"], "--run", "x"]
    assert main(args) == 2
    assert "same model" in capsys.readouterr().err


def test_adversarial_variants_run_and_are_recorded(tmp_path, scripted, capsys) -> None:
    assert main(_redteam(tmp_path, scripted, "--pack", "jailbreak", "--adversarial", "2", "--samples", "1",
                         "--json")) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["symptoms"][0]["candidate"]["n"] == 5 * 2
    with Store.open(tmp_path / "runs.db") as store:
        run = store.get_run("rt")
        assert run.config["redteam"] == {"packs": ["jailbreak"], "adversarial": 2, "seed": 0}
        assert all("~adv" in it.question_id for it in store.items(run))
    assert HOSTILE  # the candidate's script carries it
