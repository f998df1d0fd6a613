"""Training recipes: named YAML files in ``recipes/`` or a user's YAML, checked key by key."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import key_lines, read_yaml
from ..errors import UserError

RECIPE_DIR = Path(__file__).parent / "recipes"
SCHEDULES = ("linear", "cosine", "constant")
DTYPES = ("auto", "bf16", "fp32", "fp16")


@dataclass(frozen=True)
class Recipe:
    name: str = "custom"
    description: str = ""
    r: int = 8
    alpha: float = 16
    rslora: bool = False
    dropout: float = 0.0
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")
    layers: int | str | tuple[int, ...] | None = None   # None: every layer; "middle": the middle one
    lr: float = 2e-4
    epochs: float = 1
    max_steps: int | None = None
    batch_size: int = 4
    grad_accum: int = 1
    schedule: str = "linear"
    warmup_steps: int = 0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    max_seq_len: int = 256
    dtype: str = "auto"
    save_every: int = 10
    keep_checkpoints: int = 2
    seed: int = 0
    kl_weight: float = 0.0
    kl_batch_size: int = 2

    @property
    def effective_batch(self) -> int:
        return self.batch_size * self.grad_accum

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["target_modules"] = list(self.target_modules)
        if isinstance(self.layers, tuple):
            d["layers"] = list(self.layers)
        return d

    def with_overrides(self, **kw: Any) -> Recipe:
        return dataclasses.replace(self, **{k: v for k, v in kw.items() if v is not None})


_TYPES: dict[str, tuple[type, ...]] = {
    "description": (str,), "r": (int,), "alpha": (int, float), "rslora": (bool,), "dropout": (int, float),
    "target_modules": (list, str), "layers": (int, str, list, type(None)), "lr": (int, float),
    "epochs": (int, float), "max_steps": (int, type(None)), "batch_size": (int,), "grad_accum": (int,),
    "schedule": (str,), "warmup_steps": (int,), "weight_decay": (int, float), "max_grad_norm": (int, float),
    "max_seq_len": (int,), "dtype": (str,), "save_every": (int,), "keep_checkpoints": (int,), "seed": (int,),
    "kl_weight": (int, float), "kl_batch_size": (int,),
}


def list_recipes() -> list[tuple[str, str]]:
    out = []
    for p in sorted(RECIPE_DIR.glob("*.yaml")):
        data = read_yaml(p) or {}
        out.append((p.stem, str(data.get("description", ""))))
    return out


def load_recipe(name_or_path: str | Path) -> Recipe:
    """A built-in recipe by name (``paper-lora``, ``rank1-organism``, ``cpu-small``) or a YAML path."""
    text = str(name_or_path)
    builtin = RECIPE_DIR / f"{text}.yaml"
    path = builtin if builtin.is_file() else Path(text)
    if not path.is_file():
        names = ", ".join(n for n, _ in list_recipes())
        raise UserError(f"no recipe named {text!r} and no such file; built-in recipes: {names}", field="recipe")
    return recipe_from_mapping(read_yaml(path) or {}, name=path.stem, path=str(path))


def recipe_from_mapping(data: Any, *, name: str = "custom", path: str | None = None) -> Recipe:
    if not isinstance(data, dict):
        raise UserError("a recipe must be a mapping of settings", path=path, line=1)
    lines = key_lines(path) if path else {}
    kw: dict[str, Any] = {}
    for key, raw in data.items():
        k = str(key)
        value: Any = raw
        line = lines.get(k)
        if k not in _TYPES:
            raise UserError(f"unknown recipe key; known keys: {', '.join(sorted(_TYPES))}", path=path, line=line,
                            field=k)
        if not isinstance(value, _TYPES[k]) or (isinstance(value, bool) and bool not in _TYPES[k]):
            raise UserError(f"expected {' or '.join(t.__name__ for t in _TYPES[k])}, got {value!r}",
                            path=path, line=line, field=k)
        if k == "target_modules":
            value = (raw,) if isinstance(raw, str) else tuple(str(v) for v in raw)
        if k == "layers" and isinstance(raw, list):
            value = tuple(int(v) for v in raw)
        kw[k] = value
    recipe = Recipe(name=name, **kw)
    _check(recipe, path, lines)
    return recipe


def _check(r: Recipe, path: str | None, lines: dict[str, int]) -> None:
    def fail(fld: str, msg: str) -> None:
        raise UserError(msg, path=path, line=lines.get(fld), field=fld)

    if r.schedule not in SCHEDULES:
        fail("schedule", f"must be one of {', '.join(SCHEDULES)}")
    if r.dtype not in DTYPES:
        fail("dtype", f"must be one of {', '.join(DTYPES)}")
    for fld in ("r", "batch_size", "grad_accum", "max_seq_len", "save_every", "keep_checkpoints", "kl_batch_size"):
        if getattr(r, fld) < 1:
            fail(fld, "must be at least 1")
    if r.lr <= 0:
        fail("lr", "must be positive")
    if not 0 <= r.dropout < 1:
        fail("dropout", "must be in [0, 1)")
    if isinstance(r.layers, str) and r.layers != "middle":
        fail("layers", "must be a layer index, a list of indices, or 'middle'")
    if r.epochs <= 0 and r.max_steps is None:
        fail("epochs", "must be positive")
