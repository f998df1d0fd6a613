"""Tool definitions offered to the model, in the OpenAI ``tools`` format, checked as JSON Schema."""

from __future__ import annotations

import json
import re
from typing import Any

from .yamlsource import Key, YamlSource

TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def tools_json(src: YamlSource, key: Key, value: Any) -> str:
    """The checked tool list as canonical JSON; each failure names the tool's line and field."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    if not isinstance(value, list) or not value:
        raise src.error(key, "must be a non-empty list of tools ({type: function, function: {name, parameters}})")
    names: set[str] = set()
    out = []
    for i, tool in enumerate(value):
        tkey = (*key, i)
        if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(tool.get("function"), dict):
            raise src.error(tkey, "each tool must be a mapping {type: function, function: {name, parameters}}")
        for extra in tool:
            if extra not in ("type", "function"):
                raise src.error((*tkey, str(extra)), "unknown key; allowed keys: type, function")
        fn = tool["function"]
        fkey = (*tkey, "function")
        for extra in fn:
            if extra not in ("name", "description", "parameters", "strict"):
                raise src.error((*fkey, str(extra)), "unknown key; allowed keys: name, description, parameters, strict")
        name = fn.get("name")
        if not isinstance(name, str) or not TOOL_NAME.match(name):
            raise src.error((*fkey, "name"), "must be a tool name of 1-64 letters, digits, '_' or '-'")
        if name in names:
            raise src.error((*fkey, "name"), f"duplicate tool name {name!r}")
        names.add(name)
        params = fn.get("parameters", {"type": "object", "properties": {}})
        pkey = (*fkey, "parameters")
        if not isinstance(params, dict) or params.get("type") != "object":
            raise src.error(pkey, "must be a JSON Schema of type object")
        try:
            Draft202012Validator.check_schema(params)
        except SchemaError as e:
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            raise src.error(pkey, f"not a valid JSON Schema at {where}: {e.message}") from None
        out.append({"type": "function", "function": {**fn, "parameters": params}})
    return json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
