"""The run store: SQLite, schema evolved by numbered migrations."""

from .records import AnswerRow, ErrorRow, Judgement, Run, RunSummary, WorkItem, item_key
from .store import Store

__all__ = ["AnswerRow", "ErrorRow", "Judgement", "Run", "RunSummary", "Store", "WorkItem", "item_key"]
