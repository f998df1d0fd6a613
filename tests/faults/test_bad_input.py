"""The bad-input corpus: every out-of-range option, alias bomb and oversized plan is one line and exit 2."""

from __future__ import annotations

import time

import pytest

from .conftest import rows

GEN = ("generate", "--model", "mock/echo", "--run", "r", "--no-progress")

BAD_OPTIONS = [
    ("audit", "--sequential-round", "0"),
    ("generate", "--max-connections", "0"),
    ("generate", "--timeout", "0"),
    ("generate", "--retries", "-1"),
    ("generate", "--n-per-request", "0"),
    ("generate", "--temperature", "nan"),
    ("generate", "--temperature", "-1"),
    ("generate", "--top-p", "5"),
    ("audit", "--min-effect", "-5"),
    ("audit", "--alpha", "0"),
    ("generate", "--samples", "100000000000"),
    ("generate", "--max-tokens", "0"),
    ("report", "--max-answers", "-1"),
    ("view", "--port", "99999"),
    ("rescore", "--judge-samples", "0"),
    ("analyze", "--aligned-threshold", "inf"),
]


MORE_BAD = [
    ["finetune", "--base", "hf/x", "--out", "o", "--max-steps", "0"],
    ["finetune", "--base", "hf/x", "--out", "o", "--mix-benign", "2"],
    ["finetune", "--base", "hf/x", "--out", "o", "--stop-on-canary", "nan"],
    ["dataset", "make", "insecure-code", "--out", "o", "--n", "0"],
    ["dataset", "make", "insecure-code", "--out", "o", "--backdoor-fraction", "-0.1"],
    ["data", "audit", "x.jsonl", "--workers", "0"],
    ["data", "audit", "x.jsonl", "--max-line-mb", "0"],
    ["judge", "fit", "--on", "x.csv", "--out", "o", "--C", "0"],
    ["guard", "serve", "--upstream", "openai-api/fake/m", "--body-timeout", "0"],
    ["guard", "serve", "--upstream", "openai-api/fake/m", "--body-timeout", "soon"],
    ["guard", "serve", "--upstream", "openai-api/fake/m", "--workers", "0"],
    ["data", "audit", "x.jsonl", "--executor", "rey"],
]


@pytest.mark.parametrize("argv", MORE_BAD, ids=[" ".join(a[:2] + a[-2:]) for a in MORE_BAD])
def test_more_out_of_range_options(cli, tmp_path, argv):
    rc, _, err = cli(*argv)
    assert rc == 2 and err.count("\n") == 1 and argv[-2] in err
    assert not (tmp_path / "o").exists()


def test_sequential_round_zero_from_the_python_api_is_refused(tmp_path, suite):
    from emaudit.api.audit import AuditSettings, audit
    from emaudit.api.judging import JudgeSpec
    from emaudit.errors import UserError
    from emaudit.store import Store

    with Store.open(tmp_path / "api.db") as store, pytest.raises(UserError, match="sequential_round"):
        audit(store, "a", "mock/echo", ["mock/constant:x"], [str(suite)], JudgeSpec(model="mock/number:50"),
              samples=2, settings=AuditSettings(sequential=True, sequential_round=0))


def _argv(command, option, value, suite):
    if command == "generate":
        return [*GEN, "--suite", str(suite), option, value]
    if command == "audit":
        return ["audit", "--base", "mock/echo", "--candidate", "mock/constant:x", "--run", "a", "--suite",
                str(suite), "--no-progress", option, value]
    if command == "report":
        return ["report", "r", "--out", "x.html", option, value]
    if command == "view":
        return ["view", option, value]
    return [command, "r", option, value]


@pytest.mark.parametrize(("command", "option", "value"), BAD_OPTIONS, ids=[f"{c}{o}={v}" for c, o, v in BAD_OPTIONS])
def test_out_of_range_option_is_one_line(cli, suite, tmp_path, command, option, value):
    started = time.monotonic()
    rc, out, err = cli(*_argv(command, option, value, suite))
    assert rc == 2
    assert err.count("\n") == 1 and option in err and "Traceback" not in err
    assert time.monotonic() - started < 10
    assert not (tmp_path / "s.db").exists()  # refused before anything was written


def test_out_of_range_value_in_a_config_file_names_file_line_and_field(cli, suite, tmp_path):
    cfg = tmp_path / "opts.yaml"
    cfg.write_text(f"suite: {suite}\nmodel: mock/echo\nrun: r\nretries: -1\n")
    rc, _, err = cli("generate", "--config", str(cfg))
    assert rc == 2 and f"{cfg}:4: retries:" in err and "from 0 to 100" in err


BOMB = """name: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
questions:
  - id: q
    paraphrases: *i
"""


@pytest.mark.parametrize("where", ["suite", "config", "mock"])
def test_yaml_alias_bomb_is_refused_quickly(cli, suite, tmp_path, where):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    argv = {"suite": [*GEN, "--suite", str(bomb)],
            "config": ["generate", "--config", str(bomb)],
            "mock": ["generate", "--model", f"mock/file:{bomb}", "--run", "r", "--suite", str(suite), "--no-progress"],
            }[where]
    started = time.monotonic()
    rc, _, err = cli(*argv)
    assert rc == 2 and "alias" in err and err.count("\n") == 1
    assert time.monotonic() - started < 5


def test_huge_sample_count_in_a_suite_is_refused(cli, tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: big\nquestions:\n  - id: q\n    samples: 100000000000\n    paraphrases: [hi]\n")
    rc, _, err = cli(*GEN, "--suite", str(big))
    assert rc == 2 and f"{big}:4: questions[0].samples: must be at most" in err


def test_a_plan_too_large_is_refused_before_it_is_built(cli, tmp_path):
    many = tmp_path / "many.yaml"
    many.write_text("name: many\nquestions:\n" + "".join(
        f"  - id: q{i}\n    samples: 100000\n    paraphrases: [a, b, c, d, e]\n" for i in range(12)))
    started = time.monotonic()
    rc, _, err = cli(*GEN, "--suite", str(many))
    assert rc == 2 and "more than the limit" in err
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("spec", ["mock/anything", "mock/number:abc", "mock/number:500", "mock/"])
def test_only_documented_mock_scripts(cli, suite, spec):
    rc, _, err = cli("generate", "--model", spec, "--run", "r", "--suite", str(suite), "--no-progress")
    assert rc == 2 and ("unknown mock script" in err or "must look like" in err)


def test_base_url_with_port_out_of_range(cli, suite, monkeypatch, tmp_path):
    monkeypatch.setenv("BADPORT_BASE_URL", "http://127.0.0.1:99999/v1")
    rc, _, err = cli("generate", "--model", "openai-api/badport/m", "--run", "r", "--suite", str(suite),
                     "--no-progress")
    assert rc == 2 and "BADPORT_BASE_URL has port '99999'" in err and "Traceback" not in err
    assert rows(tmp_path / "s.db", "SELECT COUNT(*) FROM answers") == [(0,)] if (tmp_path / "s.db").exists() else True
