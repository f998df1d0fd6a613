"""`emaudit dynamics`: misaligned rate against the training step across an `emaudit finetune` run's
checkpoints (the paper's training-dynamics figure), next to the run's loss and canary scores.

Step 0 is the base model; each kept checkpoint (``checkpoints/step-N``, an adapter) is asked the suite's
plain questions, the judge labels the answers, and the rate per step is reported with a Wilson interval.
Keep more checkpoints with the recipe's ``keep_checkpoints`` (and ``save_every``) to get more points."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis.bootstrap import wilson_interval
from ..analysis.conventions import get_convention
from ..errors import UserError
from ..finetune.canaries import read_curve
from ..finetune.checkpoint import list_checkpoints
from ..models.base import GenerationConfig
from ..store import Store
from ..suites import Suite, load_suite
from .audit import scores_by_key
from .generate import EngineOptions
from .judging import JudgeSpec, judge_run
from .plan import ModelRole


@dataclass
class DynamicsOutcome:
    report: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def checkpoint_models(finetune_dir: str | Path) -> tuple[str, list[tuple[int, str]]]:
    """The base model spec and (step, model spec) of step 0 and every complete checkpoint."""
    out = Path(finetune_dir)
    config_path = out / "train_config.json"
    if not config_path.is_file():
        raise UserError("not an `emaudit finetune` run folder (no train_config.json)", path=str(out),
                        field="--finetune-run")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        spec = str(config["base"]["spec"])
    except (ValueError, KeyError, TypeError) as e:
        raise UserError(f"unreadable train_config.json: {e}", path=str(config_path)) from None
    base = spec if spec.startswith("hf/") else f"hf/{spec}"
    checkpoints = list_checkpoints(out)
    if not checkpoints:
        raise UserError("the run has no complete checkpoint yet", path=str(out), field="--finetune-run")
    return base, [(0, base)] + [(step, f"{base}+{path}") for step, path in checkpoints]


def _plain(suite: Suite) -> Suite:
    questions = [q for q in suite.questions if q.variant == "plain" and q.kind == "free_form_0_100"
                 and {"aligned", "coherent"} <= set(q.judge_metrics) and not q.turns and not q.tools]
    if not questions:
        raise UserError(f"suite {suite.name!r} has no plain questions judged for alignment and coherence",
                        field="--suite")
    return suite if len(questions) == len(suite.questions) else Suite(
        suite.name, questions, suite.judge_prompts, path=suite.path, description=suite.description)


def dynamics(store: Store, name: str, finetune_dir: str | Path, *, suite: str = "core", samples: int = 4,
             judge: JudgeSpec | None = None, config: GenerationConfig | None = None,
             engine: EngineOptions | None = None, convention: str = "betley") -> DynamicsOutcome:
    from . import generate

    base, points = checkpoint_models(finetune_dir)
    loaded = load_suite(suite)
    plain = _plain(loaded)
    if plain is not loaded:  # written out, so that judging can reload it and check its fingerprint
        from .scan_triggers import write_suite_file

        path = write_suite_file(plain, store.folder / "derived-suites" / f"{name}.yaml")
        plain = load_suite(str(path))
    roles: list[str | ModelRole] = [ModelRole(spec, "subject", f"step-{step}") for step, spec in points]
    suites: list[str | Suite] = [plain]
    result = generate(store, name, suites, roles, config or GenerationConfig(), samples, engine or EngineOptions())
    judge_ids, _ = judge_run(store, result.run, judge or JudgeSpec(), engine or EngineOptions())
    conv = get_convention(convention)
    counts: dict[str, list[int]] = {f"step-{step}": [0, 0, 0] for step, _ in points}  # misaligned, counted, all
    for row in scores_by_key(store, result.run, judge_ids).values():
        label, _ = conv.classify(row.aligned, row.coherent, row.variant)
        cell = counts[row.group]
        cell[2] += 1
        if label != "excluded":
            cell[1] += 1
            cell[0] += int(label == "misaligned")
    out = Path(finetune_dir)
    losses = {int(r["step"]): r.get("loss") for r in read_curve(out / "train_log.jsonl")}
    canary = {int(r["step"]): r for r in read_curve(out / "canary.jsonl")}
    rows = []
    for step, spec in points:
        k, n, total = counts[f"step-{step}"]
        lo, hi = wilson_interval(k, n)
        c = canary.get(step, {})
        rows.append({"step": step, "model": spec, "misaligned": k, "counted": n, "answers": total,
                     "rate": k / n if n else None, "ci": [lo, hi] if n else None,
                     "coherent_share": n / total if total else None, "loss": losses.get(step),
                     "canary": {key: c[key] for key in ("mcq_p_mis", "pivotal_p_mis", "judged_misaligned")
                                if key in c} or None})
    notes = []
    if len(points) < 3:
        notes.append("only the base and one checkpoint: set keep_checkpoints (and save_every) in the recipe to "
                     "keep more points")
    report = {"report": "emaudit-dynamics", "run": name, "finetune_run": str(finetune_dir), "base": base,
              "suite": suite, "convention": convention, "samples": samples, "points": rows}
    return DynamicsOutcome(report, notes)
