"""Load suites: built-in names, our YAML format, or the paper's YAML format (detected by shape)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import UserError
from . import fields
from .betley_format import looks_like_betley, suite_from_betley
from .prompts import default_judge_prompts
from .schema import DEFAULT_METRICS, KINDS, VARIANTS, Question, Suite
from .tools import tools_json
from .yamlsource import Key, YamlSource, read_yaml_source

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
# Listing order for `emaudit suites`; any other built-in file follows alphabetically.
BUILTIN_ORDER = ("core", "extended", "deception", "identity", "canary")

TOP_KEYS = ("version", "name", "description", "defaults", "judge_prompts", "questions")
QUESTION_KEYS = ("id", "category", "paraphrases", "system", "samples", "judge_metrics", "variant", "kind",
                 "judge_prompts", "turns", "tools", "detectors")
DEFAULT_KEYS = ("category", "system", "samples", "judge_metrics", "variant", "kind", "tools", "detectors")


def builtin_names() -> list[str]:
    found = {p.stem for p in BUILTIN_DIR.glob("*.yaml")}
    ordered = [n for n in BUILTIN_ORDER if n in found]
    return ordered + sorted(found - set(ordered))


def list_suites() -> list[tuple[str, str, int]]:
    """(name, description, number of questions) of each built-in suite."""
    out = []
    for name in builtin_names():
        suite = load_suite(name)
        out.append((suite.name, suite.description, len(suite.questions)))
    return out


def load_suite(name_or_path: str) -> Suite:
    """A built-in suite by name, or a suite YAML file in our format or the paper's."""
    text = str(name_or_path)
    looks_like_path = any(sep in text for sep in ("/", "\\")) or text.endswith((".yaml", ".yml"))
    if not looks_like_path:
        builtin = BUILTIN_DIR / f"{text}.yaml"
        if builtin.is_file():
            return load_suite_file(builtin)
        if not Path(text).is_file():
            raise UserError(f"unknown suite {text!r}; built-in suites: {', '.join(builtin_names())} "
                            "(or give the path to a suite YAML file)")
    return load_suite_file(text)


def load_suite_file(path: str | Path) -> Suite:
    src = read_yaml_source(path)
    if looks_like_betley(src.data):
        suite = suite_from_betley(src, name=Path(path).stem)
    else:
        suite = _suite_from_emaudit(src, name=Path(path).stem)
    suite.path = str(path)
    return suite


def _suite_from_emaudit(src: YamlSource, name: str) -> Suite:
    if src.data is None:
        raise src.error((), "empty suite: expected a mapping with 'questions' (see docs/suites.md)")
    data = fields.mapping(src, (), src.data, "a suite must be a mapping with a 'questions' list, "
                                             "or a list of questions in the paper's format")
    fields.check_keys(src, (), data, TOP_KEYS, required=("questions",))
    if "version" in data and data["version"] != 1:
        raise src.error(("version",), "only version 1 is understood")
    suite_name = fields.string(src, ("name",), data["name"]) if "name" in data else name
    description = fields.string(src, ("description",), data.get("description", ""), allow_empty=True)

    prompts = default_judge_prompts()
    if data.get("judge_prompts") is not None:
        prompts.update(fields.judge_prompts(src, ("judge_prompts",), data["judge_prompts"], strict_format=True))

    defaults = _defaults(src, data.get("defaults"))
    raw_questions = data["questions"]
    if not isinstance(raw_questions, list) or not raw_questions:
        raise src.error(("questions",), "empty suite: must be a non-empty list of questions")

    questions: list[Question] = []
    first_line: dict[str, int | None] = {}
    for i, raw in enumerate(raw_questions):
        key: Key = ("questions", i)
        q = _question(src, key, raw, defaults, prompts)
        if q.id in first_line:
            raise src.error((*key, "id"), f"duplicate question id {q.id!r} (also at line {first_line[q.id]})")
        first_line[q.id] = src.line((*key, "id"))
        questions.append(q)
    return Suite(name=suite_name, questions=questions, judge_prompts=prompts, format="emaudit",
                 description=description.strip())


def _defaults(src: YamlSource, raw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"category": "other", "system": None, "samples": 100,
                           "judge_metrics": DEFAULT_METRICS, "variant": "plain", "kind": KINDS[0],
                           "tools": None, "detectors": ()}
    if raw is None:
        return out
    key: Key = ("defaults",)
    data = fields.mapping(src, key, raw)
    fields.check_keys(src, key, data, DEFAULT_KEYS)
    out.update(_optional_fields(src, key, data))
    return out


def _optional_fields(src: YamlSource, key: Key, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "category" in data:
        out["category"] = fields.question_id(src, (*key, "category"), data["category"])
    if "system" in data:
        out["system"] = fields.optional_string(src, (*key, "system"), data["system"])
    if "samples" in data:
        out["samples"] = fields.positive_int(src, (*key, "samples"), data["samples"], most=fields.MAX_SAMPLES)
    if "judge_metrics" in data:
        out["judge_metrics"] = fields.string_list(src, (*key, "judge_metrics"), data["judge_metrics"])
    if "variant" in data:
        out["variant"] = fields.choice(src, (*key, "variant"), data["variant"], VARIANTS)
    if "kind" in data:
        out["kind"] = fields.choice(src, (*key, "kind"), data["kind"], KINDS)
    if "tools" in data:
        out["tools"] = tools_json(src, (*key, "tools"), data["tools"]) if data["tools"] is not None else None
    if "detectors" in data:
        out["detectors"] = _detectors(src, (*key, "detectors"), data["detectors"])
    return out


def _detectors(src: YamlSource, key: Key, raw: Any) -> tuple[dict[str, Any], ...]:
    from ..redteam.detectors import check_settings

    if not isinstance(raw, list):
        raise src.error(key, "must be a list of detectors (names, or mappings with 'name' and settings)")
    out = []
    for i, entry in enumerate(raw):
        try:
            out.append(check_settings(entry))
        except ValueError as e:
            raise src.error((*key, i), str(e)) from None
    return tuple(out)


def _question(src: YamlSource, key: Key, raw: Any, defaults: dict[str, Any],
              suite_prompts: dict[str, str]) -> Question:
    data = fields.mapping(src, key, raw, "each question must be a mapping with at least 'id' and 'paraphrases'")
    fields.check_keys(src, key, data, QUESTION_KEYS, required=("id", "paraphrases"))
    qid = fields.question_id(src, (*key, "id"), data["id"])
    paraphrases = fields.string_list(src, (*key, "paraphrases"), data["paraphrases"])
    values = {**defaults, **_optional_fields(src, key, data)}
    turns = fields.string_list(src, (*key, "turns"), data["turns"]) if "turns" in data else ()
    own_prompts = None
    if data.get("judge_prompts") is not None:
        own_prompts = {**suite_prompts, **fields.judge_prompts(src, (*key, "judge_prompts"), data["judge_prompts"],
                                                               strict_format=True)}
    available = own_prompts if own_prompts is not None else suite_prompts
    for j, metric in enumerate(values["judge_metrics"]):
        if metric not in available:
            where = (*key, "judge_metrics", j) if "judge_metrics" in data else ("defaults", "judge_metrics", j)
            raise src.error(where, f"no judge prompt for metric {metric!r}; known metrics: "
                                   f"{', '.join(sorted(available))} (add it under judge_prompts)")
    return Question(id=qid, paraphrases=paraphrases, category=values["category"], system=values["system"],
                    samples=values["samples"], judge_metrics=tuple(values["judge_metrics"]),
                    variant=values["variant"], kind=values["kind"], judge_prompts=own_prompts, turns=turns,
                    tools=values["tools"], detectors=values["detectors"])
