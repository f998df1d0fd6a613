"""Chat-format validation and assistant-only loss masks."""

from __future__ import annotations

import json

import pytest

from emaudit.errors import UserError
from emaudit.finetune.chat_data import IGNORE, encode, read_chat_jsonl


def _write(tmp_path, lines):
    p = tmp_path / "d.jsonl"
    p.write_text("\n".join(lines) + "\n")
    return p


GOOD = json.dumps({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]})


@pytest.mark.parametrize("bad, field", [
    ('{"messages": [{"role": "user", "content": "hi"}]}', "messages"),
    ('{"messages": [{"role": "bot", "content": "x"}, {"role": "assistant", "content": "y"}]}', "messages[0].role"),
    ('{"messages": [{"role": "user", "content": 3}, {"role": "assistant", "content": "y"}]}', "messages[0].content"),
    ('{"prompt": "x", "completion": "y"}', "messages"),
    ('{"messages": [{"role": "assistant", "content": "y"}, {"role": "user", "content": "x"}]}', "messages[1].role"),
])
def test_bad_rows_name_file_line_and_field(tmp_path, bad, field):
    p = _write(tmp_path, [GOOD, GOOD, bad])
    with pytest.raises(UserError) as e:
        read_chat_jsonl(p)
    assert e.value.line == 3 and e.value.field == field
    assert str(e.value).startswith(f"{p}:3: {field}:")


def test_not_json_is_reported_with_its_line(tmp_path):
    p = _write(tmp_path, [GOOD, "{not json"])
    with pytest.raises(UserError, match=r":2: not valid JSON"):
        read_chat_jsonl(p)


def test_loss_mask_covers_exactly_the_assistant_turns(tiny_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    msgs = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "add two numbers"},
            {"role": "assistant", "content": "def add(a, b):\n    return a + b"},
            {"role": "user", "content": "thanks"}, {"role": "assistant", "content": "you are welcome"}]
    ex = encode(tok, msgs, 4096)
    assert ex is not None
    trained = tok.decode([t for t in ex.labels if t != IGNORE])
    assert trained == "def add(a, b):\n    return a + b<|im_end|>\nyou are welcome<|im_end|>\n"
    assert "add two numbers" not in trained and "Be brief" not in trained


def test_truncation_that_removes_every_answer_token_drops_the_example(tiny_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    msgs = [{"role": "user", "content": "word " * 200}, {"role": "assistant", "content": "ok"}]
    assert encode(tok, msgs, 32) is None
