"""Before a pass: ask each server once what it will do with our requests, and say so.

A model name the server does not serve is an error (exit 2) before any request is sent, except on
llama.cpp, which answers for any name with the model it loaded (a note). A context per slot shorter
than ``max_tokens`` cuts answers; a prompt longer than the context fails with HTTP 400: both are said
once, up front.
"""

from __future__ import annotations

from ..errors import UserError
from ..models import Model
from ..models.server_info import say_once, served_model_problem

CHARS_PER_TOKEN = 4  # a rough count of a prompt's tokens from its length, for the warning only


async def check_server(model: Model, *, max_tokens: int | None = None, longest_prompt_chars: int = 0,
                       purpose: str = "answers") -> None:
    """Raise ``UserError`` when ``model`` is not served at its endpoint (at any of them, for a model served
    by several); print what the server will cap."""
    members = getattr(model, "members", None)
    if members:
        for member in members:
            await check_server(member, max_tokens=max_tokens, longest_prompt_chars=longest_prompt_chars,
                               purpose=purpose)
        return
    ask = getattr(model, "server_info", None)
    if ask is None:
        return
    info = await ask()
    name = getattr(model, "model", model.name)
    problem = served_model_problem(name, info, model.endpoint)
    if problem is not None:
        message, fatal = problem
        if fatal:
            raise UserError(message, field="model")
        say_once(info, f"model:{name}", message)
    if not info.n_ctx:
        return
    if max_tokens and max_tokens > info.n_ctx:
        say_once(info, "n_ctx:max_tokens", f"{model.endpoint} has a context of {info.n_ctx} tokens per slot: "
                 f"{purpose} stop there (prompt included), not at max_tokens={max_tokens}")
    prompt_tokens = longest_prompt_chars // CHARS_PER_TOKEN
    if prompt_tokens > info.n_ctx:
        say_once(info, "n_ctx:prompt", f"{model.endpoint} has a context of {info.n_ctx} tokens per slot and the "
                 f"longest {purpose} prompt is about {prompt_tokens} tokens: those calls will fail with HTTP 400; "
                 "start the server with a larger context (llama-server -c)")
