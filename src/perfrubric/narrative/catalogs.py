"""Locale plumbing: locale names, the gettext catalogs, :func:`translate` and filling.

Built-in sentences come from ``locale/<locale>/LC_MESSAGES/perfrubric.po``
beside this module, compiled in memory at first use.
"""

from __future__ import annotations

import functools
import gettext
import io
import re
from collections.abc import Mapping, Sequence
from importlib import resources

from ..errors import PerfrubricError
from ..expr.template import LOCALES, fill
from .fragment import _Parts

__all__ = ["fill_template", "translate"]


def _locale(locale: str) -> str:
    """The catalog for *locale*: ``zh_CN``, ``zh-CN``, ``zh`` → ``zh_CN``; ``en_*`` → ``en``."""
    name = locale.replace("-", "_")
    if name in LOCALES:
        return name
    if name in ("zh", "zh_Hans", "zh_Hans_CN"):
        return "zh_CN"
    if name.split("_", 1)[0] == "en":
        return "en"
    raise PerfrubricError(f"no narrative catalog for locale {locale!r}; "
                          f"available: {', '.join(LOCALES)}")


def _zh(locale: str) -> bool:
    return _locale(locale) == "zh_CN"


def _babel(locale: str) -> str:
    """The locale name babel formats with (``en_GB`` stays ``en_GB``)."""
    name = locale.replace("-", "_")
    return "zh_Hans_CN" if name in ("zh", "zh_Hans") else name


@functools.cache
def _catalog(locale: str) -> gettext.GNUTranslations:
    # babel is imported in the functions that use it (here, and where numbers
    # and lists are formatted): `import perfrubric` does not pay for it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    source = resources.files("perfrubric.narrative").joinpath(
        f"locale/{locale}/LC_MESSAGES/perfrubric.po")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain="perfrubric")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translate(message: str, *, locale: str = "zh_CN") -> str:
    """The built-in string *message* (its English msgid) in *locale*.

    >>> translate("Score {total}, grade: {grade}")
    '得分{total}分，绩效评价等级为“{grade}”'
    """
    return _catalog(_locale(locale)).gettext(message)


def fill_template(text: str, values: Mapping[str, str]) -> str:
    """Fill the named placeholders of *text* from *values*; ``{{``/``}}`` are braces.

    The library's own filler: no attribute access, indexing or format specs
    (``str.format`` would allow ``{value.__class__}``).  A placeholder with
    no value becomes an empty string; a malformed template raises
    :class:`ValueError` (:func:`template_problems` says why beforehand).

    >>> fill_template("{name}为{value}（{{注}}）", {"name": "预算完成率", "value": "96.50%"})
    '预算完成率为96.50%（{注}）'
    """
    return fill(text, values)


#: An English count noun after a placeholder: ``{lost} points``, ``{counted} scorable points``.
_COUNTED_NOUN = re.compile(r"\{(\w+)\}((?: scorable)?) (point|item)s\b")


def _singular(template: str, parts: dict[str, str]) -> str:
    """``{lost} points`` → ``{lost} point`` where ``lost`` is written ``1`` (en only).

    ``1.50 points`` and ``0 points`` stay plural, as English writes them.
    """
    return _COUNTED_NOUN.sub(
        lambda m: m.group(0)[:-1] if parts.get(m.group(1)) == "1" else m.group(0), template)


def _say(message: str, parts: _Parts, locale: str) -> str:
    text = translate(message, locale=locale)
    if not _zh(locale):
        text = _singular(text, parts.parts)
    return fill(text, parts.parts)


def _join(items: Sequence[str], locale: str) -> str:
    from babel.lists import format_list
    return format_list(list(items), locale=_babel(locale)) if items else ""
