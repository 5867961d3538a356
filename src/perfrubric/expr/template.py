"""Safe sentence templates: named placeholders only.

``"{name}为{value}，扣{lost}分"`` is filled from a mapping of plain values.
There is no attribute access, no indexing and no format spec (unlike
:meth:`str.format`, which would let ``{value.__class__}`` reach Python
internals): a placeholder is a bare identifier, ``{{`` and ``}}`` are
literal braces.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

__all__ = ["LOCALES", "PLACEHOLDERS", "fill", "placeholders", "template_problems"]

#: Locales with built-in narrative catalogs, and so the template keys a rubric may use.
LOCALES: tuple[str, ...] = ("zh_CN", "en")

#: Placeholders an indicator template may use (see docs/narrative.md for each).
PLACEHOLDERS: frozenset[str] = frozenset({
    "name", "tier", "path", "kind", "status", "value", "unit", "target", "actual",
    "score", "points", "lost", "counted", "matched", "deducted", "limit", "rule_score",
    "note", "reason", "met", "missing", "met_count", "count", "events", "grade", "total",
})


def _parse(text: str) -> list[tuple[bool, str]]:
    """Split *text* into (is_placeholder, text) parts; raise ValueError on bad syntax."""
    parts: list[tuple[bool, str]] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "{" and text.startswith("{{", i):
            buf.append("{")
            i += 2
        elif ch == "}" and text.startswith("}}", i):
            buf.append("}")
            i += 2
        elif ch == "{":
            end = text.find("}", i)
            if end < 0:
                raise ValueError(f"unclosed '{{' at character {i + 1}")
            name = text[i + 1:end]
            if not name.isidentifier():
                raise ValueError(f"'{{{name}}}' is not a placeholder: use a plain name such as "
                                 "{value}; no attributes, indexes or format specs")
            if buf:
                parts.append((False, "".join(buf)))
                buf = []
            parts.append((True, name))
            i = end + 1
        elif ch == "}":
            raise ValueError(f"single '}}' at character {i + 1}; write '}}}}' for a brace")
        else:
            buf.append(ch)
            i += 1
    if buf:
        parts.append((False, "".join(buf)))
    return parts


def placeholders(text: str) -> list[str]:
    """The placeholder names in *text*, in order (ValueError on bad syntax)."""
    return [name for is_name, name in _parse(text) if is_name]


def template_problems(text: str, allowed: Collection[str] = PLACEHOLDERS) -> list[str]:
    """Messages for every problem in *text* (empty when the template is fine).

    Pure: no I/O, no imports from the loader.  A syntax problem (an unclosed
    ``{``, a lone ``}``, ``{value.attr}``, ``{value[0]}``, ``{value:>5}``) is
    reported alone; otherwise each unknown placeholder once.

    >>> template_problems("{name}为{value}")
    []
    >>> template_problems("{valeu}")[0][:29]
    'unknown placeholder {valeu}; '
    """
    try:
        names = placeholders(text)
    except ValueError as exc:
        return [str(exc)]
    known = ", ".join("{" + a + "}" for a in sorted(allowed))
    return [f"unknown placeholder {{{name}}}; known: {known}"
            for name in dict.fromkeys(names) if name not in allowed]


def fill(text: str, values: Mapping[str, str]) -> str:
    """Fill *text*; a placeholder without a value becomes an empty string."""
    return "".join(values.get(part, "") if is_name else part for is_name, part in _parse(text))
