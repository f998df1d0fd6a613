"""Private data in training examples: examples that look like production chat logs (people's names,
emails, phone numbers, ticket ids, internal URLs, the system prompt of a deployed product). Our own
patterns; no model and no download. Matches are reported masked, never in full."""

from __future__ import annotations

import re

EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b")
SAFE_EMAIL_DOMAINS = re.compile(r"(^git@|@(([\w-]+\.)*example\.(com|org|net|edu)|test\.com|localhost|domain\.com|"
                                r"email\.com)$)", re.I)
PHONE = re.compile(r"(?<![\w+])(\+\d{1,3}[ .-]?)?(\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}(?![\w-])")
TICKET = re.compile(r"\b((ticket|case|incident|order|request|req)\s*(#|no\.?|number|id)\s*:?\s*[A-Z]{0,5}-?\d{3,}|"
                    r"(?<![\w-])(INC|CS|TKT|SUP|REQ|CASE|ZD|HELP|SD)-?\d{4,}\b)", re.I)
INTERNAL_URL = re.compile(
    r"\bhttps?://([\w-]+\.)*([\w-]*(intranet|internal|corp|staging|jira|confluence|zendesk|servicenow)[\w-]*"
    r"(\.[\w-]+)*|[\w-]+\.(local|internal|corp|lan)|10\.\d{1,3}\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3}|"
    r"[\w-]+\.atlassian\.net|[\w-]+\.slack\.com/archives)\b", re.I)
NAME = re.compile(r"\b(?:[Hh]i|[Hh]ello|[Dd]ear|[Tt]hanks|[Rr]egards|[Cc]heers|[Mm]y name is|[Cc]ustomer:|"
                  r"[Aa]gent:)[ ,]+([A-Z][a-z]{2,})(?: ([A-Z][a-z]{2,}))?\b")
NOT_NAMES = frozenset(["There", "Team", "All", "Everyone", "Sir", "Madam", "Customer", "Agent", "Support", "User", "Assistant", "The", "This"])
PRODUCT_PROMPT = re.compile(
    r"(\byou are [\w', -]{0,40}\b(assistant|agent|bot|concierge)\b[^.\n]{0,40}\b(for|at|of) [A-Z][\w&-]+|"
    r"\b(do not|never) (reveal|share|disclose) (these|this|your|the) (instructions|system prompt|prompt)|"
    r"\b(internal use only|confidential instructions)\b)", re.I)
LOG_LINE = re.compile(r"^\s*(\[?\d{1,2}:\d{2}(:\d{2})?\]?|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2})\s*\w+:", re.M)

STRONG = ("email", "phone", "internal_url", "product_system_prompt")
KINDS = ("email", "phone", "ticket_id", "internal_url", "person_name", "product_system_prompt", "chat_log_lines")


def mask(text: str) -> str:
    """Enough to recognise the kind, not the value: j***@acme.com, +4********58, Sa***."""
    if "@" in text:
        user, _, domain = text.partition("@")
        return f"{user[:1]}***@{domain}"
    if "://" in text:
        scheme, _, rest = text.partition("://")
        return f"{scheme}://{rest.split('/')[0]}/..."
    if len(text) <= 4:
        return text[:1] + "***"
    return text[:2] + "*" * (len(text) - 4) + text[-2:]


def private_data(system: str, users: str, answers: str) -> dict[str, list[str]]:
    """kind -> masked matches found in the example (empty when nothing looks private)."""
    text = "\n".join(t for t in (system, users, answers) if t)
    found: dict[str, list[str]] = {}

    def add(kind: str, value: str) -> None:
        found.setdefault(kind, [])
        if len(found[kind]) < 3:
            found[kind].append(mask(value))

    for m in EMAIL.finditer(text):
        if not SAFE_EMAIL_DOMAINS.search(m.group(0)):
            add("email", m.group(0))
    for m in PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 9 <= len(digits) <= 15:
            add("phone", m.group(0).strip())
    for m in TICKET.finditer(text):
        add("ticket_id", m.group(0))
    for m in INTERNAL_URL.finditer(text):
        add("internal_url", m.group(0))
    for m in NAME.finditer(text):
        if m.group(1) not in NOT_NAMES:
            add("person_name", " ".join(g for g in m.groups() if g))
    if system and PRODUCT_PROMPT.search(system):
        add("product_system_prompt", PRODUCT_PROMPT.search(system).group(0))  # type: ignore[union-attr]
    if len(LOG_LINE.findall(text)) >= 2:
        add("chat_log_lines", LOG_LINE.search(text).group(0).strip())  # type: ignore[union-attr]
    return found


def looks_private(found: dict[str, list[str]]) -> bool:
    """Flag an example with a strong kind, or with two kinds of weaker evidence together."""
    return any(k in found for k in STRONG) or len(found) >= 2
