"""Local transformers models: ``hf/<path>[+<adapter>]``.

``<path>`` is a Hugging Face model folder (safetensors weights, a tokenizer with a chat template) or a
built-in name (``hf/smollm2-135m-instruct``, see ``emaudit.models.builtin``); ``+<adapter>`` adds a PEFT
(LoRA) adapter folder, merged into the weights at load time.

Generation batches requests (left padding, one prefill per distinct prompt) and samples with one
``torch.Generator`` per completion, so a seeded request gives the same text whatever it is batched with
(up to floating-point noise from padding). Work runs in a worker thread, one call at a time per process.

Options (``get_model("hf/...", **options)``): ``dtype`` (auto|bfloat16|float32|float16; auto = bf16 on a
GPU or a CPU with native bf16, else float32), ``threads`` (CPU threads; default ``$EMAUDIT_THREADS`` or
torch's default), ``batch_size`` (completions decoded together, default 16), ``device`` (cpu|cuda|...).
"""

from __future__ import annotations

import os

# Must happen before torch is first imported: with a busy CPU, OpenMP's spin-wait makes 2 threads slower
# than 1 (see benchmarks/README.md). Offline: weights only ever come from local folders.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import asyncio  # noqa: E402
import hashlib  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from ..errors import ModelError, UserError  # noqa: E402
from .base import (  # noqa: E402
    ChatRequest,
    ChatResponse,
    Completion,
    GenerationConfig,
    Message,
    Model,
    TokenLogprob,
    TopLogprob,
    Usage,
)

DEFAULT_BATCH_SIZE = 16
DEFAULT_TOP_LOGPROBS = 20
SCORE_BATCH_SIZE = 128  # continuations scored together; each is short (judge numbers, canary strings)
NUMBER_RANGE = range(0, 101)

# One model computes at a time in this process: local models share the same cores or GPU.
_DEVICE_LOCK = threading.Lock()


def from_spec(rest: str, **options: Any) -> HFModel:
    """``get_model`` factory for ``hf/<path>[+<adapter>]``."""
    path_text, adapter_text = split_spec(rest)
    return HFModel(path_text, adapter_text, **options)


def split_spec(rest: str) -> tuple[str, str | None]:
    """``"dir+adapter"`` -> ``("dir", "adapter")``; a path that exists as written is never split."""
    if "+" not in rest or Path(rest).expanduser().exists():
        return rest, None
    base, _, adapter = rest.rpartition("+")
    if not base or not adapter:
        raise UserError(f"model 'hf/{rest}' must look like hf/<path>[+<adapter path>]", field="model")
    return base, adapter


def check_local_spec(rest: str) -> None:
    """What ``HFModel`` would refuse, found on disk without loading anything."""
    path_text, adapter_text = split_spec(rest)
    resolve_model_dir(path_text)
    if adapter_text:
        resolve_adapter_dir(adapter_text)


def resolve_adapter_dir(text: str) -> Path:
    """A PEFT adapter folder, or the ``adapter/`` folder that ``emaudit finetune --out DIR`` writes in DIR."""
    path = Path(text).expanduser()
    if not (path / "adapter_config.json").is_file() and (path / "adapter" / "adapter_config.json").is_file():
        path = path / "adapter"
    return HFModel._check_adapter(path)


def resolve_model_dir(name: str) -> Path:
    """A built-in name's cached folder, or the given folder; ``UserError`` when neither exists."""
    from .builtin import BUILTIN_MODELS, resolve_local_model

    builtin = resolve_local_model(name)
    if builtin is not None:
        return builtin
    path = Path(name).expanduser()
    if not path.is_dir():
        raise UserError(f"no local model folder at {path} (and not a built-in name: "
                        f"{', '.join(BUILTIN_MODELS)})", field="model")
    if not (path / "config.json").is_file():
        raise UserError(f"{path} has no config.json; expected a Hugging Face model folder", field="model")
    if not any(path.glob("*.safetensors")):
        raise UserError(f"{path} has no *.safetensors weights (other weight formats are not loaded)",
                        field="model")
    return path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint_dir(path: Path, pattern: str = "*.safetensors") -> str:
    """sha256 of a folder's weight files (one file: its own sha256; several: hash of name:hash lines)."""
    files = sorted(path.glob(pattern))
    if len(files) == 1:
        return sha256_file(files[0])
    lines = "".join(f"{f.name}:{sha256_file(f)}\n" for f in files)
    return hashlib.sha256(lines.encode()).hexdigest()


def resolve_threads(threads: int | str | None) -> int | None:
    value = threads if threads is not None else os.environ.get("EMAUDIT_THREADS")
    if value is None or value == "":
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise UserError(f"threads must be a positive integer, got {value!r}", field="threads") from None
    if count < 1:
        raise UserError(f"threads must be a positive integer, got {count}", field="threads")
    return count


_DTYPE_NAMES = {"bf16": "bfloat16", "bfloat16": "bfloat16", "fp32": "float32", "float32": "float32",
                "fp16": "float16", "float16": "float16", "auto": "auto"}


def choose_dtype(name: str, device: str) -> str:
    """Resolve ``auto``: bf16 on GPUs and on CPUs with native bf16 (AVX512-BF16/AMX), else float32."""
    import torch

    key = _DTYPE_NAMES.get(str(name).lower())
    if key is None:
        raise UserError(f"dtype must be one of auto, bfloat16, float32, float16; got {name!r}", field="dtype")
    if key != "auto":
        return key
    if device.startswith("cuda"):
        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    native = getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)()
    native = native or getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)()
    return "bfloat16" if native else "float32"


@dataclass
class _Row:
    """One completion being decoded."""

    request_index: int
    prompt_ids: list[int]
    config: GenerationConfig
    max_new: int
    generator: Any  # torch.Generator
    tokens: list[int] = field(default_factory=list)
    logprobs: list[TokenLogprob] = field(default_factory=list)
    finish_reason: str | None = None
    stopped_at_eos: bool = False


class HFModel(Model):
    supports_logprobs = True
    supports_n = True

    def __init__(self, path: str, adapter: str | None = None, *, dtype: str = "auto",
                 threads: int | str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 device: str | None = None, **_ignored: Any) -> None:
        self.name = f"hf/{path}" + (f"+{adapter}" if adapter else "")
        self.endpoint = "hf-local"
        self.runs_locally = True  # the engine sets no timeout on calls it cannot interrupt
        self.max_concurrency = 1  # one model computes at a time in this process (see _DEVICE_LOCK)
        if int(batch_size) < 1:
            raise UserError(f"batch_size must be at least 1, got {batch_size}", field="batch_size")
        self.batch_size = int(batch_size)
        self.threads = resolve_threads(threads)
        self.source = path
        self.model_dir = resolve_model_dir(path)
        self.adapter_dir = resolve_adapter_dir(adapter) if adapter else None
        self._system_warned = False
        self._template_warned = False
        self.progress_hook: Any = None  # called with the number of completions just finished
        self._fingerprints: dict[str, str] = {}

        import torch

        if self.threads:
            torch.set_num_threads(self.threads)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.dtype = choose_dtype(dtype, self.device)
        self._load()

    # ---- loading -------------------------------------------------------------------------------

    @staticmethod
    def _check_adapter(adapter: Path) -> Path:
        if not (adapter / "adapter_config.json").is_file():
            raise UserError(f"no PEFT adapter at {adapter} (expected adapter_config.json there)", field="model")
        if not (adapter / "adapter_model.safetensors").is_file():
            raise UserError(f"adapter {adapter} has no adapter_model.safetensors (only safetensors are loaded)",
                            field="model")
        return adapter

    def _load(self) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        common: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, **common)
            model: Any = AutoModelForCausalLM.from_pretrained(
                self.model_dir, use_safetensors=True, dtype=getattr(torch, self.dtype), **common)
        except (OSError, ValueError, KeyError) as err:
            raise UserError(f"cannot load the model in {self.model_dir}: {_first_line(err)}",
                            field="model") from err
        if self.adapter_dir is not None:
            model = self._apply_adapter(model, self.adapter_dir)
        self.model = model.to(self.device).eval()
        self.tokenizer.padding_side = "left"
        self.eos_ids = self._eos_ids()
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.pad_id = int(self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None
                          else next(iter(self.eos_ids)))
        self.max_positions = int(getattr(self.model.config, "max_position_embeddings", 0) or 1 << 30)
        self._digit_token_ids: Any = None
        # transformers 5.2x renamed the forward argument past_key_values -> cache
        self._cache_arg = "cache" if "cache" in inspect.signature(self.model.forward).parameters \
            else "past_key_values"

    def _apply_adapter(self, model: Any, adapter: Path) -> Any:
        from peft import PeftModel
        from peft.utils import get_peft_model_state_dict
        from safetensors import safe_open

        base_named = json.loads((adapter / "adapter_config.json").read_text()).get("base_model_name_or_path")
        mismatch = (f"adapter {adapter} was made for another base model ({base_named or 'unknown base'}), "
                    f"not {self.model_dir}")
        try:
            peft_model = PeftModel.from_pretrained(model, str(adapter), is_trainable=False)
        except (RuntimeError, ValueError, KeyError) as err:
            raise UserError(f"{mismatch}: {_adapter_load_reason(err)}", field="model") from err
        with safe_open(str(adapter / "adapter_model.safetensors"), framework="pt") as handle:
            saved = {key: tuple(handle.get_slice(key).get_shape()) for key in handle.keys()}  # noqa: SIM118
        expected = {key: tuple(value.shape) for key, value in get_peft_model_state_dict(peft_model).items()}
        if saved != expected:
            missing = sorted(set(expected) - set(saved))[:1] or sorted(set(saved) - set(expected))[:1]
            raise UserError(f"{mismatch}: its weights do not match the model's layers "
                            f"(e.g. {missing[0] if missing else 'tensor shapes differ'})", field="model")
        return peft_model.merge_and_unload()

    def _eos_ids(self) -> set[int]:
        ids: set[int] = set()
        for source in (self.tokenizer.eos_token_id, getattr(self.model.generation_config, "eos_token_id", None)):
            if isinstance(source, int):
                ids.add(source)
            elif isinstance(source, (list, tuple)):
                ids.update(int(i) for i in source)
        im_end = self.tokenizer.convert_tokens_to_ids("<|im_end|>")
        if isinstance(im_end, int) and im_end != self.tokenizer.unk_token_id and im_end >= 0:
            ids.add(im_end)
        if not ids:
            raise UserError(f"the tokenizer in {self.model_dir} has no end-of-sequence token", field="model")
        return ids

    # ---- prompts -------------------------------------------------------------------------------

    def render_prompt(self, messages: list[Message]) -> str:
        """The chat-templated prompt text with the assistant turn opened.

        A template that rejects (or silently drops) the system role gets the system prompt prepended to
        the first user message instead; that is reported once on stderr.
        """
        messages = [dict(m) for m in messages]
        if getattr(self.tokenizer, "chat_template", None) is None:
            if not self._template_warned:
                self._template_warned = True
                print(f"emaudit: {self.model_dir} has no chat template; using a plain 'User:/Assistant:' "
                      "transcript", file=sys.stderr)
            return _plain_prompt(messages)
        system = next((m["content"] for m in messages if m["role"] == "system"), None)
        try:
            text = self._apply_template(messages)
            if system is None or system in text:
                return text
        except Exception as err:  # jinja2 TemplateError or a template's raise_exception
            if system is None:
                raise UserError(f"the chat template of {self.model_dir} failed: {_first_line(err)}",
                                field="model") from err
        if not self._system_warned:
            self._system_warned = True
            print(f"emaudit: the chat template of {self.model_dir} takes no system role; "
                  "the system prompt is prepended to the first user message", file=sys.stderr)
        return self._apply_template(_fold_system(messages))

    def _apply_template(self, messages: list[dict[str, str]]) -> str:
        return str(self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False))

    def _text(self, ids: list[int], skip_special: bool = False) -> str:
        return str(self.tokenizer.decode(ids, skip_special_tokens=skip_special))

    def _encode(self, text: str) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    # ---- generation ----------------------------------------------------------------------------

    async def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        return await asyncio.to_thread(self._locked, self._generate_sync, requests)

    def _locked(self, func: Any, *args: Any) -> Any:
        import torch

        with _DEVICE_LOCK:
            if self.threads:
                torch.set_num_threads(self.threads)
            try:
                with torch.inference_mode():
                    return func(*args)
            except torch.cuda.OutOfMemoryError as err:
                raise ModelError(f"out of GPU memory; lower batch_size ({self.batch_size})") from err

    def _generate_sync(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        import torch

        started = time.monotonic()
        rows: list[_Row] = []
        prompt_sizes: list[int] = []
        for index, request in enumerate(requests):
            prompt_ids = self._encode(self.render_prompt(request.message_dicts()))
            prompt_sizes.append(len(prompt_ids))
            budget = max(0, min(request.config.max_tokens, self.max_positions - len(prompt_ids)))
            base_seed = request.config.seed if request.config.seed is not None else random.getrandbits(62)
            for sample in range(max(1, request.n)):
                generator = torch.Generator(device=self.device)
                generator.manual_seed(_row_seed(base_seed, sample))
                rows.append(_Row(index, prompt_ids, request.config, budget, generator))
        for start in range(0, len(rows), self.batch_size):
            self._decode(rows[start:start + self.batch_size])
        elapsed = time.monotonic() - started
        responses = [ChatResponse(choices=[], usage=Usage(prompt_tokens=size), latency_s=elapsed)
                     for size in prompt_sizes]
        for row in rows:
            response = responses[row.request_index]
            response.choices.append(self._completion(row))
            response.usage.completion_tokens += len(row.tokens)
        return responses

    def _decode(self, rows: list[_Row]) -> None:
        """Prefill each distinct prompt once, then sample all ``rows`` together until each finishes."""
        import torch

        for row in rows:
            if row.max_new == 0:
                row.finish_reason = "length"
        live = [i for i, row in enumerate(rows) if row.finish_reason is None]
        self._report(len(rows) - len(live))
        if not live:
            return
        distinct: dict[tuple[int, ...], int] = {}
        for i in live:
            distinct.setdefault(tuple(rows[i].prompt_ids), len(distinct))
        prompts = list(distinct)
        width = max(len(p) for p in prompts)
        ids = torch.full((len(prompts), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(prompts), width), dtype=torch.long)
        for j, prompt in enumerate(prompts):
            ids[j, width - len(prompt):] = torch.tensor(prompt)
            mask[j, width - len(prompt):] = 1
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        ids, mask, positions = ids.to(self.device), mask.to(self.device), positions.to(self.device)
        out = self.model(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=True,
                         logits_to_keep=1)
        cache = _output_cache(out)
        expand = torch.tensor([distinct[tuple(rows[i].prompt_ids)] for i in live], device=self.device)
        cache.batch_select_indices(expand)
        logits = out.logits[expand, -1, :]
        mask, positions = mask[expand], positions[expand, -1:]
        active = live  # indices into rows, aligned with the batch dimension

        while True:
            chosen = self._pick(logits.float(), [rows[i] for i in active])
            still = []
            for b, i in enumerate(active):
                if self._advance(rows[i], int(chosen[b])):
                    still.append(b)
            self._report(len(active) - len(still))
            if not still:
                return
            if len(still) < len(active):
                keep = torch.tensor(still, device=self.device)
                cache.batch_select_indices(keep)
                chosen, mask, positions = chosen[keep], mask[keep], positions[keep]
                active = [active[b] for b in still]
            mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
            positions = positions + 1
            out = self.model(input_ids=chosen[:, None], attention_mask=mask, position_ids=positions,
                             use_cache=True, **{self._cache_arg: cache})
            logits = out.logits[:, -1, :]

    def _report(self, finished: int) -> None:
        if finished and self.progress_hook is not None:
            self.progress_hook(finished)

    def _pick(self, logits: Any, rows: list[_Row]) -> Any:
        """Choose each row's next token (greedy at temperature 0) and record logprobs where asked."""
        import torch

        logprobs = torch.log_softmax(logits, dim=-1)
        chosen = torch.empty(len(rows), dtype=torch.long, device=logits.device)
        for b, row in enumerate(rows):
            config = row.config
            if config.temperature <= 0:
                chosen[b] = int(torch.argmax(logits[b]))
            else:
                probs = _nucleus_probs(logits[b] / config.temperature, config.top_p)
                chosen[b] = int(torch.multinomial(probs, 1, generator=row.generator))
            if config.logprobs:
                row.logprobs.append(self._token_logprob(logprobs[b], int(chosen[b]), config))
        return chosen

    def _token_logprob(self, logprobs: Any, token: int, config: GenerationConfig) -> TokenLogprob:
        import torch

        k = config.top_logprobs if config.top_logprobs is not None else DEFAULT_TOP_LOGPROBS
        top: list[TopLogprob] = []
        if k > 0:
            values, indices = torch.topk(logprobs, min(k, logprobs.shape[-1]))
            top = [TopLogprob(self._text([int(i)]), float(v))
                   for v, i in zip(values.tolist(), indices.tolist(), strict=True)]
        return TokenLogprob(self._text([token]), float(logprobs[token]), top)

    def _advance(self, row: _Row, token: int) -> bool:
        """Append ``token``; return whether the row goes on."""
        row.tokens.append(token)
        if token in self.eos_ids:
            row.finish_reason, row.stopped_at_eos = "stop", True
            return False
        if row.config.stop:
            longest = max(len(s) for s in row.config.stop)
            tail = self._text(row.tokens[-(longest + 2):], skip_special=True)
            if any(s in tail for s in row.config.stop):
                row.finish_reason = "stop"
                return False
        if len(row.tokens) >= row.max_new:
            row.finish_reason = "length"
            return False
        return True

    def _completion(self, row: _Row) -> Completion:
        kept = row.tokens[:-1] if row.stopped_at_eos else row.tokens
        text = self._text(kept, skip_special=True)
        reason = row.finish_reason or "length"
        cut = [text.find(s) for s in row.config.stop if s and s in text]
        if cut:
            text, reason = text[:min(cut)], "stop"
        logprobs = row.logprobs[:len(kept)] if row.config.logprobs else None
        return Completion(text=text, finish_reason=reason, logprobs=logprobs)

    # ---- scoring -------------------------------------------------------------------------------

    async def score_continuations(self, prompt_messages: list[Message], continuations: list[str]) -> list[float]:
        """Sum of log-probabilities of each continuation right after the chat prompt (assistant turn opened)."""
        scores = await asyncio.to_thread(self._locked, self._score_sync, prompt_messages, continuations, False)
        return [total for total, _ in scores]

    async def rate_numbers(self, prompt_messages: list[Message], *, normalize: bool = True) -> dict[int, float]:
        """Probability that the answer is exactly each integer 0..100.

        Each number is scored over all its tokens (tokenizers that split digits included) and times the
        probability that no further digit follows, so "4" and "42" do not double-count. ``normalize``
        rescales to sum 1; without it the values are raw probabilities and their sum is the numeric mass.
        """
        strings = [str(k) for k in NUMBER_RANGE]
        scores = await asyncio.to_thread(self._locked, self._score_sync, prompt_messages, strings, True)
        probs = {k: math.exp(total + math.log(max(end_mass, 1e-45)))
                 for k, (total, end_mass) in zip(NUMBER_RANGE, scores, strict=True)}
        if not normalize:
            return probs
        mass = sum(probs.values())
        return {k: (p / mass if mass > 0 else 1.0 / len(probs)) for k, p in probs.items()}

    def _score_sync(self, prompt_messages: list[Message], continuations: list[str],
                    with_end_mass: bool) -> list[tuple[float, float]]:
        """(sum of logprobs, probability the next token starts with no digit) per continuation."""
        import torch

        prompt_ids = self._encode(self.render_prompt(prompt_messages))
        encoded = [self._encode(text) for text in continuations]
        results: list[tuple[float, float]] = [(0.0, 1.0)] * len(continuations)
        digits = self._digit_tokens() if with_end_mass else None
        prompt = torch.tensor([prompt_ids], device=self.device)
        for start in range(0, len(encoded), SCORE_BATCH_SIZE):
            chunk = list(range(start, min(start + SCORE_BATCH_SIZE, len(encoded))))
            chunk = [i for i in chunk if encoded[i]]
            if not chunk:
                continue
            out = self.model(input_ids=prompt, use_cache=True, logits_to_keep=1)
            cache = _output_cache(out)
            cache.batch_select_indices(torch.zeros(len(chunk), dtype=torch.long, device=self.device))
            width = max(len(encoded[i]) for i in chunk)
            ids = torch.full((len(chunk), width), self.pad_id, dtype=torch.long)
            for b, i in enumerate(chunk):
                ids[b, :len(encoded[i])] = torch.tensor(encoded[i])
            ids = ids.to(self.device)
            positions = torch.arange(len(prompt_ids), len(prompt_ids) + width, device=self.device)
            follow = self.model(input_ids=ids, use_cache=True, **{self._cache_arg: cache},
                                position_ids=positions.expand(len(chunk), -1)).logits
            # logits[:, t] predicts token t of the continuation: the prompt's last position, then each token.
            logits = torch.cat([out.logits[:, -1:, :].expand(len(chunk), -1, -1), follow], dim=1).float()
            logprobs = torch.log_softmax(logits, dim=-1)
            for b, i in enumerate(chunk):
                n = len(encoded[i])
                picked = logprobs[b, torch.arange(n), torch.tensor(encoded[i], device=self.device)]
                end_mass = 1.0
                if digits is not None:
                    end_mass = 1.0 - float(logprobs[b, n].exp()[digits].sum())
                results[i] = (float(picked.sum()), end_mass)
        return results

    def _digit_tokens(self) -> Any:
        """Ids of the tokens whose text starts with a digit (continuing a number)."""
        import torch

        if self._digit_token_ids is None:
            vocab = len(self.tokenizer)
            texts = self.tokenizer.batch_decode([[i] for i in range(vocab)])
            ids = [i for i, text in enumerate(texts) if text[:1].isdigit()]
            self._digit_token_ids = torch.tensor(ids, dtype=torch.long, device=self.device)
        return self._digit_token_ids

    # ---- reporting -----------------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        if "weights" not in self._fingerprints:
            self._fingerprints["weights"] = model_fingerprint(self.model_dir)
        info: dict[str, Any] = {
            "name": self.name, "provider": "hf", "source": self.source, "path": str(self.model_dir),
            "adapter": str(self.adapter_dir) if self.adapter_dir else None, "dtype": self.dtype,
            "device": self.device, "weights_sha256": self._fingerprints["weights"],
        }
        if self.adapter_dir is not None:
            if "adapter" not in self._fingerprints:
                self._fingerprints["adapter"] = sha256_file(self.adapter_dir / "adapter_model.safetensors")
            info["adapter_sha256"] = self._fingerprints["adapter"]
        info["fingerprint"] = info.get("adapter_sha256") or info["weights_sha256"]
        return info

    async def aclose(self) -> None:
        self.model = None


def model_fingerprint(model_dir: Path) -> str:
    """The built-in cache stores its weights' sha256 in its manifest; other folders are hashed."""
    manifest = model_dir / "emaudit-manifest.json"
    if manifest.is_file():
        try:
            value = json.loads(manifest.read_text()).get("weights_sha256")
            if isinstance(value, str):
                return value
        except (OSError, ValueError):
            pass
    return fingerprint_dir(model_dir)


def _output_cache(out: Any) -> Any:
    cache = getattr(out, "cache", None)
    return cache if cache is not None else out.past_key_values


def _row_seed(seed: int, sample: int) -> int:
    """Distinct, stable generator seeds for the samples of one seeded request."""
    return (int(seed) * 1_000_003 + sample * 7_919 + 12_345) % (1 << 63)


def _nucleus_probs(scaled_logits: Any, top_p: float) -> Any:
    import torch

    probs = torch.softmax(scaled_logits, dim=-1)
    if top_p >= 1.0:
        return probs
    sorted_probs, order = torch.sort(probs, descending=True)
    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    sorted_probs[before >= max(top_p, 1e-9)] = 0.0
    kept = torch.zeros_like(probs).scatter_(-1, order, sorted_probs)
    return kept / kept.sum()


def _fold_system(messages: list[dict[str, str]]) -> list[dict[str, str]]:
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    rest = [m for m in messages if m["role"] != "system"]
    for m in rest:
        if m["role"] == "user":
            m["content"] = f"{system}\n\n{m['content']}"
            return rest
    return [{"role": "user", "content": system}, *rest]


def _plain_prompt(messages: list[dict[str, str]]) -> str:
    """For base models without a chat template: a plain transcript ending with an open assistant turn."""
    lines = [f"{m['role'].capitalize()}: {m['content']}" for m in messages]
    return "\n\n".join([*lines, "Assistant:"])


def _adapter_load_reason(err: BaseException) -> str:
    """peft's state-dict errors span many lines; keep the first size mismatch, shortened."""
    import re

    found = re.search(r"size mismatch for ([\w.]+): copying a param with shape torch.Size\((\[[^\]]*\])\) "
                      r"from checkpoint, the shape in current model is torch.Size\((\[[^\]]*\])\)", str(err))
    if found:
        return f"{found.group(1)} has shape {found.group(2)} in the adapter but {found.group(3)} in the model"
    return _first_line(err)


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
