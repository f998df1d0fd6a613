"""Hidden-state features of a small local chat model, for the ``local-lm`` judge.

The model reads the question as the user's turn and the answer as its own reply; the feature is
the mean of one layer's hidden states over the answer's tokens. Only the layers up to that one
are run (the rest of the model is dropped after loading), in float32: this CPU has no fast bf16.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import UserError
from .features import default_threads

DEFAULT_LM = "smollm2-135m-instruct"


class HiddenStateEncoder:
    """Mean hidden state of layer ``layer`` over the answer tokens, (n, hidden_size) float32."""

    _lock = threading.Lock()
    _shared: dict[tuple[str, int, int], HiddenStateEncoder] = {}

    def __init__(self, model: str = DEFAULT_LM, layer: int = 10, max_tokens: int = 192,
                 threads: int | None = None, cache_dir: str | Path | None = None) -> None:
        self.model_name, self.layer, self.max_tokens = model, layer, max_tokens
        self.threads = threads or default_threads()
        self._model: Any = None
        self._tok: Any = None
        cache = cache_dir or os.environ.get("EMAUDIT_EMBED_CACHE")
        self.cache_path = Path(cache) / f"lm-{model}-l{layer}-t{max_tokens}.npz" if cache else None
        self._cache: dict[str, np.ndarray] = {}
        if self.cache_path and self.cache_path.is_file():
            with np.load(self.cache_path) as z:
                self._cache = {str(k): v for k, v in zip(z["keys"], z["vectors"], strict=True)}

    @classmethod
    def shared(cls, model: str, layer: int, max_tokens: int, threads: int | None = None) -> HiddenStateEncoder:
        with cls._lock:
            key = (model, layer, max_tokens)
            if key not in cls._shared:
                cls._shared[key] = cls(model, layer, max_tokens, threads)
            return cls._shared[key]

    def _folder(self) -> Path:
        from ...models.builtin import resolve_local_model

        folder = resolve_local_model(self.model_name)
        if folder is None:
            folder = Path(self.model_name)
            if not (folder / "config.json").is_file():
                raise UserError(f"the local-lm judge needs the model {self.model_name!r}: not a built-in name "
                                "or a Hugging Face folder with config.json", path=str(folder))
        return folder

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            torch.set_num_threads(self.threads)
            folder = self._folder()
            tok = AutoTokenizer.from_pretrained(folder)
            model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, use_safetensors=True)
            if self.layer > model.config.num_hidden_layers:
                raise UserError(f"layer {self.layer} asked for, the model has {model.config.num_hidden_layers}",
                                path=str(folder))
            model.model.layers = model.model.layers[:self.layer]
            model.model.norm = torch.nn.Identity()  # the layer's own output, not the final norm's
            model.config.num_hidden_layers = self.layer
            model.eval()
            tok.padding_side = "right"
            if tok.pad_token is None:
                tok.pad_token = tok.eos_token
            self._model, self._tok = model, tok
        return self._model, self._tok

    def _key(self, question: str, answer: str) -> str:
        return hashlib.sha1(f"{question}\x00{answer}".encode()).hexdigest()

    def encode(self, questions: Sequence[str], answers: Sequence[str], batch_size: int = 16) -> np.ndarray:
        keys = [self._key(q, a) for q, a in zip(questions, answers, strict=True)]
        todo = sorted({k: (q, a) for k, q, a in zip(keys, questions, answers, strict=True)
                       if k not in self._cache}.items())
        for start in range(0, len(todo), batch_size):
            chunk = todo[start:start + batch_size]
            vecs = self._forward([q for _, (q, _) in chunk], [a for _, (_, a) in chunk])
            for (k, _), v in zip(chunk, vecs, strict=True):
                self._cache[k] = v
        if todo:
            self._save_cache()
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys])

    def _forward(self, questions: list[str], answers: list[str]) -> list[np.ndarray]:
        import torch

        model, tok = self._load()
        texts, starts = [], []
        for q, a in zip(questions, answers, strict=True):
            prompt = tok.apply_chat_template([{"role": "user", "content": q[:1000]}], tokenize=False,
                                             add_generation_prompt=True)
            texts.append(prompt + (a[:1500] if a.strip() else "(empty answer)"))
            starts.append(len(tok(prompt)["input_ids"]))
        enc = tok(texts, return_tensors="pt", padding=True, truncation=True, max_length=self.max_tokens)
        with torch.no_grad():
            hidden = model(**enc, output_hidden_states=True).hidden_states[self.layer]
        mask = enc["attention_mask"].clone()
        for j, s in enumerate(starts):  # keep the answer's tokens (at least the last one if truncated)
            mask[j, :min(s, int(enc["attention_mask"][j].sum()) - 1)] = 0
        m = mask.unsqueeze(-1).float()
        pooled = (hidden.float() * m).sum(1) / m.sum(1).clamp(min=1)
        return [row for row in pooled.numpy().astype(np.float32)]

    def _save_cache(self) -> None:
        if self.cache_path is None:
            return
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(self._cache), dtype="U40"), vectors=np.stack(list(self._cache.values())))
        tmp.replace(self.cache_path)
