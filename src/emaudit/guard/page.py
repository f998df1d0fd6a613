"""The approval page (``/guard/queue`` on the guard's loopback address): held answers, approve / reject /
edit-and-approve with who and why. The form carries the hash of the bytes shown, so an approval only
releases exactly those bytes."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from aiohttp import web

from ..errors import UserError
from .journal import Journal
from .streams import Assembled

STYLE = ("body{font-family:sans-serif;max-width:60rem;margin:2rem auto}article{border:1px solid #ccc;"
         "padding:1rem;margin:1rem 0}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}"
         "textarea{width:100%}.error{color:#a00}")


def held_text(body: str) -> str:
    """The answer text inside held bytes (a completion, or an SSE stream)."""
    try:
        payload = json.loads(body)
        return "\n".join(str((c.get("message") or {}).get("content") or "") for c in payload.get("choices", []))
    except ValueError:
        answer = Assembled()
        for line in body.splitlines():
            if line.startswith("data:") and line[5:].strip() != "[DONE]":
                try:
                    answer.add(json.loads(line[5:]))
                except ValueError:
                    continue
        return answer.text


def render(journal: Journal, message: str = "") -> str:
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>emaudit guard: held answers</title>"
             f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; "
             f"form-action 'self'\"><style>{STYLE}</style></head><body><h1>Held answers</h1>"]
    if message:
        parts.append(f"<p class='error' role='alert'>{escape(message)}</p>")
    holds = journal.holds()
    if not holds:
        parts.append("<p id='empty'>Nothing is held.</p>")
    for h in holds:
        log = journal.get_log(h["log_id"])
        question = next((str(m.get("content", "")) for m in reversed(log["request"].get("messages", []))
                         if isinstance(m, dict) and m.get("role") == "user"), "")
        text = held_text(h["held_body"])
        parts.append(
            f"<article id='hold-{h['id']}'><h2>Hold {h['id']}: {escape(log['reason'] or '')}</h2>"
            f"<p>key {escape(log['key_name'])}, held {escape(h['created_at'])}, expires {escape(h['expires_at'])} "
            f"(then {escape(h['fallback'])})</p><h3>Question</h3><pre>{escape(question)}</pre>"
            f"<h3>Answer</h3><pre class='answer'>{escape(text)}</pre>"
            f"<form method='post' action='/guard/queue/{h['id']}'>"
            f"<input type='hidden' name='sha256' value='{h['held_sha256']}'>"
            f"<label>Who <input name='by' required></label> <label>Why <input name='why' required></label>"
            f"<label>Edited answer<textarea name='text' rows='4'>{escape(text)}</textarea></label>"
            f"<button name='verdict' value='approve'>Approve</button> "
            f"<button name='verdict' value='reject'>Reject</button> "
            f"<button name='verdict' value='edit'>Edit and approve</button></form></article>")
    parts.append("</body></html>")
    return "".join(parts)


def add_routes(app: web.Application, journal: Journal) -> None:
    async def queue(request: web.Request) -> web.Response:
        return web.Response(text=render(journal, request.query.get("message", "")), content_type="text/html")

    async def decide(request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin and origin != f"{request.scheme}://{request.host}":
            return web.Response(status=403, text="cross-origin decisions are refused")
        form: Any = await request.post()
        message = ""
        try:
            journal.decide(int(request.match_info["hold_id"]), str(form.get("verdict", "")),
                           by=str(form.get("by", "")), why=str(form.get("why", "")),
                           sha256=str(form.get("sha256", "")), edited=str(form.get("text", "")))
        except UserError as e:
            message = str(e)
        raise web.HTTPSeeOther("/guard/queue" + (f"?message={_quote(message)}" if message else ""))

    app.router.add_get("/guard/queue", queue)
    app.router.add_post(r"/guard/queue/{hold_id:\d+}", decide)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)
