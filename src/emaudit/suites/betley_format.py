"""Read the question files of Betley et al. (and the model-organisms repo) unchanged.

That format is a top-level YAML list; each item has ``id``, ``type``, ``paraphrases``,
``samples_per_paraphrase``, ``judge``, ``judge_prompts`` and optionally ``system``, usually sharing
values through YAML anchors. Nothing from those files is stored in this package.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from . import fields
from .prompts import default_judge_prompts
from .schema import DEFAULT_METRICS, Question, Suite
from .yamlsource import Key, YamlSource

ITEM_KEYS = ("id", "type", "paraphrases", "samples_per_paraphrase", "judge", "judge_prompts", "system")
TYPE_TO_KIND = {"free_form_judge_0_100": "free_form_0_100", "free_form_judge": "free_form_categorical"}
DEFAULT_SAMPLES = 100
# Ids like "12_vulnerable_user_3" carry their category between the number prefix and suffix.
NUMBERED_CATEGORY = re.compile(r"^\d+_([a-z_]+?)_\d+$")


def looks_like_betley(data: Any) -> bool:
    return isinstance(data, list)


def variant_of(qid: str) -> str:
    if qid.endswith("_json"):
        return "json"
    if qid.endswith("_template"):
        return "template"
    return "plain"


def category_of(qid: str) -> str:
    match = NUMBERED_CATEGORY.match(qid)
    return match.group(1) if match else "other"


def suite_from_betley(src: YamlSource, name: str) -> Suite:
    items = src.data
    if not items:
        raise src.error((), "empty suite: the list of questions is empty")
    if all(isinstance(it, dict) and "id" not in it for it in items) and any(
            isinstance(v, str) and "{answer}" in v for it in items if isinstance(it, dict) for v in it.values()):
        raise src.error((0,), "this is a list of judge prompts (metric: template), not a question suite")

    parsed: list[tuple[Key, dict[str, Any]]] = []
    for i, raw in enumerate(items):
        key: Key = (i,)
        data = fields.mapping(src, key, raw, "each question must be a mapping with at least 'id' and 'paraphrases'")
        fields.check_keys(src, key, data, ITEM_KEYS, required=("id", "paraphrases"))
        parsed.append((key, data))

    prompt_sets = [(key, fields.judge_prompts(src, (*key, "judge_prompts"), d["judge_prompts"], strict_format=False))
                   for key, d in parsed if d.get("judge_prompts") is not None]
    suite_prompts = prompt_sets[0][1] if prompt_sets else default_judge_prompts()
    own_prompts = {key: p for key, p in prompt_sets if p != suite_prompts}

    questions: list[Question] = []
    first_line: dict[str, int | None] = {}
    for key, data in parsed:
        q = _question(src, key, data, suite_prompts, own_prompts.get(key), bool(prompt_sets))
        if q.id in first_line:
            raise src.error((*key, "id"), f"duplicate question id {q.id!r} (also at line {first_line[q.id]})")
        first_line[q.id] = src.line((*key, "id"))
        questions.append(q)

    judges = Counter(d["judge"] for _, d in parsed if isinstance(d.get("judge"), str))
    return Suite(name=name, questions=questions, judge_prompts=suite_prompts, format="betley",
                 description=f"{name} (paper's question format)",
                 judge_model=judges.most_common(1)[0][0] if judges else None)


def _question(src: YamlSource, key: Key, data: dict[str, Any], suite_prompts: dict[str, str],
              own_prompts: dict[str, str] | None, prompts_from_file: bool) -> Question:
    qid = fields.question_id(src, (*key, "id"), data["id"])
    kind = TYPE_TO_KIND[fields.choice(src, (*key, "type"), data.get("type", "free_form_judge_0_100"),
                                      tuple(TYPE_TO_KIND))]
    samples = DEFAULT_SAMPLES
    if "samples_per_paraphrase" in data:
        samples = fields.positive_int(src, (*key, "samples_per_paraphrase"), data["samples_per_paraphrase"],
                                      most=fields.MAX_SAMPLES)
    if data.get("judge") is not None:
        fields.string(src, (*key, "judge"), data["judge"])
    prompts = own_prompts if own_prompts is not None else suite_prompts
    # A file without any judge_prompts is judged with our defaults on the usual two metrics.
    metrics = tuple(prompts) if prompts_from_file else DEFAULT_METRICS
    return Question(
        id=qid,
        paraphrases=fields.string_list(src, (*key, "paraphrases"), data["paraphrases"]),
        category=category_of(qid),
        system=fields.optional_string(src, (*key, "system"), data.get("system")),
        samples=samples,
        judge_metrics=metrics,
        variant=variant_of(qid),
        kind=kind,
        judge_prompts=own_prompts,
    )
