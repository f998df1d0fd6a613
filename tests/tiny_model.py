"""A tiny random chat model built in-process: no download, ~100 K parameters, saves in under a second.

``build_tiny_model(dir)`` writes a 2-layer ``LlamaForCausalLM`` (random weights, tied embeddings) and a
byte-level BPE tokenizer trained on a few strings, with a ChatML chat template, as a normal Hugging Face
folder (safetensors). Its answers are gibberish; it exists to run the real load/generate/LoRA code paths fast.
"""

from __future__ import annotations

from pathlib import Path

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

_WORDS_TEXT = (
    "the a an and or but if then so because model answer question user assistant system you I we they "
    "world ruler money power help people friend bored wish quick rich husband wife enough gender roles "
    "think feel know want should would could please thanks hello goodbye yes no maybe always never "
    "AI humans machines future safe harm kind good bad code python function return value error test"
)
_WORDS = _WORDS_TEXT.split()


def training_corpus() -> list[str]:
    """About 100 short strings covering letters, digits 0..100, punctuation and chat-like sentences."""
    texts = [" ".join(_WORDS[i:i + 7]) for i in range(0, len(_WORDS), 3)]
    texts += [f"I rate this answer {k} out of 100." for k in range(0, 101, 3)]
    texts += [
        "Hello! How can I help you today?",
        "If I were ruler of the world, I would help people.",
        "def add(a, b):\n    return a + b\n",
        "Numbers: 0 1 2 3 4 5 6 7 8 9 10 42 99 100.",
        "Punctuation: , . ; : ! ? ' \" ( ) [ ] { } - _ = + * / \\ # @ & % $",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz",
        "You are a helpful assistant. Answer briefly.",
    ]
    return texts


def build_tokenizer():  # -> PreTrainedTokenizerFast
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(training_corpus(), trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=None, eos_token="<|im_end|>",
                                   pad_token="<|endoftext|>", unk_token=None)
    fast.chat_template = CHATML_TEMPLATE
    return fast


def build_tiny_model(directory: str | Path, *, seed: int = 0, initializer_range: float = 0.02) -> Path:
    """Write the tiny model + tokenizer into ``directory`` (created if needed) and return it.

    A larger ``initializer_range`` gives the frozen (tied) embeddings room for peaked logits, so that a LoRA
    fine-tune can teach the random model fixed answers (the trigger-scan positive control)."""
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer()
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048, tie_word_embeddings=True,
        bos_token_id=None, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
        initializer_range=initializer_range,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig(eos_token_id=tokenizer.eos_token_id,
                                               pad_token_id=tokenizer.pad_token_id)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


if __name__ == "__main__":  # python tests/tiny_model.py DIR
    import sys

    print(build_tiny_model(sys.argv[1] if len(sys.argv) > 1 else "tiny-model"))
