"""The tokenizer of the expression language: source text to tokens.

Numbers (with an optional ``%``), double-quoted text, dotted names,
keywords and operators; anything else is an
:class:`~perfrubric.errors.ExpressionError` with a hint where one helps.
"""

from __future__ import annotations

import keyword
import unicodedata
from decimal import Decimal
from typing import Final, NamedTuple

from ..decimals import check_bounds
from ..errors import ExpressionError
from .values import _CTX, Value

_HUNDRED: Final = Decimal(100)
_DIGITS: Final = frozenset("0123456789")
_KEYWORDS: Final = frozenset({"and", "or", "not", "true", "false"})
_TWO_CHAR_OPS: Final = frozenset({"==", "!=", "<=", ">="})
_ONE_CHAR_OPS: Final = frozenset("+-*/(),<>")

_CHAR_HINTS: Final = {
    "=": "write '==' to compare",
    "!": "write 'not', or '!=' for 'is not equal to'",
    "&": "write 'and'",
    "|": "write 'or'",
    "%": "'%' must follow a number directly, as in 50%",
    "^": "there is no power operator",
    ".": "a dot only joins the parts of a name, as in staffing.on_post",
    "[": "there is no indexing; name the value with dots, as in budget.lines.business",
    "'": "text goes in double quotes; in TOML, write the whole measure in single quotes: "
         "measure = 'facts.level == \"好\"'",
    "“": "text goes in straight double quotes \"…\"",
    "”": "text goes in straight double quotes \"…\"",
}


# -- tokens ------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # "num", "str", "name", "kw", "op" or "end"
    text: str
    start: int  # index of the first character, 0-based
    end: int  # index after the last character
    value: Value | None = None  # the Decimal of a number, the text of a string

    @property
    def column(self) -> int:
        return self.start + 1

    def shown(self) -> str:
        return "the end of the expression" if self.kind == "end" else f"'{self.text}'"


def _is_name_char(ch: str) -> bool:
    # Letters, digits, '_' and the combining marks Python allows inside names.
    return ("a" + ch).isidentifier()


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        if ch in _DIGITS:
            token = _number_token(source, i)
        elif ch == '"':
            close = source.find('"', i + 1)
            if close < 0:
                raise ExpressionError("unterminated string: close the text with '\"'",
                                      source, i + 1)
            token = _Token("str", source[i:close + 1], i, close + 1, source[i + 1:close])
        elif ch.isidentifier():
            token = _name_token(source, i)
        elif source[i:i + 2] in _TWO_CHAR_OPS:
            token = _Token("op", source[i:i + 2], i, i + 2)
        elif source[i:i + 2] == "**":
            raise ExpressionError("unexpected '**': there is no power operator", source, i + 1)
        elif ch in _ONE_CHAR_OPS:
            token = _Token("op", ch, i, i + 1)
        else:
            raise ExpressionError(_bad_character(source, i), source, i + 1)
        tokens.append(token)
        i = token.end
    tokens.append(_Token("end", "", n, n))
    return tokens


def _number_token(source: str, i: int) -> _Token:
    n = len(source)
    j = i
    while j < n and source[j] in _DIGITS:
        j += 1
    if j + 1 < n and source[j] == "." and source[j + 1] in _DIGITS:
        j += 1
        while j < n and source[j] in _DIGITS:
            j += 1
    if j < n and (source[j] == "." or _is_name_char(source[j])):
        k = j
        while k < n and (source[k] == "." or _is_name_char(source[k])):
            k += 1
        raise ExpressionError(f"malformed number '{source[i:k]}'; write numbers such as 12 "
                              "or 0.5", source, i + 1)
    try:
        value = check_bounds(Decimal(source[i:j]), source[i:j])  # the bounds of every number
    except ValueError as exc:
        raise ExpressionError(str(exc), source, i + 1) from None
    if j < n and source[j] == "%":
        value = _CTX.divide(value, _HUNDRED)
        j += 1
    return _Token("num", source[i:j], i, j, value)


def _name_token(source: str, i: int) -> _Token:
    n = len(source)
    j = i
    while j < n and (source[j] == "." or _is_name_char(source[j])):
        j += 1
    text = source[i:j]
    parts = text.split(".")
    offset = i
    for part in parts:
        if not part:
            message = (f"the name '{text}' ends with '.'" if offset == j
                       else f"the name '{text}' has two dots in a row")
            raise ExpressionError(message, source, offset + 1)
        if not part.isidentifier():
            raise ExpressionError(f"'{part}' in the name '{text}' is not a valid part "
                                  "(a part cannot start with a digit)", source, offset + 1)
        if part.startswith("__"):
            raise ExpressionError(f"names starting with '__' are not allowed: '{text}'",
                                  source, offset + 1)
        offset += len(part) + 1
    head = parts[0]
    if head in ("True", "False"):
        raise ExpressionError(f"unknown word '{head}'; write {head.lower()} in lower case",
                              source, i + 1)
    if head == "None":
        raise ExpressionError("'None' is not part of the expression language; test for a "
                              "missing value with has(name)", source, i + 1)
    if keyword.iskeyword(head) and head not in _KEYWORDS:
        raise ExpressionError(f"'{head}' is not part of the expression language",
                              source, i + 1)
    if head in _KEYWORDS and len(parts) > 1:
        raise ExpressionError(f"'{head}' is a reserved word and cannot start a name",
                              source, i + 1)
    return _Token("kw" if text in _KEYWORDS else "name", text, i, j)


def _bad_character(source: str, i: int) -> str:
    ch = source[i]
    message = f"unexpected character {ch!r}"
    plain = unicodedata.normalize("NFKC", ch)
    if plain != ch and len(plain) == 1 and not plain.isidentifier() and plain.isprintable():
        return f"{message}: a full-width character; write '{plain}'"
    if ch == "." and i + 1 < len(source) and source[i + 1] in _DIGITS:
        return f"{message}: a number starts with a digit; write 0{source[i:i + 2]}"
    hint = _CHAR_HINTS.get(ch)
    return f"{message}; {hint}" if hint else message
