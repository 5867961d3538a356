"""The :class:`Fragment` a sentence function returns, and the parts it is filled from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["Fragment"]


@attrs.frozen
class Fragment:
    """One sentence, with the values it was built from.

    ``key`` is the indicator path, ``target:<id>``, ``figure:<id>``,
    ``veto:<name>``, ``rescaling``, ``deviation:<path>`` or ``closing``; ``kind`` is
    ``indicator``, ``tier``, ``target``, ``figure``, ``veto``, ``rescaling``,
    ``deviation`` (a printed 得分 that departs from the rule) or ``closing``.  ``values`` holds the
    structured values (``Decimal``, :class:`~perfrubric.Money`, ``str``,
    lists) and ``parts`` the formatted strings that filled the sentence's
    placeholders, under the same keys, so a tool can lay the figures out
    its own way:

    >>> f.values["percent"], f.parts["percent"]                      # doctest: +SKIP
    (Decimal('117.14'), '117.14%')
    """

    key: str
    kind: str
    text: str
    values: Mapping[str, Any]
    locale: str
    parts: Mapping[str, str] = attrs.field(factory=dict)

    def __str__(self) -> str:
        return self.text


class _Parts:
    """Collects each placeholder's structured value and its formatted text."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.parts: dict[str, str] = {}

    def put(self, key: str, value: Any, text: str) -> None:
        self.values[key] = value
        self.parts[key] = text

    def __contains__(self, key: str) -> bool:
        return key in self.parts
