"""`audit_dataset`: stream a training file once, analyse each example (in worker processes for
large files), then run the set-level checks (duplicates, triggers, shape) and rate the risk."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
import sys
import tempfile
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import UserError
from ..executors.base import Executor, Job
from ..executors.local import LocalExecutor
from .analyse import ExampleRecord, analyse_batch
from .checkpoint import ChunkCheckpoint, checkpoint_path
from .dedup import DedupCollector
from .findings_file import add_duplicate_links
from .harm import judge_harmful, load_judge
from .leakage import MAX_LEAKS_LISTED, EvalIndex, build_index
from .readers import DEFAULT_MAX_LINE_BYTES, BadLine, Example, iter_examples, parse_column_map
from .risk import assess
from .scan_bandit import bandit_status
from .secrets import secrets_status
from .shape import ShapeCollector
from .store import ColumnFile
from .triggers import TriggerSample, find_triggers

SCHEMA = "emaudit.data-audit/1"
BATCH = 64
JUDGE_BATCH = 64
PARALLEL_MIN_BYTES = 2_000_000
MAX_BAD_LISTED = 100
MAX_EXAMPLES_LISTED = 20
EXCERPT = 300
_LINE_ROW = struct.Struct("<Q")


@dataclass
class DataAuditResult:
    """The summary and the per-example findings file. When the findings went to a temporary folder
    (no findings_path given), `close()` (or leaving a `with` block, or garbage collection) removes it."""

    summary: dict[str, Any]
    findings_path: Path
    _cleanup: weakref.finalize | None = field(default=None, repr=False)

    def close(self) -> None:
        if self._cleanup is not None:
            self._cleanup()

    def __enter__(self) -> DataAuditResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def risk_level(self) -> str:
        level: str = self.summary["risk"]["level"]
        return level

    @property
    def reasons(self) -> list[dict[str, str]]:
        reasons: list[dict[str, str]] = self.summary["risk"]["reasons"]
        return reasons

    def to_json(self) -> dict[str, Any]:
        return self.summary

    def write_json(self, path: str | Path) -> None:
        tmp = Path(str(path) + ".tmp")
        tmp.write_text(json.dumps(self.summary, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def iter_findings(self) -> Iterator[dict[str, Any]]:
        """Per-example findings (one dict per example with anything to report), in file order."""
        with open(self.findings_path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


def _excerpt(text: str, n: int = EXCERPT) -> str:
    return text if len(text) <= n else text[:n] + "…"


class _Aggregator:
    """Counts, bounded samples, and per-example columns written to files in `work` (never lists of N)."""

    def __init__(self, index: EvalIndex, findings_out: IO[str], trigger_cap: int, work: Path) -> None:
        self.index = index
        self.out = findings_out
        self.n = 0
        self.dedup = DedupCollector(work)
        self.shape = ShapeCollector(work)
        self.lines = ColumnFile(work / "lines.bin", "<u8")
        self.triggers = TriggerSample(cap=trigger_cap)
        self.rules: Counter[str] = Counter()
        self.cwes: Counter[str] = Counter()
        self.tools: Counter[str] = Counter()
        self.code = Counter[str]()
        self.code_examples: list[dict[str, Any]] = []
        self.disclosed_examples: list[dict[str, Any]] = []
        self.harm = Counter[str]()
        self.harm_examples: list[dict[str, Any]] = []
        self.leaks: list[dict[str, Any]] = []
        self.n_leaks = 0
        self.private = Counter[str]()
        self.n_private = 0
        self.private_examples: list[dict[str, Any]] = []

    def close(self) -> None:
        self.dedup.close()
        self.shape.close()
        self.lines.close()

    def add(self, r: ExampleRecord, question: str, answer: str) -> None:
        self.n += 1
        if len(self.index):
            match = self.index.match(r.prompt_hash, r.prompt_sig)
            if match is not None:
                j, sim = match
                r.leak = {"eval_source": self.index.sources[j], "eval_prompt": _excerpt(self.index.texts[j]),
                          "similarity": round(sim, 3)}
                self.n_leaks += 1
                if len(self.leaks) < MAX_LEAKS_LISTED:
                    self.leaks.append({"example": r.index, "line": r.line, **r.leak})
        if r.private:
            self.n_private += 1
            self.private.update(r.private.keys())
            if len(self.private_examples) < MAX_EXAMPLES_LISTED:
                self.private_examples.append({"example": r.index, "line": r.line, "found": r.private})
        if r.code_blocks:
            self.code["answers_with_code"] += 1
        self.code["code_blocks"] += r.code_blocks
        self.code["repaired_blocks"] += r.repaired_blocks
        self.code["unparseable_blocks"] += r.unparseable_blocks
        if r.findings:
            self.code["flagged"] += 1
            rules = sorted({f.rule for f in r.findings})
            item = {"example": r.index, "line": r.line, "rules": rules,
                    "cwes": sorted({f.cwe for f in r.findings if f.cwe})}
            if r.disclosed is None:
                self.code["undisclosed"] += 1
                self.rules.update(rules)
                self.cwes.update(str(c) for c in {f.cwe for f in r.findings if f.cwe})
                self.tools.update({f.tool for f in r.findings})
                if len(self.code_examples) < MAX_EXAMPLES_LISTED:
                    self.code_examples.append(item)
            else:
                self.code["disclosed"] += 1
                if len(self.disclosed_examples) < MAX_EXAMPLES_LISTED:
                    self.disclosed_examples.append({**item, "disclosure": r.disclosed})
        if r.judge_eligible:
            self.harm["eligible"] += 1
        if r.judge_scores:
            self.harm["judged"] += 1
        if r.lexical_harm:
            self.harm["lexical"] += 1
        if r.judge_harmful:
            self.harm["judge_harmful"] += 1
        if r.harmful:
            self.harm["harmful"] += 1
            if len(self.harm_examples) < MAX_EXAMPLES_LISTED:
                self.harm_examples.append({"example": r.index, "line": r.line,
                                           "question": _excerpt(r.excerpt_question or question),
                                           "answer": _excerpt(r.excerpt_answer or answer), "lexical": r.lexical_harm,
                                           "judge": r.judge_scores or None})
        behaviour = r.insecure_undisclosed or r.harmful
        self.dedup.add(r.prompt_hash, r.answer_hash, r.pair_hash, r.prompt_sig, r.answer_sig)
        self.lines.write(_LINE_ROW.pack(r.line))
        self.shape.add(r.index, r.roles, r.system, r.prompt_chars, r.answer_chars, r.empty, r.truncated,
                       r.label, behaviour)
        # The lexical harm signal reads the prompt's words, so it would "find" its own keywords: leave it out.
        self.triggers.add(r.index, r.trigger_text, r.insecure_undisclosed or r.judge_harmful, int(r.request_like))
        if r.notable:
            self.out.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")


def _batches(items: Iterator[Example | BadLine], on_bad: Callable[[BadLine], None]) -> Iterator[list[Example]]:
    batch: list[Example] = []
    for item in items:
        if isinstance(item, BadLine):
            on_bad(item)
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _records(batches: Iterator[list[Example]], executor: Executor, want_text: bool,
             checkpoint: ChunkCheckpoint | None, resumed: Counter[str]) -> Iterator[ExampleRecord]:
    """Analysed records in file order. Each chunk is a job; a chunk the checkpoint holds is read back instead,
    and each new chunk's records are committed to the checkpoint the moment they arrive."""
    kept = checkpoint.done() if checkpoint is not None else {}

    def jobs() -> Iterator[Job]:
        for i, batch in enumerate(batches):
            if i in kept and kept[i] == len(batch):
                resumed["chunks"] += 1
                resumed["examples"] += len(batch)
            else:
                kept.pop(i, None)
                yield Job(f"chunk-{i:07d}", analyse_batch, (batch, want_text))

    waiting: dict[int, list[ExampleRecord]] = {}
    want = 0

    def ready() -> Iterator[ExampleRecord]:
        nonlocal want
        while True:
            if want in waiting:
                yield from waiting.pop(want)
            elif want in kept and checkpoint is not None:
                yield from checkpoint.get(want)
            else:
                return
            want += 1

    for job, records in executor.run(jobs()):
        idx = int(job.key.split("-")[1])
        if checkpoint is not None:
            checkpoint.put(idx, records)
        waiting[idx] = records
        yield from ready()
    yield from ready()


def audit_dataset(path: str | Path, *, against_suites: Sequence[str] = (),
                  against_files: Sequence[str | Path] = (), column_map: str | dict[str, str] | None = None,
                  strict: bool = False, judge: Any = "local", findings_path: str | Path | None = None,
                  workers: int | None = None, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
                  trigger_sample: int = 50_000, judge_limit: int = 2000,
                  progress: Callable[[int], None] | None = None, executor: Executor | None = None,
                  checkpoint: bool | None = None) -> DataAuditResult:
    """Audit a fine-tuning file. See docs/data-audit.md for the result's JSON schema.

    `executor` runs the per-chunk analysis (default: a local one with `workers` processes). `checkpoint` keeps
    each chunk's records on disk until the audit completes, so that re-running a killed audit resumes; by
    default on for large files and for executors other than `local`.

    Per-example state lives in a temporary folder that is removed before this returns (or raises);
    without findings_path the findings file is kept in a temporary folder owned by the result."""
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise UserError("file not found" if not path.exists() else "not a file", path=str(path))
    if not os.access(path, os.R_OK):
        raise UserError("cannot read the file (permission denied)", path=str(path))
    index = build_index(against_suites, against_files)
    size = path.stat().st_size
    if executor is None:
        if workers is None:
            workers = min(2, os.cpu_count() or 1) if size >= PARALLEL_MIN_BYTES else 1
        executor = LocalExecutor(workers)
    if checkpoint is None:
        checkpoint = size >= PARALLEL_MIN_BYTES or executor.name != "local"
    judge_off = judge in (None, "none", "off", "")
    ckpt = None
    if checkpoint:
        settings = {"column_map": parse_column_map(column_map), "max_line_bytes": max_line_bytes,
                    "want_text": not judge_off, "batch": BATCH}
        try:
            ckpt = ChunkCheckpoint(checkpoint_path(path, settings))
        except (OSError, sqlite3.Error) as e:   # no checkpoint is no reason to refuse the audit
            print(f"emaudit: note: no checkpoint for this audit (a re-run will start over): {e}", file=sys.stderr)
    owned_dir: str | None = None   # a temporary folder for the findings, owned by the result
    if findings_path is None:
        owned_dir = tempfile.mkdtemp(prefix="emaudit-findings-")
        findings_path = Path(owned_dir) / "findings.jsonl"
    findings_path = Path(findings_path)
    try:
        with tempfile.TemporaryDirectory(prefix="emaudit-data-") as work:
            summary = _audit(path, index, Path(work), findings_path, strict=strict, judge=judge,
                             column_map=column_map, executor=executor, checkpoint=ckpt,
                             max_line_bytes=max_line_bytes, trigger_sample=trigger_sample,
                             judge_limit=judge_limit, progress=progress)
    except BaseException:
        if owned_dir is not None:
            shutil.rmtree(owned_dir, ignore_errors=True)
        if ckpt is not None:
            ckpt.close()
        raise
    if ckpt is not None:
        ckpt.remove()
    elapsed = time.perf_counter() - started
    summary["timing"] = {"seconds": round(elapsed, 2),
                         "examples_per_second": round(summary["examples"] / max(elapsed, 1e-9), 1),
                         "workers": executor.slots, "executor": executor.name,
                         "resumed_examples": summary.pop("_resumed_examples")}
    summary["findings_file"] = str(findings_path) if owned_dir is None else None
    result = DataAuditResult(summary=summary, findings_path=findings_path)
    if owned_dir is not None:
        result._cleanup = weakref.finalize(result, shutil.rmtree, owned_dir, True)
    return result


def _audit(path: Path, index: EvalIndex, work: Path, findings_path: Path, *, strict: bool, judge: Any,
           column_map: str | dict[str, str] | None, executor: Executor, checkpoint: ChunkCheckpoint | None,
           max_line_bytes: int, trigger_sample: int,
           judge_limit: int, progress: Callable[[int], None] | None) -> dict[str, Any]:
    items = iter_examples(path, column_map, max_line_bytes)
    bad_count: Counter[str] = Counter()
    bad_listed: list[dict[str, Any]] = []

    def on_bad(bad: BadLine) -> None:
        if strict:
            raise UserError(f"{bad.message} ({bad.kind}); without --strict bad lines are counted and skipped",
                            path=str(path), line=bad.line)
        bad_count[bad.kind] += 1
        if len(bad_listed) < MAX_BAD_LISTED:
            bad_listed.append({"line": bad.line, "kind": bad.kind, "message": bad.message})

    scorer: Any = None
    judge_off = judge in (None, "none", "off", "")
    judge_note = ("judge off: lexical signal only" if judge_off
                  else "judge not needed: no answer to a request without code")
    resumed: Counter[str] = Counter()
    records = _records(_batches(items, on_bad), executor, not judge_off, checkpoint, resumed)
    tmp_findings = Path(str(findings_path) + ".part")
    with open(tmp_findings, "w", encoding="utf-8") as out:
        agg = _Aggregator(index, out, trigger_sample, work)
        pending: list[ExampleRecord] = []
        judge_loaded = judge_off

        def flush() -> None:
            nonlocal scorer, judge_note, judge_loaded
            to_judge = [r for r in pending if r.judge_answer][:max(judge_limit - agg.harm["judged"], 0)]
            if to_judge and not judge_loaded:  # load the judge only once an answer needs it
                scorer, judge_note = load_judge(judge)
                judge_loaded = True
            if scorer is not None and to_judge:
                scores = scorer.score([r.judge_question for r in to_judge], [r.judge_answer for r in to_judge])
                for i, r in enumerate(to_judge):
                    r.judge_scores = {k: round(float(scores[k][i]), 1) for k in ("aligned", "coherent")}
                    r.judge_harmful = judge_harmful(scores, i)
            for r in pending:
                agg.add(r, r.judge_question, r.judge_answer)
                r.judge_question = r.judge_answer = ""
            pending.clear()
            if progress:
                progress(agg.n)

        try:
            for record in records:
                if not record.judge_answer:
                    record.judge_question = ""
                pending.append(record)
                if len(pending) >= JUDGE_BATCH:
                    flush()
            flush()
        finally:
            agg.close()
    if agg.n == 0:
        tmp_findings.unlink()
        raise UserError(f"no usable examples ({sum(bad_count.values())} bad lines; first: "
                        f"{bad_listed[0]['message'] if bad_listed else 'none'})", path=str(path),
                        line=bad_listed[0]["line"] if bad_listed else None)
    n = agg.n
    duplicates = agg.dedup.summary()
    add_duplicate_links(tmp_findings, findings_path, agg.dedup.links, agg.lines)
    tmp_findings.unlink()
    summary: dict[str, Any] = {
        "schema": SCHEMA,
        "file": str(path),
        "examples": n,
        "bad_lines": {"count": sum(bad_count.values()), "by_kind": dict(bad_count), "lines": bad_listed},
        "code": {
            "answers_with_code": agg.code["answers_with_code"], "code_blocks": agg.code["code_blocks"],
            "repaired_blocks": agg.code["repaired_blocks"], "unparseable_blocks": agg.code["unparseable_blocks"],
            "flagged": agg.code["flagged"], "undisclosed": agg.code["undisclosed"],
            "disclosed": agg.code["disclosed"], "undisclosed_rate": round(agg.code["undisclosed"] / n, 4),
            "by_rule": dict(agg.rules.most_common()), "by_cwe": dict(agg.cwes.most_common()),
            "by_tool": dict(agg.tools), "examples": agg.code_examples,
            "disclosed_examples": agg.disclosed_examples,
            "scanners": {"bandit": bandit_status() or "ok", "detect-secrets": secrets_status() or "ok",
                         "emaudit-rules": "ok"},
        },
        "harm": {"judge": judge_note, "judged": agg.harm["judged"], "harmful": agg.harm["harmful"],
                 "rate": round(agg.harm["harmful"] / n, 4), "lexical": agg.harm["lexical"],
                 "judge_limit": judge_limit, "judge_eligible": agg.harm["eligible"],
                 "judge_rate": round(agg.harm["judge_harmful"] / agg.harm["judged"], 4) if agg.harm["judged"] else None,
                 "judge_harmful": agg.harm["judge_harmful"], "examples": agg.harm_examples},
        "duplicates": duplicates,
        "leakage": {"eval_prompts": len(index), "sources": sorted(set(index.sources)), "leaked": agg.n_leaks,
                    "examples": agg.leaks},
        "triggers": find_triggers(agg.triggers),
        "shape": agg.shape.summary(),
        "private_data": {"flagged": agg.n_private, "rate": round(agg.n_private / n, 4),
                         "by_kind": dict(agg.private.most_common()), "examples": agg.private_examples,
                         "patterns": "emaudit's own (names, emails, phones, ticket ids, internal URLs, "
                                     "product system prompts, chat-log lines); matches are masked"},
    }
    level, reasons = assess(summary)
    summary["risk"] = {"level": level, "reasons": reasons}
    summary["_resumed_examples"] = resumed["examples"]
    return summary
