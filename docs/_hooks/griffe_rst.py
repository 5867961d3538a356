"""Griffe extension: show the reST markup of perfrubric's docstrings as Markdown.

perfrubric's docstrings follow the habits of the libraries beside it
(attrs, packaging): Sphinx roles (``:class:`~perfrubric.data.model.Department```),
``::`` before a literal block, and ``>>>`` examples. mkdocstrings renders
docstrings as Markdown, where those would show as raw text (and ``>>>`` as a
nested quote). Rather than rewrite every docstring, this extension converts
them when the API pages are built (the source stays as it is):

- a role becomes a cross-reference to the object's entry in the API
  reference, shown as code; one that cannot be resolved stays plain code
  (an optional reference: it never fails the strict build);
- a trailing ``::`` becomes ``:`` (the indented block after it is already a
  code block in Markdown);
- a run of ``>>>`` lines (with their output) becomes a ``pycon`` code block,
  without ``# doctest:`` directives.
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|exc|data|obj|const):`(~?)([^`]+)`")
_DOCTEST_DIRECTIVE = re.compile(r"\s*#\s*doctest:.*$")


def _reference(obj: griffe.Object, match: re.Match[str]) -> str:
    short, target = match.group(1), match.group(2).strip()
    target = target.removesuffix("()")
    title = target.rsplit(".", 1)[-1] if short else target
    identifier = target
    if not target.startswith("perfrubric"):
        try:
            identifier = obj.resolve(target.split(".", 1)[0])
            if "." in target:
                identifier += "." + target.split(".", 1)[1]
        except (griffe.NameResolutionError, ValueError, KeyError):
            return f"<code>{html.escape(title)}</code>"
    return (f'<autoref identifier="{html.escape(identifier)}" optional>'
            f"<code>{html.escape(title)}</code></autoref>")


def convert(text: str, obj: griffe.Object) -> str:
    """The Markdown form of one docstring."""
    out: list[str] = []
    in_doctest = False
    indent = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not in_doctest and stripped.startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
            in_doctest = True
        elif in_doctest and not stripped:
            out.append(f"{indent}```")
            in_doctest = False
        if in_doctest:
            out.append(_DOCTEST_DIRECTIVE.sub("", line))
            continue
        line = _ROLE.sub(lambda m: _reference(obj, m), line)
        if stripped == "::":
            line = ""
        elif line.endswith("::"):
            line = line[:-1]
        out.append(line)
    if in_doctest:
        out.append(f"{indent}```")
    return "\n".join(out)


class ReSTInline(griffe.Extension):
    """Convert every docstring of a loaded package (see the module docstring)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Convert once the whole package is loaded, so names resolve."""
        seen: set[str] = set()
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            if obj.path in seen:
                continue
            seen.add(obj.path)
            if obj.docstring is not None:
                obj.docstring.value = convert(obj.docstring.value, obj)
            stack.extend(m for m in obj.members.values() if not m.is_alias)
