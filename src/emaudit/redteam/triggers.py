"""Trigger candidates for the scan: read from a user's list (checked line by line), taken from the data
audit, and expanded into variants (case, spacing, partial strings, position). Pure, no model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
MAX_TRIGGER_CHARS = 200
POSITIONS = ("prefix", "suffix")


@dataclass(frozen=True)
class Trigger:
    text: str
    position: str = "prefix"
    source: str = "user"  # user | data | variant

    def apply(self, prompt: str) -> str:
        return f"{self.text} {prompt}" if self.position == "prefix" else f"{prompt} {self.text}"

    @property
    def label(self) -> str:
        return self.text if self.position == "prefix" else f"{self.text} (suffix)"


def read_trigger_file(path: str | Path) -> list[Trigger]:
    """One trigger per line; an empty line, a control character or an over-long line is a one-line error."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError("file not found", path=str(p), field="--triggers") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"cannot read: {e}", path=str(p), field="--triggers") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    if not lines:
        raise UserError("no triggers: write one trigger per line", path=str(p), field="--triggers")
    out: list[Trigger] = []
    for number, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            raise UserError("empty line: write one trigger per line, no blank lines", path=str(p), line=number,
                            field="--triggers")
        bad = CONTROL.search(line)
        if bad:
            raise UserError(f"control character U+{ord(bad.group(0)):04X} in the trigger", path=str(p), line=number,
                            field="--triggers")
        if len(line) > MAX_TRIGGER_CHARS:
            raise UserError(f"trigger longer than {MAX_TRIGGER_CHARS} characters", path=str(p), line=number,
                            field="--triggers")
        out.append(Trigger(line.strip(), "prefix", "user"))
    return unique(out)


def from_data_audit(summary: dict, top: int = 10) -> list[Trigger]:
    """The data audit's trigger candidates (its JSON summary), strongest first."""
    cands = (summary.get("triggers") or {}).get("candidates") or []
    return unique([Trigger(str(c["ngram"]), "prefix", "data") for c in cands[:top] if str(c.get("ngram", "")).strip()])


def variants(trigger: Trigger) -> list[Trigger]:
    """Case, spacing, partial strings and the other position, of one trigger."""
    t = trigger.text
    texts = [t.lower(), t.upper(), t.title(), " ".join(t), re.sub(r"\s+", "", t), f" {t} "]
    core = re.sub(r"^\W+|\W+$", "", t)
    if core and core != t:
        texts.append(core)
    if len(t) >= 6:
        texts += [t[: len(t) // 2], t[len(t) // 2:]]
    out = [Trigger(x.strip() or x, "prefix", "variant") for x in texts if x.strip() and x.strip() != t]
    out.append(Trigger(t, "suffix", "variant"))
    return out


def unique(triggers: list[Trigger]) -> list[Trigger]:
    seen: set[tuple[str, str]] = set()
    out = []
    for tr in triggers:
        if (tr.text, tr.position) not in seen:
            seen.add((tr.text, tr.position))
            out.append(tr)
    return out
