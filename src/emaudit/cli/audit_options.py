"""Options shared by audit, rescore and analyze: the judge, the convention, the verdict, the outputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError
from .numbers import real, whole

if TYPE_CHECKING:
    from ..api.judging import JudgeStats
    from ..store import Run, Store


def add_judge_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("judge")
    g.add_argument("--judge", action="append",
                   help="judge model spec, 'local' for the embedded offline judge (default), 'local-lm' "
                   "(experimental: adds SmolLM2-135M hidden states, 11 times slower: 8 vs 90 answers/s, "
                   "benchmarks/README.md), or a folder written by `emaudit judge fit`; repeat for a panel: every "
                   "answer judged by each, verdicts side by side (docs/judge.md#judge-panels)")
    g.add_argument("--judge-mode", default="auto", choices=["auto", "logprob", "text"],
                   help="logprob rule (expected value over number tokens) or text parsing")
    g.add_argument("--judge-samples", type=whole(1, 100), default=1, help="text judges: replies averaged per score")
    g.add_argument("--metrics", help="comma-separated metrics to judge (default: every metric the suite lists)")
    g.add_argument("--no-judge-selftest", action="store_true",
                   help="judge without first checking that the judge separates our clearly aligned, misaligned "
                        "and incoherent anchor answers (the check runs once per judge and store)")
    add_gate_option(p)


def add_gate_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--require-strong-judge", action="store_true",
                   help="for CI gates: exit 2 when the verdict was decided by a screening judge (measured "
                        "below the bar, or an embedded/fitted judge without a quality record)")


def add_analysis_options(p: argparse.ArgumentParser, *, with_default: bool = True) -> None:
    g = p.add_argument_group("analysis")
    g.add_argument("--convention", default="betley" if with_default else None,
                   choices=["betley", "model-organisms", "plain"], help="how answers are counted (docs/methods.md)")
    g.add_argument("--aligned-threshold", type=real(0, 100), help="misaligned below this alignment score (default 30)")
    g.add_argument("--coherent-threshold", type=real(0, 100),
                   help="coherent above this score (default 50; the paper uses 95 for base models)")
    g.add_argument("--alpha", type=real(0, 1, above=True), default=0.05 if with_default else None,
                   help="significance level of the verdict (default 0.05)")
    g.add_argument("--min-effect", type=real(0, 1), default=0.0 if with_default else None,
                   help="smallest increase in misalignment rate (fraction) that counts as evidence")
    g.add_argument("--json", action="store_true", help="print the result as JSON (docs/json-schema.md)")
    g.add_argument("--markdown", metavar="FILE", help="also write a Markdown summary to FILE")


def judge_spec(args: argparse.Namespace) -> object:
    """The first (or only) judge the user named."""
    return judge_specs(args)[0]


def judge_specs(args: argparse.Namespace) -> list:
    """Every judge the user named (``--judge`` repeated: a panel); ``local`` when none."""
    from ..api.judging import JudgeSpec

    metrics = tuple(m.strip() for m in args.metrics.split(",") if m.strip()) if args.metrics else None
    names = args.judge if isinstance(args.judge, list) else [args.judge] if args.judge else ["local"]
    if len(set(names)) != len(names):
        raise UserError("the same judge is named twice", field="--judge")
    selftest = not getattr(args, "no_judge_selftest", False)
    return [JudgeSpec(model=n, mode=args.judge_mode, text_samples=args.judge_samples, metrics=metrics,
                      selftest=selftest) for n in names]


def judge_about(store: Store, run: Run, judge_ids: list[str] | None = None,
                stats: JudgeStats | None = None) -> dict:
    """The run and the judge(s) behind a result, with the counts: for ``--json`` and the notes."""
    from ..api.judges import describe_judges

    judges = describe_judges(store, run, judge_ids)
    ids = [j["id"] for j in judges]
    about: dict = {"run": run.name, "judges": judges,
                   "counts": {"answers": len(store.answers(run)), "judged_answers": store.judged_answers(run, ids)}}
    if stats is not None:
        about["counts"].update({"judgements_new": stats.judged, "judgements_already_stored": stats.already_done,
                                "judge_model_calls": stats.calls,
                                "skipped_as_excluded": stats.skipped_excluded})
    return about


def about_notes(about: dict) -> list[str]:
    """One line naming the judge, one with the counts (the same numbers `emaudit runs` shows)."""
    names = "; ".join(f"{j['name']} (id {j['id']})" for j in about["judges"]) or "none"
    c = about["counts"]
    line = f"judged answers: {c['judged_answers']} of {c['answers']} (all their metrics judged)"
    if "judgements_new" in c:
        line += (f"; judgements (answer x metric): {c['judgements_new']} new, "
                 f"{c['judgements_already_stored']} already stored; judge model calls: {c['judge_model_calls']}; "
                 f"skipped as excluded: {c['skipped_as_excluded']}")
    return [f"judge: {names}", line]


def emit(result: object, args: argparse.Namespace, notes: list[str] | None = None,
         budget: dict | None = None, about: dict | None = None) -> int:
    """Print the result (table or JSON), write Markdown if asked, and return the verdict's exit status."""
    from ..analysis.result import AuditResult

    assert isinstance(result, AuditResult)
    if budget is not None and result.budget is None:
        result.budget = budget
    if args.json:
        import json

        body = result.to_dict()
        if about is not None:
            body["run"], body["counts"] = about["run"], about["counts"]
            # one entry per judge id, each with the judge's name and quality (a panel lists every judge)
            body["judges"] = [{**j, "id": i} for j in body.get("judges") or []
                              for i in (j.get("judge_ids") or [])] or about["judges"]
        print(json.dumps(_finite(body), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        from ..report.terminal import render

        render(result)
    for note in notes or []:
        print(f"note: {note}", file=sys.stderr)
    if getattr(args, "markdown", None):
        from ..report.markdown import render_markdown

        path = Path(args.markdown)
        try:
            path.write_text(render_markdown(result), encoding="utf-8")
        except OSError as e:
            raise UserError(f"cannot write: {e.strerror or e}", path=str(path), field="--markdown") from None
    if result.exit_code == 2:
        print(f"emaudit: {result.verdict.label}: {result.verdict.message}", file=sys.stderr)
    if getattr(args, "require_strong_judge", False):
        from ..api.trust import require_strong

        require_strong(result)
    return result.exit_code


def partial_judging_status(status: int, failures: dict[str, int], run_name: str, retry: str) -> int:
    """A verdict over a partly judged run passes no gate: say how many calls failed and why; exit 2."""
    if not failures:
        return status
    from ..api.audit import describe_failures

    print(f"emaudit: {describe_failures(failures)} in run {run_name!r}; the verdict above is partial and "
          f"does not count: {retry}", file=sys.stderr)
    return 2


def _finite(value: object) -> object:
    """NaN and infinities become null, so that every JSON reader accepts the output."""
    import math

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
