"""emaudit: audit fine-tuned language models, and their training data, for emergent misalignment."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from .errors import ModelError, UserError

__all__ = ["ModelError", "UserError", "__version__", "get_model"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `emaudit` starts (and handles Ctrl-C) before the model libraries load.
    if name == "get_model":
        from .models import get_model

        return get_model
    raise AttributeError(name)
