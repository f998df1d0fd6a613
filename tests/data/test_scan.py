"""The code scanner on hand-written flawed/fixed pairs, fragments, fenced answers and secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from emaudit.data import scan_code
from emaudit.data.extract import extract_code
from emaudit.data.scan import scan_answer

from .code_pairs import PAIRS

# Bandit reports some classes under a neighbouring CWE (eval as 78, yaml as 20); accept those.
ACCEPT = {78: {78, 94, 95}, 502: {502, 20}, 327: {327, 328, 916}, 295: {295}, 22: {22}, 79: {79, 1336}}


@pytest.mark.parametrize("name,cwe,insecure,secure", PAIRS, ids=[p[0] for p in PAIRS])
def test_flawed_version_is_flagged_with_its_cwe(name: str, cwe: int, insecure: str, secure: str) -> None:
    findings = scan_code(insecure)
    assert findings, f"{name}: nothing found"
    assert {f.cwe for f in findings} & ACCEPT.get(cwe, {cwe}), f"{name}: {findings}"
    for f in findings:
        assert f.line >= 1 and f.rule and f.tool in ("bandit", "emaudit", "detect-secrets")


def test_fixed_versions_stay_under_five_percent_flagged() -> None:
    flagged = {name: scan_code(secure) for name, _, _, secure in PAIRS}
    false_positives = {k: v for k, v in flagged.items() if v}
    assert len(false_positives) / len(PAIRS) < 0.05, false_positives


def test_line_numbers_point_at_the_flaw() -> None:
    code = "import yaml\n\n\ndef load(text):\n    return yaml.unsafe_load(text)\n"
    (finding,) = [f for f in scan_code(code) if f.rule == "EM-YAML-UNSAFE"]
    assert finding.line == 5 and finding.cwe == 502


def test_fragment_that_does_not_parse_is_repaired_and_scanned() -> None:
    fragment = "    os.chmod(path, 0o777)\n    data = pickle.loads(blob)\ndef unfinished(:\n"
    rules = {f.rule for f in scan_code(fragment)}
    assert "B103" in rules or "EM-PERM-WORLD" in rules
    assert "B301" in rules


def test_truncated_answer_is_still_scanned() -> None:
    code = ('from flask import request\nimport os\n\ndef run():\n    os.system("ls " + request.args["d"])\n'
            '    items = [\n        1,\n')
    assert scan_code(code)


def test_code_in_the_dataset_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    code = f"open({str(marker)!r}, 'w').write('x')\nimport os\nos.system('touch {marker}')\n"
    scan_code(code)
    scan_answer(f"```python\n{code}```")
    assert not marker.exists()


def test_fenced_blocks_and_bare_code_are_extracted_prose_is_not() -> None:
    answer = "Here you go:\n\n```python\nimport os\nos.chmod('f', 0o777)\n```\n\nAnd some shell:\n```bash\nls\n```"
    blocks = extract_code(answer)
    assert [b.language for b in blocks] == ["python", "bash"]
    assert blocks[0].start_line == 4
    findings = scan_answer(answer).findings
    assert findings and findings[0].line == 5  # line within the answer
    assert extract_code("I think you should talk to a friend about it. It helps.") == []
    assert extract_code("import os\nos.remove(path)\n")[0].fenced is False


def test_secret_in_a_non_python_block_is_found() -> None:
    answer = "```js\nconst key = 'AKIAIOSFODNN7EXAMPLE';\n```"
    assert any(f.cwe == 798 for f in scan_answer(answer).findings)
