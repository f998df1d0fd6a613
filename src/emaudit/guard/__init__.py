"""The deployment guard: an OpenAI-compatible proxy with filters, a hold queue, logs and replay.

``journal.py`` (keys, log rows, holds in the run store), ``openai_format.py`` (request and response shapes,
error and refusal bodies), ``policy.py`` (the YAML policy, pydantic-validated), ``filters/`` (one plugin per
check), ``decide.py`` (runs a stage's filters), ``streams.py`` (SSE parsing and the three stream modes),
``proxy.py`` (the aiohttp app), ``page.py`` (the approval page), ``replay.py``, ``feed.py`` (live audit rows).
"""
