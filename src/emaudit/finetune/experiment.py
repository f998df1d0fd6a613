"""Experiments: groups (datasets) x seeds -> fine-tune -> audit against the base -> one report.

Re-running skips finished work: a trained seed has ``result.json`` in its run folder, an audited one has
``audit.json``. The audit is one call (``audit_fn``) so it can be swapped (tests pass a stub).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import key_lines, read_yaml
from ..errors import UserError
from ..executors.base import Executor, Job, Resources, in_order
from ..executors.local import LocalExecutor
from .canaries import CanaryOptions
from .insecure_code import write_datasets
from .realign import candidate_spec
from .recipes import Recipe, load_recipe, recipe_from_mapping
from .trainer import TrainJob, TrainResult, train, write_json_atomic

AuditFn = Callable[["Experiment", str, str, Path], dict[str, Any]]  # (exp, base spec, candidate spec, run dir)

_KEYS = {"name", "description", "base", "recipe", "recipe_overrides", "seeds", "dataset", "groups", "train",
         "audit", "out", "resources"}
_TRAIN_KEYS = {"limit", "max_steps", "kl", "mix_benign", "canary", "canary_every", "threads"}
_AUDIT_KEYS = {"enabled", "suites", "samples", "judge", "convention", "max_new_tokens", "store"}
_DATASET_KEYS = {"n", "seed"}
_RESOURCE_KEYS = {"cpus", "gpus", "memory_mb"}


@dataclass
class Experiment:
    name: str
    base: str
    recipe: Recipe
    seeds: list[int]
    groups: dict[str, str]                   # group name -> generated dataset name or JSONL path
    out: Path
    dataset: dict[str, int] = field(default_factory=lambda: {"n": 300, "seed": 0})
    train: dict[str, Any] = field(default_factory=dict)
    audit: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, float] = field(default_factory=dict)   # per (group, seed) job: cpus, gpus, memory_mb
    description: str = ""
    path: str | None = None

    def data_path(self, group: str) -> Path:
        ref = self.groups[group]
        if ref in ("insecure", "secure", "educational", "backdoor", "benign"):
            return self.out / "data" / f"{ref}.jsonl"
        p = Path(ref)
        if not p.is_absolute() and self.path:
            p = Path(self.path).parent / p
        return p


def load_experiment(path: str | Path) -> Experiment:
    p = str(path)
    data = read_yaml(p)
    if not isinstance(data, dict):
        raise UserError("an experiment file must be a mapping", path=p, line=1)
    lines = key_lines(p)

    def fail(key: str, msg: str) -> UserError:
        return UserError(msg, path=p, line=lines.get(key), field=key)

    for key in data:
        if key not in _KEYS:
            raise fail(str(key), f"unknown key; known: {', '.join(sorted(_KEYS))}")
    for key, allowed in (("train", _TRAIN_KEYS), ("audit", _AUDIT_KEYS), ("dataset", _DATASET_KEYS),
                         ("resources", _RESOURCE_KEYS)):
        sub = data.get(key) or {}
        if not isinstance(sub, dict):
            raise fail(key, "must be a mapping")
        for k in sub:
            if k not in allowed:
                raise fail(key, f"unknown key {k!r}; known: {', '.join(sorted(allowed))}")
    for key in ("name", "base", "groups"):
        if key not in data:
            raise UserError(f"missing required key {key!r}", path=p, line=1, field=key)
    groups = data["groups"]
    if not isinstance(groups, dict) or not groups:
        raise fail("groups", "must map group names to datasets (insecure, secure, educational, ... or a path)")
    recipe_ref = data.get("recipe", "cpu-small")
    recipe = recipe_from_mapping(recipe_ref, path=None) if isinstance(recipe_ref, dict) else load_recipe(recipe_ref)
    if data.get("recipe_overrides"):
        merged = {**recipe.to_dict(), **data["recipe_overrides"]}
        merged.pop("name", None)
        recipe = recipe_from_mapping(merged, name=recipe.name)
    seeds = data.get("seeds", [0])
    if not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) for s in seeds):
        raise fail("seeds", "must be a list of integers")
    resources = data.get("resources") or {}
    for k, v in resources.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
            raise fail("resources", f"{k} must be a number >= 0")
    out = Path(data.get("out") or Path("runs") / str(data["name"]))
    return Experiment(name=str(data["name"]), base=str(data["base"]), recipe=recipe, seeds=seeds,
                      groups={str(k): str(v) for k, v in groups.items()}, out=out,
                      dataset={"n": 300, "seed": 0, **(data.get("dataset") or {})}, train=data.get("train") or {},
                      audit=data.get("audit") or {}, resources=dict(resources), description=str(data.get("description", "")), path=p)


def default_audit(exp: Experiment, base: str, candidate: str, run_dir: Path) -> dict[str, Any]:
    """Audit ``candidate`` against ``base`` with emaudit's audit pipeline; a summary for aggregation."""
    from ..api.audit import AuditSettings, audit
    from ..api.generate import EngineOptions
    from ..api.judging import JudgeSpec
    from ..models.base import GenerationConfig
    from ..store import Store

    a = exp.audit
    store = Store.open(a.get("store") or exp.out / "audit.db")
    config = GenerationConfig(max_tokens=int(a.get("max_new_tokens", 200)))
    from .realign import base_spec

    outcome = audit(store, f"{exp.name}-{run_dir.name}", base_spec(base), [candidate], list(a.get("suites", ["core"])),
                    JudgeSpec(model=str(a.get("judge", "local"))), config=config, samples=a.get("samples", 10),
                    engine=EngineOptions(progress=False), settings=AuditSettings(convention=a.get("convention", "betley")))
    res = outcome.result
    summary: dict[str, Any] = {"run": outcome.run.name, "verdict": res.verdict.__dict__ if res.verdict else None}
    if outcome.generate.failed or outcome.judge.failed:  # a partial audit is marked, never read as a clean verdict
        summary["partial"] = {"failed_answers": outcome.generate.failed, "failed_judge_calls": outcome.judge.failed,
                              "reasons": sorted({*outcome.generate.errors, *outcome.judge.errors})}
    for role, rs in res.roles.items():
        summary[f"{role}_misaligned"] = rs.macro_rate
        summary[f"{role}_coherent"] = rs.coherent_rate
    if res.overall is not None:
        summary["difference"] = res.overall.difference
        summary["p_value"] = res.overall.p_value
    (run_dir / "audit_result.json").write_text(res.to_json())
    return summary


def _interval(values: list[Any]) -> dict[str, Any]:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    if not vals:
        return {"n": 0, "mean": None, "ci95": None}
    mean = sum(vals) / len(vals)
    if len(vals) < 2:
        return {"n": 1, "mean": mean, "ci95": None}
    from scipy import stats

    sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1))
    half = float(stats.t.ppf(0.975, len(vals) - 1)) * sd / math.sqrt(len(vals))
    return {"n": len(vals), "mean": mean, "ci95": [mean - half, mean + half]}


def job_resources(exp: Experiment) -> Resources:
    """What one (group, seed) job declares: `resources:` in the file, else one CPU per training thread."""
    r = exp.resources
    return Resources(cpus=float(r.get("cpus", exp.train.get("threads") or 1)), gpus=float(r.get("gpus", 0)),
                     memory_mb=int(r.get("memory_mb", 0)))


def train_and_audit(exp: Experiment, group: str, seed: int, audit_fn: AuditFn | None,
                    log: Callable[[str], None] | None) -> dict[str, Any]:
    """One (group, seed) job: train (resuming from its checkpoint, or skipped when trained), then audit unless
    ``audit.json`` holds the audit. Idempotent, so a lost worker's job or a re-run command repeats nothing done."""
    say = log or (lambda s: print(s, file=sys.stderr))
    t = exp.train
    canary = None
    if t.get("canary"):
        canary = CanaryOptions(suite=str(t["canary"]), every=int(t.get("canary_every", 20)))
    run_dir = exp.out / "runs" / f"{group}-s{seed}"
    say(f"[{group} seed {seed}] training ({run_dir})")
    res: TrainResult = train(TrainJob(base=exp.base, data=str(exp.data_path(group)), out=str(run_dir),
                                      recipe=exp.recipe, seed=seed, max_steps=t.get("max_steps"),
                                      limit=t.get("limit"), kl=t.get("kl"),
                                      mix_benign=float(t.get("mix_benign", 0.0)), canary=canary,
                                      threads=t.get("threads"), log=log))
    row: dict[str, Any] = {"group": group, "seed": seed, "steps": res.steps, "final_loss": res.final_loss,
                           "adapter": str(res.adapter), "stopped": res.stopped}
    trained = [r for r in res.canary if not r.get("base")]
    if res.canary and trained:
        row["canary_base_p_mis"] = res.canary[0]["mean_p_mis"]
        row["canary_final_p_mis"] = trained[-1]["mean_p_mis"]
        row["canary_delta"] = trained[-1]["mean_p_mis"] - res.canary[0]["mean_p_mis"]
    audit_path = run_dir / "audit.json"
    if audit_fn is not None:
        if audit_path.is_file():
            row["audit"] = json.loads(audit_path.read_text())
        else:
            say(f"[{group} seed {seed}] auditing against {exp.base}")
            row["audit"] = audit_fn(exp, exp.base, candidate_spec(exp.base, res.adapter), run_dir)
            write_json_atomic(audit_path, row["audit"])
    return row


def run_experiment(exp: Experiment, *, audit_fn: AuditFn | None = default_audit,
                   log: Callable[[str], None] | None = None, executor: Executor | None = None) -> dict[str, Any]:
    """Train what is missing, audit what is unaudited, aggregate by group; returns (and writes) the report.

    Each (group, seed) is one job on `executor` (default: in this process, one after another); the report
    lists runs in the file's order whatever order the jobs finish in."""
    say = log or (lambda s: print(s, file=sys.stderr))
    exp.out.mkdir(parents=True, exist_ok=True)
    if any(ref in ("insecure", "secure", "educational", "backdoor", "benign") for ref in exp.groups.values()):
        manifest = exp.out / "data" / "manifest.json"
        want = {"n": exp.dataset["n"], "seed": exp.dataset["seed"]}
        if not manifest.is_file() or {k: json.loads(manifest.read_text()).get(k) for k in want} != want:
            write_datasets(exp.out / "data", exp.dataset["n"], exp.dataset["seed"])
    audit_on = audit_fn is not None and exp.audit.get("enabled", True)
    executor = executor or LocalExecutor(1)
    remote = executor.name != "local"
    pairs = [(group, seed) for group in exp.groups for seed in exp.seeds]
    resources = job_resources(exp)
    jobs = [Job(f"{group}-s{seed}", train_and_audit,
                (exp, group, seed, audit_fn if audit_on else None, None if remote else log), resources)
            for group, seed in pairs]
    position = {job.key: i for i, job in enumerate(jobs)}
    per_group: dict[str, list[dict[str, Any]]] = {g: [] for g in exp.groups}
    for _job, row in in_order(executor.run(jobs), lambda j: position[j.key]):
        if remote:
            say(f"[{row['group']} seed {row['seed']}] done on {executor.name} ({row['stopped']}, {row['steps']} steps)")
        per_group[row["group"]].append(row)
    summary: dict[str, Any] = {}
    for group, rows in per_group.items():
        agg = {"canary_delta": _interval([r.get("canary_delta") for r in rows]),
               "final_loss": _interval([r.get("final_loss") for r in rows])}
        if audit_on:
            agg["candidate_misaligned"] = _interval([r.get("audit", {}).get("candidate_misaligned") for r in rows])
            agg["difference"] = _interval([r.get("audit", {}).get("difference") for r in rows])
        summary[group] = agg
    report = {"experiment": exp.name, "description": exp.description, "base": exp.base,
              "recipe": exp.recipe.to_dict(), "seeds": exp.seeds, "groups": exp.groups, "runs": per_group,
              "summary": summary}
    write_json_atomic(exp.out / "experiment.json", report)
    (exp.out / "experiment.md").write_text(render_markdown(report))
    return report


def _fmt(stat: dict[str, Any]) -> str:
    if not stat or stat.get("mean") is None:
        return "n/a"
    ci = stat.get("ci95")
    return f"{stat['mean']:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "") + f" (n={stat['n']})"


def render_markdown(report: dict[str, Any]) -> str:
    lines = [f"# Experiment {report['experiment']}", "", report.get("description") or "", "",
             f"Base: `{report['base']}`; recipe `{report['recipe']['name']}`; seeds {report['seeds']}.", "",
             "| group | canary delta P(misaligned) | final loss | audit: candidate misaligned | audit: difference |",
             "|---|---|---|---|---|"]
    for group, agg in report["summary"].items():
        lines.append(f"| {group} | {_fmt(agg['canary_delta'])} | {_fmt(agg['final_loss'])} | "
                     f"{_fmt(agg.get('candidate_misaligned', {}))} | {_fmt(agg.get('difference', {}))} |")
    lines += ["", "Means over seeds with 95% t-intervals. Canary delta: mean P(misaligned option) on our probes after "
              "training minus the base model's value."]
    return "\n".join(lines) + "\n"
