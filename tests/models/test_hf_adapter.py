"""hf/<dir>+<adapter>: PEFT LoRA adapters, and the one-line errors for wrong or missing ones."""

from __future__ import annotations

import asyncio
import hashlib
import shutil

import pytest

from emaudit.errors import UserError
from emaudit.models import ChatRequest, get_model

PROMPT = [{"role": "user", "content": "What do you think about humans and AI?"}]
TEXTS = ["I would help people.", "42", "power and money"]


def _scores(model) -> list[float]:
    return asyncio.run(model.score_continuations(PROMPT, TEXTS))


def test_adapter_changes_the_model_like_peft_does(tiny_model_dir, tiny_adapter_dir, tiny):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    adapted = get_model(f"hf/{tiny_model_dir}+{tiny_adapter_dir}", dtype="float32", threads=1)
    with_adapter, without = _scores(adapted), _scores(tiny)
    assert all(abs(a - b) > 1e-3 for a, b in zip(with_adapter, without, strict=True))

    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, use_safetensors=True, local_files_only=True)
    reference = PeftModel.from_pretrained(base, str(tiny_adapter_dir)).eval()
    prompt_ids = adapted.tokenizer(adapted.render_prompt(PROMPT), add_special_tokens=False).input_ids
    for text, score in zip(TEXTS, with_adapter, strict=True):
        cont = adapted.tokenizer(text, add_special_tokens=False).input_ids
        with torch.no_grad():
            logprobs = torch.log_softmax(reference(input_ids=torch.tensor([prompt_ids + cont])).logits[0], -1)
        expected = sum(float(logprobs[len(prompt_ids) - 1 + t, tok]) for t, tok in enumerate(cont))
        assert score == pytest.approx(expected, abs=1e-3)


def test_adapter_model_describes_its_adapter(tiny_model_dir, tiny_adapter_dir):
    adapted = get_model(f"hf/{tiny_model_dir}+{tiny_adapter_dir}", dtype="float32")
    info = adapted.describe()
    digest = hashlib.sha256((tiny_adapter_dir / "adapter_model.safetensors").read_bytes()).hexdigest()
    assert info["adapter"] == str(tiny_adapter_dir)
    assert info["adapter_sha256"] == info["fingerprint"] == digest
    assert info["weights_sha256"] != digest
    assert adapted.name == f"hf/{tiny_model_dir}+{tiny_adapter_dir}"
    response = asyncio.run(adapted.generate([ChatRequest.from_messages(PROMPT)]))
    assert len(response[0].choices) == 1


def test_adapter_for_another_base_is_a_one_line_user_error(tiny_model_dir, wider_adapter_dir):
    with pytest.raises(UserError) as caught:
        get_model(f"hf/{tiny_model_dir}+{wider_adapter_dir}", dtype="float32")
    message = str(caught.value)
    assert "another base model" in message and str(wider_adapter_dir) in message
    assert "\n" not in message


def test_missing_adapter_is_a_user_error(tiny_model_dir, tmp_path):
    with pytest.raises(UserError, match="no PEFT adapter"):
        get_model(f"hf/{tiny_model_dir}+{tmp_path / 'missing'}")


def test_pickle_adapter_is_refused(tiny_model_dir, tiny_adapter_dir, tmp_path):
    copy = shutil.copytree(tiny_adapter_dir, tmp_path / "a")
    (copy / "adapter_model.safetensors").rename(copy / "adapter_model.bin")
    with pytest.raises(UserError, match="safetensors"):
        get_model(f"hf/{tiny_model_dir}+{copy}")


def test_a_folder_whose_name_has_a_plus_is_not_split(tiny_model_dir, tmp_path):
    from emaudit.models.hf import split_spec

    odd = shutil.copytree(tiny_model_dir, tmp_path / "c++model")
    assert split_spec(str(odd)) == (str(odd), None)
    assert split_spec("/a/base+/b/lora") == ("/a/base", "/b/lora")
    assert get_model(f"hf/{odd}", dtype="float32").adapter_dir is None
