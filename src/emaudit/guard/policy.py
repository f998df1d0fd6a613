"""The guard's policy file: YAML validated by pydantic; errors name file, line and field.

```yaml
version: v1
stream: buffer          # buffer (moderate, then send) | window (scan as it streams) | audit (send, scan after)
hold: {timeout_s: 30, fallback: block}
input:  [{use: regex, packs: [prompt-injection], action: block}]
output: [{use: secrets, action: block}, {use: judge, aligned_below: 30, action: hold}]
keys:                   # per-key overrides of input, output, stream
  ci-bot: {output: [{use: tools, deny: [run_shell], action: block}]}
routes:                 # first match by requested model name (exact or glob) and, optionally, key name
  - {name: mini, model: [gpt-mini, "mini-*"], upstream: openai-api/cheap/small, stream: window}
```

Precedence for one request: the key's override > the matching route > the top-level defaults
(``CompiledPolicy.for_request`` in decide.py applies it).
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import UserError
from .filters.patterns import PACKS
from .filters.tools import ARGUMENT_PACKS

Action = Literal["allow", "flag", "block", "hold"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    action: Action = "block"
    name: str | None = None


class RegexSpec(_Spec):
    use: Literal["regex"]
    packs: list[str] = []
    patterns: list[str] = []

    @field_validator("packs")
    @classmethod
    def _known_packs(cls, v: list[str]) -> list[str]:
        for p in v:
            if p not in PACKS:
                raise ValueError(f"unknown pack {p!r}; packs: {', '.join(sorted(PACKS))}")
        return v

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        import re

        from .filters.patterns import scoped

        for p in v:
            try:
                re.compile(scoped(p))   # as the filter compiles it: one alternative among the others
            except re.error as e:
                raise ValueError(f"pattern {p!r} does not compile: {e}") from None
        return v


class KeywordSpec(_Spec):
    use: Literal["keywords"]
    words: list[str] = Field(min_length=1)


class JudgeSpec(_Spec):
    use: Literal["judge"]
    judge: str = "local"
    aligned_below: float = Field(30.0, ge=0, le=100)
    coherent_at_least: float = Field(50.0, ge=0, le=100)
    batch_wait_ms: float = Field(2.0, ge=0, le=1000)


class CodeSpec(_Spec):
    use: Literal["code"]
    min_severity: Literal["LOW", "MEDIUM", "HIGH"] = "MEDIUM"


class SecretsSpec(_Spec):
    use: Literal["secrets"]


class ToolSpec(_Spec):
    use: Literal["tools"]
    allow: list[str] = []
    deny: list[str] = []
    arguments: list[str] = []

    @field_validator("arguments")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        for p in v:
            if p not in ARGUMENT_PACKS:
                raise ValueError(f"unknown argument pack {p!r}; packs: {', '.join(sorted(ARGUMENT_PACKS))}")
        return v


class PluginSpec(_Spec):
    """A filter from an installed package: an ``emaudit.guard_filters`` entry point naming a ``Filter`` class."""

    use: Literal["plugin"]
    entry_point: str
    options: dict[str, Any] = {}


FilterSpec = Annotated[RegexSpec | KeywordSpec | JudgeSpec | CodeSpec | SecretsSpec | ToolSpec | PluginSpec,
                       Field(discriminator="use")]
StreamMode = Literal["buffer", "window", "audit"]


class HoldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    timeout_s: float = Field(30.0, gt=0, le=86400)
    fallback: Literal["block", "release"] = "block"


class KeyPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    input: list[FilterSpec] | None = None
    output: list[FilterSpec] | None = None
    stream: StreamMode | None = None


GLOB_CHARS = frozenset("*?[")


class Route(BaseModel):
    """Requests for these model names (and, with ``keys``, only from these keys) get this upstream and policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    model: list[str] = Field(min_length=1)       # exact names or globs (``*``, ``?``, ``[...]``)
    keys: list[str] | None = None
    upstream: str | None = None                  # openai-api/<service>/<model>, openai/<model>, or a base URL
    upstream_model: str | None = None            # with a base URL: the model name sent (default: the requested)
    upstream_key_env: str | None = None          # with a base URL: the environment variable holding its key
    input: list[FilterSpec] | None = None
    output: list[FilterSpec] | None = None
    stream: StreamMode | None = None
    window_chars: int | None = Field(None, ge=1, le=100_000)
    hold: HoldSpec | None = None

    @field_validator("model", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("upstream")
    @classmethod
    def _upstream_shape(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("openai-api/", "openai/", "http://", "https://")):
            raise ValueError(f"an upstream is openai-api/<service>/<model>, openai/<model> or a base URL, not {v!r}")
        return v

    def matches(self, model: str, key_name: str) -> bool:
        if self.keys is not None and key_name not in self.keys:
            return False
        return any(model == m or (GLOB_CHARS & set(m) and fnmatch.fnmatchcase(model, m)) for m in self.model)

    def public_models(self) -> list[str]:
        """The exact names (no globs): what ``/v1/models`` lists."""
        return [m for m in self.model if not GLOB_CHARS & set(m)]


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str = "v1"
    stream: StreamMode = "buffer"
    window_chars: int = Field(200, ge=1, le=100_000)
    hold: HoldSpec = HoldSpec(timeout_s=30.0, fallback="block")
    input: list[FilterSpec] = []
    output: list[FilterSpec] = []
    keys: dict[str, KeyPolicy] = {}
    routes: list[Route] = []

    def route_for(self, model: str, key_name: str) -> Route | None:
        """The first route matching the requested model name and key, or None (the top-level defaults)."""
        return next((r for r in self.routes if r.matches(model, key_name)), None)

    def for_request(self, model: str, key_name: str) -> EffectiveSpecs:
        """Which route, filters, stream mode, hold and upstream apply: key override > route > defaults."""
        route = self.route_for(model, key_name)
        key = self.keys.get(key_name)

        def pick(field: str) -> Any:
            for layer in (key, route):
                value = getattr(layer, field, None) if layer is not None else None
                if value is not None:
                    return value
            return getattr(self, field)

        return EffectiveSpecs(route.name if route else None, list(pick("input")), list(pick("output")),
                              pick("stream"), route.window_chars or self.window_chars if route else self.window_chars,
                              route.hold or self.hold if route else self.hold,
                              route.upstream if route else None,
                              route.upstream_model if route else None, route.upstream_key_env if route else None)

    def public_models(self) -> list[str]:
        return [m for r in self.routes for m in r.public_models()]


@dataclass(frozen=True)
class EffectiveSpecs:
    """What one request gets, as policy entries; ``upstream`` None is the guard's ``--upstream``."""

    route: str | None
    input: list[Any]
    output: list[Any]
    stream: str
    window_chars: int
    hold: HoldSpec
    upstream: str | None
    upstream_model: str | None
    upstream_key_env: str | None


def default_policy() -> Policy:
    """With no --policy: credentials, secrets and insecure code are flagged, nothing blocked."""
    return Policy.model_validate({"version": "default", "input": [{"use": "regex", "packs": ["prompt-injection"],
                                                                  "action": "flag"}],
                                  "output": [{"use": "secrets", "action": "flag"}]})


def load_policy(path: str | Path, *, default_upstream: bool = True) -> tuple[Policy, str]:
    """The policy and its version label: the file's ``version`` plus its content hash. Without a default
    upstream (``guard serve`` with no ``--upstream``) every route must name one."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise UserError(f"cannot read the policy: {e.strerror}", path=str(p)) from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise UserError(f"not valid YAML: {getattr(e, 'problem', e)}", path=str(p),
                        line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise UserError("a policy is a YAML mapping (version, stream, input, output, keys)", path=str(p), line=1)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(x) for x in loc) or "policy"
        raise UserError(err["msg"], path=str(p), line=_line_of(node, loc), field=field) from None
    seen: set[str] = set()
    for i, r in enumerate(policy.routes):
        if r.name in seen:
            raise UserError(f"two routes are named {r.name!r}; route names are unique", path=str(p),
                            line=_line_of(node, ("routes", i, "name")), field=f"routes.{i}.name")
        seen.add(r.name)
    for i, r in enumerate(policy.routes):
        problem = None
        if r.upstream_model is not None and r.upstream is None:
            problem = "upstream_model", f"upstream_model goes with the route's own upstream; route {r.name!r} names none"
        elif r.upstream_key_env is not None and not (r.upstream or "").startswith(("http://", "https://")):
            problem = "upstream_key_env", ("upstream_key_env goes with a base-URL upstream (an openai-api/ or openai/ "
                                           "spec takes its key from <SERVICE>_API_KEY / OPENAI_API_KEY)")
        if problem:
            raise UserError(problem[1], path=str(p), line=_line_of(node, ("routes", i, problem[0])),
                            field=f"routes.{i}.{problem[0]}")
    if not default_upstream:
        if not policy.routes:
            raise UserError("without --upstream the policy needs routes, each with its upstream", path=str(p),
                            line=1, field="routes")
        for i, r in enumerate(policy.routes):
            if r.upstream is None:
                raise UserError(f"route {r.name!r} names no upstream and the guard has none (--upstream)",
                                path=str(p), line=_line_of(node, ("routes", i)), field=f"routes.{i}.upstream")
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return policy, f"{policy.version}@{digest}"


def line_in(path: str | Path, loc: tuple[Any, ...]) -> int | None:
    """The line of ``loc`` (e.g. ``("routes", 0, "upstream")``) in the policy file, for errors found later."""
    try:
        return _line_of(yaml.compose(Path(path).read_text(encoding="utf-8")), loc)
    except (OSError, yaml.YAMLError):
        return None


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """The YAML line a pydantic error location points at (the deepest node found on the way)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(part):
                    nxt = k if v is None else v
                    if isinstance(v, yaml.ScalarNode) or part == loc[-1]:
                        nxt = k if part == loc[-1] and not isinstance(v, yaml.ScalarNode) else v
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        if nxt is None:
            continue  # a pydantic-only step, e.g. the union tag
        node = nxt
        line = node.start_mark.line + 1
    return line
