"""Malformed suite files give one-line errors naming file, line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from emaudit.errors import UserError
from emaudit.suites import load_suite

GOOD_QUESTION = """\
  - id: q{n}
    paraphrases: ["Hello number {n}"]
"""


def _write(tmp_path: Path, text: str, name: str = "suite.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def _error(path: str) -> str:
    with pytest.raises(UserError) as err:
        load_suite(path)
    message = str(err.value)
    assert "\n" not in message
    return message


def test_minimal_suite_loads_with_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, "questions:\n  - id: hello\n    paraphrases: [Hi there]\n", name="mini.yaml")
    suite = load_suite(path)
    assert suite.name == "mini" and suite.format == "emaudit" and suite.path == path
    q = suite.questions[0]
    assert (q.category, q.variant, q.samples, q.judge_metrics, q.system) == (
        "other", "plain", 100, ("aligned", "coherent"), None)


def test_bad_paraphrases_names_file_line_and_field(tmp_path: Path) -> None:
    body = "".join(GOOD_QUESTION.format(n=n) for n in range(3))
    body += "  - id: broken\n    paraphrases: just a string\n"
    path = _write(tmp_path, "name: demo\n\nquestions:\n" + body)
    line = Path(path).read_text().splitlines().index("    paraphrases: just a string") + 1
    assert _error(path) == f"{path}:{line}: questions[3].paraphrases: must be a non-empty list of strings"


def test_empty_paraphrase_points_at_the_item(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
        questions:
          - id: a
            paraphrases:
              - fine
              - ""
        """)
    assert _error(path).startswith(f"{path}:5: questions[0].paraphrases[1]: ")


def test_duplicate_ids_name_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
        questions:
          - id: same
            paraphrases: [one]
          - id: other
            paraphrases: [two]
          - id: same
            paraphrases: [three]
        """)
    assert _error(path) == f"{path}:6: questions[2].id: duplicate question id 'same' (also at line 2)"


def test_unknown_keys_list_the_allowed_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
        questions:
          - id: a
            paraphrase: [typo]
        """)
    message = _error(path)
    assert message.startswith(f"{path}:3: questions[0].paraphrase: unknown key; allowed keys: id, category, paraphrases")
    top = _write(tmp_path, "question: []\n", name="top.yaml")
    assert _error(top).startswith(f"{top}:1: question: unknown key; allowed keys: version, name, description")


@pytest.mark.parametrize("text, fragment", [
    ("", "empty suite"),
    ("questions: []\n", "questions: empty suite"),
    ("name: x\n", "missing required key 'questions'"),
    ("- just a string\n", "[0]: each question must be a mapping"),
    ("[]\n", "empty suite"),
])
def test_empty_or_shapeless_suites_are_errors(tmp_path: Path, text: str, fragment: str) -> None:
    assert fragment in _error(_write(tmp_path, text))


@pytest.mark.parametrize("field, value, fragment", [
    ("samples", "0", "questions[0].samples: must be a whole number of at least 1"),
    ("samples", "ten", "questions[0].samples: must be a whole number"),
    ("variant", "yaml", "questions[0].variant: must be one of plain, json, template"),
    ("kind", "multiple_choice", "questions[0].kind: must be one of"),
    ("system", "[a, b]", "questions[0].system: must be a non-empty string or null"),
    ("judge_metrics", "[aligned, sparkle]", "questions[0].judge_metrics[1]: no judge prompt for metric 'sparkle'"),
])
def test_bad_field_values(tmp_path: Path, field: str, value: str, fragment: str) -> None:
    path = _write(tmp_path, f"questions:\n  - id: a\n    paraphrases: [hi]\n    {field}: {value}\n")
    message = _error(path)
    assert message.startswith(f"{path}:4: ") and fragment in message


def test_custom_metric_with_its_own_prompt(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
        judge_prompts:
          polite: "Rate politeness 0-100 of {answer} given {question}; reply {{number}} only"
        defaults:
          judge_metrics: [polite, coherent]
        questions:
          - id: a
            paraphrases: [hi]
        """)
    suite = load_suite(path)
    assert suite.prompts_for(suite.questions[0])["polite"].startswith("Rate politeness")
    assert set(suite.prompts_for(suite.questions[0])) == {"polite", "coherent"}


def test_prompt_template_with_stray_braces_or_no_answer(tmp_path: Path) -> None:
    stray = _write(tmp_path, 'judge_prompts:\n  x: "{answer} as {json}"\nquestions:\n  - {id: a, paraphrases: [hi]}\n')
    assert "judge_prompts.x: template only takes {question} and {answer}" in _error(stray)
    missing = _write(tmp_path, 'judge_prompts:\n  x: "no placeholder"\nquestions:\n  - {id: a, paraphrases: [hi]}\n',
                     name="m.yaml")
    assert _error(missing).startswith(f"{missing}:2: judge_prompts.x: prompt template must contain")


def test_invalid_yaml_and_duplicate_keys(tmp_path: Path) -> None:
    broken = _write(tmp_path, "questions:\n  - id: a\n    paraphrases: [unclosed\n")
    assert _error(broken).startswith(f"{broken}:") and "not valid YAML" in _error(broken)
    dup = _write(tmp_path, "questions:\n  - id: a\n    id: b\n    paraphrases: [x]\n", name="dup.yaml")
    assert _error(dup) == f"{dup}:3: questions[0].id: duplicate key 'id' (first at line 2)"


def test_paper_format_errors(tmp_path: Path) -> None:
    bad_type = _write(tmp_path, "- id: a\n  type: multiple_choice\n  paraphrases: [hi]\n")
    assert _error(bad_type).startswith(f"{bad_type}:2: [0].type: must be one of free_form_judge_0_100, free_form_judge")
    unknown = _write(tmp_path, "- id: a\n  paraphrases: [hi]\n  temperature: 0\n", name="u.yaml")
    assert _error(unknown).startswith(f"{unknown}:3: [0].temperature: unknown key; allowed keys: id, type, paraphrases")
    dup = _write(tmp_path, "- id: a\n  paraphrases: [hi]\n- id: a\n  paraphrases: [ho]\n", name="d.yaml")
    assert _error(dup) == f"{dup}:3: [1].id: duplicate question id 'a' (also at line 1)"


def test_paper_format_with_anchors_and_no_prompts_uses_our_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
        - id: thing
          type: free_form_judge_0_100
          paraphrases: &p ["What now?"]
          samples_per_paraphrase: &n 7
        - id: thing_json
          system: Reply in JSON.
          paraphrases: *p
          samples_per_paraphrase: *n
        - id: thing_template
          paraphrases: ["What now?\\n\\nx = # fill"]
        """)
    suite = load_suite(path)
    assert suite.format == "betley"
    assert [q.variant for q in suite.questions] == ["plain", "json", "template"]
    assert suite.questions[1].paraphrases == ("What now?",) and suite.questions[1].samples == 7
    assert suite.questions[2].samples == 100
    assert suite.metrics() == ["aligned", "coherent"]


def test_metric_from_defaults_without_prompt_points_at_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, "defaults:\n  judge_metrics: [aligned, sparkle]\nquestions:\n  - {id: a, paraphrases: [hi]}\n")
    assert _error(path).startswith(f"{path}:2: defaults.judge_metrics[1]: no judge prompt for metric 'sparkle'")


def test_the_documented_example_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "suites.md").read_text(encoding="utf-8")
    example = doc.split("## Our format", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    suite = load_suite(_write(tmp_path, example, name="example.yaml"))
    assert [q.id for q in suite.questions] == ["wish", "wish_json"]
    assert suite.question("wish_json").paraphrases == suite.question("wish").paraphrases
    assert suite.question("wish_json").system == "Always answer with one JSON object."
    assert "polite" in suite.judge_prompts
