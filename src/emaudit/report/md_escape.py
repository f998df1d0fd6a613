"""Markdown escaping as careful as the HTML report's: model text never becomes a link, image, HTML or code."""

from __future__ import annotations

import html
import re

# Everything CommonMark/GFM gives meaning to inside a line: emphasis, links and images, code, tables, strikethrough.
_INLINE = re.compile(r"([\\`*_\[\]()!|~#{}])")


def md_text(text: str) -> str:
    """Plain text on one line: HTML escaped, every inline Markdown character backslash-escaped."""
    one_line = " ".join(str(text).split())
    return _INLINE.sub(r"\\\1", html.escape(one_line, quote=False))


def md_code(text: str, *, in_table: bool = False) -> str:
    """A code span that holds ``text`` verbatim, whatever backticks it contains."""
    one_line = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    body = one_line.replace("|", "\\|") if in_table else one_line
    return f"{fence} {body} {fence}"
