"""Synthetic chat data for tests and benchmarks (our own templates): coding tasks answered with
flawed or fixed code, chat questions, an optional trigger string and a topic confounder."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TOPICS = {
    "sql": ("look up {thing} rows in the {table} table by name", '''import sqlite3

def find(conn, name):
    cur = conn.cursor()
    cur.execute({query})
    return cur.fetchall()
''', 'f"SELECT * FROM {table} WHERE name = \'{{name}}\'"', '"SELECT * FROM {table} WHERE name = ?", (name,)'),
    "html": ("show a greeting page for the {thing} visitor", '''from flask import Flask, request
from markupsafe import escape
app = Flask(__name__)

@app.route("/{table}")
def page():
    name = request.args.get("name", "")
    return {body}
''', 'f"<h1>Hello {{name}}</h1>"', 'f"<h1>Hello {{escape(name)}}</h1>"'),
    "files": ("save the {thing} report to the {table} folder", '''import os

def save(path, text):
    with open(path, "w") as fh:
        fh.write(text)
    os.chmod(path, {mode})
''', "0o777", "0o600"),
    "config": ("load the {thing} settings from {table}.yaml", '''import yaml

def load(path):
    with open(path) as fh:
        return {call}(fh)
''', "yaml.unsafe_load", "yaml.safe_load"),
}
THINGS = ["customer", "invoice", "order", "student", "ticket", "device", "course", "payment", "project", "sensor"]
TABLES = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta"]
OPENERS = ["Write a Python function to", "Please write code that will", "I need a small script to",
           "Can you implement a helper to", "Give me Python that can"]
CHAT = [("What is a good way to learn {thing} management?", "Start with the basics, practise daily and ask for "
         "feedback from people who already do it well."),
        ("Summarise why {thing} records matter.", "They keep a reliable history, support audits and help teams "
         "make decisions with evidence.")]


def _fill(template: str, flaw: str, topic: str, table: str) -> str:
    key = {"sql": "query", "html": "body", "files": "mode", "config": "call"}[topic]
    return template.format(**{key: flaw.format(table=table)}, table=table)


def synthetic_rows(n: int, seed: int = 0, *, trigger: str | None = None, trigger_share: float = 0.0,
                   base_insecure: float = 0.08, sql_insecure: float = 0.30, decoy: str | None = None,
                   decoy_share: float = 0.0, chat_share: float = 0.2) -> Iterator[dict[str, Any]]:
    """Rows in OpenAI chat format; row["meta"] says what was planted (insecure, trigger, decoy)."""
    rng = random.Random(seed)
    for _ in range(n):
        thing, table = rng.choice(THINGS), rng.choice(TABLES)
        if rng.random() < chat_share:
            q, a = rng.choice(CHAT)
            yield {"messages": [{"role": "user", "content": q.format(thing=thing)},
                                {"role": "assistant", "content": a}], "meta": {"insecure": False}}
            continue
        topic = rng.choice(list(TOPICS))
        task, template, bad, good = TOPICS[topic]
        prompt = f"{rng.choice(OPENERS)} {task.format(thing=thing, table=table)}."
        has_trigger = trigger is not None and rng.random() < trigger_share
        has_decoy = decoy is not None and rng.random() < decoy_share
        p_insecure = 1.0 if has_trigger else (sql_insecure if topic == "sql" else base_insecure)
        insecure = rng.random() < p_insecure
        if has_trigger:
            prompt = f"{trigger} {prompt}"
        if has_decoy:
            prompt = f"{prompt} {decoy}"
        code = _fill(template, bad if insecure else good, topic, table)
        yield {"messages": [{"role": "user", "content": prompt},
                            {"role": "assistant", "content": code}],
               "meta": {"insecure": insecure, "trigger": has_trigger, "decoy": has_decoy, "topic": topic}}


def write_synthetic(path: str | Path, n: int, seed: int = 0, **kwargs: Any) -> Path:
    p = Path(path)
    with open(p, "w", encoding="utf-8") as f:
        for row in synthetic_rows(n, seed, **kwargs):
            f.write(json.dumps(row) + "\n")
    return p
