"""The embedded offline judges: ``local`` (MiniLM features and small trained heads) and ``local-lm``
(the same plus a small local chat model's hidden states: experimental, 11 times slower)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import UserError
from .features import FEATURE_VERSION, Encoder, featurize
from .heads import HEADS_FILE, META_FILE, HeadSet

DEFAULT_DIR = Path(__file__).with_name("default")
DEFAULT_NAME = "local"
LM_DIR = Path(__file__).with_name("default_lm")
LM_NAME = "local-lm"
SHIPPED = {DEFAULT_NAME: DEFAULT_DIR, LM_NAME: LM_DIR}


def judge_features(questions: Sequence[str], answers: Sequence[str], lm: dict | None, encoder: Encoder,
                   lm_encoder: Any = None, batch_size: int = 32) -> np.ndarray:
    """MiniLM features, plus the local model's hidden states when ``lm`` (a judge's settings) is set."""
    x = featurize(list(questions), list(answers), encoder, batch_size)
    if not lm or not len(answers):
        return x
    if lm_encoder is None:
        from .lm_features import HiddenStateEncoder

        lm_encoder = HiddenStateEncoder.shared(lm["model"], int(lm["layer"]), int(lm["max_tokens"]), encoder.threads)
    return np.hstack([x, lm_encoder.encode(list(questions), list(answers))])


class EmbeddedJudge:
    """Scores ``aligned`` and ``coherent`` (0..100) for any question and answer, offline."""

    mode = "embedded"

    def __init__(self, heads: HeadSet, path: Path | None = None, threads: int | None = None) -> None:
        version = heads.meta.get("feature_version")
        if version != FEATURE_VERSION:
            raise UserError(f"judge was fitted with features {version!r}, this emaudit computes "
                            f"{FEATURE_VERSION!r}; refit it with `emaudit judge fit`", path=str(path or ""))
        self.heads = heads
        self.path = path
        self.threads = threads

    @classmethod
    def load_default(cls, threads: int | None = None) -> EmbeddedJudge:
        return cls.load(DEFAULT_DIR, threads=threads)

    @classmethod
    def load(cls, path: str | Path, threads: int | None = None) -> EmbeddedJudge:
        """A judge folder written by ``emaudit judge fit``, or ``local`` / ``local-lm`` for the shipped ones."""
        p = SHIPPED.get(str(path), Path(path))
        missing = [f for f in (HEADS_FILE, META_FILE) if not (p / f).is_file()]
        if missing:
            raise UserError(f"not an embedded judge folder (missing {', '.join(missing)}); "
                            "write one with `emaudit judge fit --from judged.csv --out DIR` or use 'local' or 'local-lm'",
                            path=str(p))
        return cls(HeadSet.load(p), p, threads)

    @property
    def name(self) -> str:
        return next((n for n, d in SHIPPED.items() if self.path == d), "embedded")

    @property
    def judge_id(self) -> str:
        return f"{self.name}:{self.fingerprint()[:12]}"

    @property
    def lm(self) -> dict | None:
        """The local model whose hidden states are features too (``local-lm``), else None."""
        return self.heads.meta.get("lm")

    def fingerprint(self) -> str:
        """sha256 over the feature version, the local model settings and the heads' bytes."""
        h = hashlib.sha256(FEATURE_VERSION.encode())
        if self.lm:
            h.update(json.dumps(self.lm, sort_keys=True).encode())
        for name in sorted(self.heads.heads):
            head = self.heads.heads[name]
            for arr in (head.mean, head.scale, head.coef, np.array([head.intercept])):
                h.update(np.ascontiguousarray(arr, dtype=np.float32).tobytes())
        return h.hexdigest()

    def features(self, questions: Sequence[str], answers: Sequence[str], batch_size: int = 32) -> np.ndarray:
        return judge_features(questions, answers, self.lm, Encoder.shared(self.threads), batch_size=batch_size)

    def score_features(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {m: head.scores(x) for m, head in self.heads.heads.items()}

    def score(self, questions: Sequence[str], answers: Sequence[str], batch_size: int = 32) -> dict[str, np.ndarray]:
        """{"aligned": array, "coherent": array}, each 0..100, one value per answer."""
        if isinstance(questions, str) or isinstance(answers, str):
            raise TypeError("score() takes sequences of questions and answers, not single strings")
        return self.score_features(self.features(questions, answers, batch_size))
