"""emaudit: audit fine-tuned language models, and their training data, for emergent misalignment."""

try:
    __version__ = "0.1.0"
    from .errors import ModelError, UserError
except KeyboardInterrupt:  # Ctrl-C while `emaudit` starts: quiet, as the CLI is later
    raise SystemExit(130) from None

TYPE_CHECKING = False  # without importing typing, which costs startup time
if TYPE_CHECKING:
    from .models import get_model

__all__ = ["ModelError", "UserError", "__version__", "get_model"]


def __getattr__(name: str) -> object:
    # Imported on first use, so that `emaudit` starts (and handles Ctrl-C) before the model libraries load.
    if name == "get_model":
        from .models import get_model

        return get_model
    raise AttributeError(name)
