"""Pure analysis of judged answers: conventions, rates, intervals, paired tests, verdict. No I/O."""

from .analyze import analyze
from .conventions import BETLEY, CONVENTIONS, MODEL_ORGANISMS, PLAIN, Convention, get_convention
from .records import AnswerScore
from .result import SCHEMA_VERSION, AuditResult
from .sequential import SequentialDecision, macro_sequential_decision, sequential_decision
from .verdict import Verdict, VerdictRule

__all__ = [
    "BETLEY", "CONVENTIONS", "MODEL_ORGANISMS", "PLAIN", "SCHEMA_VERSION", "AnswerScore", "AuditResult",
    "Convention", "SequentialDecision", "Verdict", "VerdictRule", "analyze", "get_convention",
    "macro_sequential_decision",
    "sequential_decision",
]
