"""A small TOML writer for rubric documents (``perfrubric show --resolved``).

Writes tables, arrays of tables and inline values; enough for what the
loader reads.  Key order is kept as in the document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["dump_toml"]


def _key(key: str) -> str:
    if key and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in key):
        return key
    return json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def dump_toml(doc: Mapping[str, Any]) -> str:
    """Render *doc* as TOML text: top-level tables and arrays of tables."""
    lines: list[str] = []
    for key, value in doc.items():
        if isinstance(value, Mapping):
            lines.append(f"[{_key(key)}]")
            lines += [f"{_key(k)} = {_value(v)}" for k, v in value.items()]
            lines.append("")
        elif _is_table_array(value):
            for item in value:
                lines.append(f"[[{_key(key)}]]")
                lines += [f"{_key(k)} = {_value(v)}" for k, v in item.items()]
                lines.append("")
        else:
            lines.insert(0, f"{_key(key)} = {_value(value)}")
    return "\n".join(lines)
