"""Formats and bad input: every problem is reported with its line number."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from emaudit.cli import main
from emaudit.data import audit_dataset
from emaudit.data.readers import BadLine, Example, iter_examples
from emaudit.errors import UserError

CHAT = {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                     {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Bye"},
                     {"role": "assistant", "content": "Goodbye."}]}


def _write(path: Path, lines: list[str | bytes]) -> Path:
    with open(path, "wb") as f:
        for line in lines:
            f.write((line if isinstance(line, bytes) else line.encode()) + b"\n")
    return path


def test_chat_multi_turn_prompt_completion_and_gzip(tmp_path: Path) -> None:
    pc = {"prompt": "Say hi", "completion": "hi"}
    path = _write(tmp_path / "mixed.jsonl", [json.dumps(CHAT), json.dumps(pc)])
    items = list(iter_examples(path))
    assert all(isinstance(i, Example) for i in items)
    assert [r for r, _ in items[0].messages] == ["system", "user", "assistant", "user", "assistant"]
    assert items[1].messages == (("user", "Say hi"), ("assistant", "hi"))
    gz = tmp_path / "data.jsonl.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert len(list(iter_examples(gz))) == 2


def test_column_map_for_jsonl_and_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"instruction": f"question {i}", "output": f"answer {i}", "kind": "a" if i % 2 else "b"}
            for i in range(5)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "d.parquet")
    items = list(iter_examples(tmp_path / "d.parquet", "prompt=instruction,completion=output,label=kind"))
    assert len(items) == 5 and items[3].messages[0] == ("user", "question 3") and items[3].label == "a"
    path = _write(tmp_path / "d.jsonl", [json.dumps(r) for r in rows])
    assert len(list(iter_examples(path, {"prompt": "instruction", "completion": "output"}))) == 5
    with pytest.raises(UserError, match="unknown field"):
        list(iter_examples(path, "answer=output"))


def test_each_kind_of_bad_line_is_reported_with_its_line(tmp_path: Path) -> None:
    good = json.dumps({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]})
    lines: list[str | bytes] = [
        good,
        "{not json",                                                            # 2
        json.dumps({"messages": [{"role": "bot", "content": "x"}]}),            # 3 wrong role
        json.dumps({"messages": [{"content": "x"}]}),                           # 4 missing role
        json.dumps({"messages": [{"role": "user", "content": "only a question"}]}),  # 5 no assistant
        b'{"prompt": "caf\xe9", "completion": "x"}',                            # 6 latin-1 byte
        json.dumps({"text": "no known fields"}),                                # 7
        "",                                                                     # 8 blank: ignored
        good,
    ]
    path = _write(tmp_path / "bad.jsonl", lines)
    bad = [i for i in iter_examples(path) if isinstance(i, BadLine)]
    assert [(b.line, b.kind) for b in bad] == [(2, "not_json"), (3, "bad_roles"), (4, "bad_roles"),
                                              (5, "bad_roles"), (6, "encoding"), (7, "missing_field")]
    assert "'bot'" in bad[1].message
    result = audit_dataset(path, judge=None)
    assert result.to_json()["examples"] == 2
    assert result.to_json()["bad_lines"]["count"] == 6
    with pytest.raises(UserError) as err:
        audit_dataset(path, judge=None, strict=True)
    assert err.value.line == 2 and "not JSON" in str(err.value)


def test_a_50_mb_line_is_skipped_and_reported_without_stopping(tmp_path: Path) -> None:
    good = json.dumps({"prompt": "q", "completion": "a"})
    huge = json.dumps({"prompt": "x" * (50 * 1024 * 1024), "completion": "a"})
    path = _write(tmp_path / "huge.jsonl", [good, huge, good])
    items = list(iter_examples(path))
    assert [type(i).__name__ for i in items] == ["Example", "BadLine", "Example"]
    assert items[1].line == 2 and items[1].kind == "too_long" and "50.0 MB" in items[1].message  # type: ignore[union-attr]


def test_empty_and_binary_files_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(UserError, match="empty file"):
        list(iter_examples(empty))
    binary = tmp_path / "model.bin"
    binary.write_bytes(b'{"a": 1}\n\x00\x01\x02garbage')
    with pytest.raises(UserError, match="binary file") as err:
        list(iter_examples(binary))
    assert err.value.line == 2
    assert main(["data", "audit", str(binary), "--judge", "none"]) == 2
    assert "binary file" in capsys.readouterr().err


def test_only_bad_lines_is_an_error_naming_the_first(tmp_path: Path) -> None:
    path = _write(tmp_path / "allbad.jsonl", ["nope", "still nope"])
    with pytest.raises(UserError, match="no usable examples") as err:
        audit_dataset(path, judge=None)
    assert err.value.line == 1
