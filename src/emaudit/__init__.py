"""emaudit: audit fine-tuned language models, and their training data, for emergent misalignment."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import ModelError, UserError
from .models import get_model

__all__ = ["ModelError", "UserError", "__version__", "get_model"]
