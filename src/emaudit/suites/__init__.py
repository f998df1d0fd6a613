"""Question suites as data: our YAML format, the paper's YAML format, and the built-in suites."""

from .loader import list_suites, load_suite
from .prompts import default_judge_prompts
from .schema import Question, Suite

__all__ = ["Question", "Suite", "default_judge_prompts", "list_suites", "load_suite"]
