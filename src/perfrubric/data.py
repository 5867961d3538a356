"""Load department data from TOML, JSON or a dict (through cattrs).

The data file reads like the basic data table (基础数据表); see
``docs/data.md``.  Every problem is reported at once as a
:class:`~perfrubric.errors.DataError` whose problems name the file and the
path in the data (``budget.project_lines[1].amount``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from . import _tomlpos
from ._files import parse_toml, read_text
from .decimals import to_decimal
from .errors import DataError, PerfrubricError, Problem
from .model import (
    Assessment,
    Budget,
    BudgetLine,
    Department,
    OrgUnit,
    Sangong,
    Staffing,
    Target,
)
from .units import Money

__all__ = ["load_data", "structure_department", "unstructure_department"]

_MONEY_TEXT = re.compile(r"^\s*([-+]?[\d,]*\.?\d+)\s*(\S+)\s*$")


def _structure_decimal(value: Any, _type: type) -> Decimal:
    return to_decimal(value)


def _structure_money(value: Any, _type: type) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, str):
        match = _MONEY_TEXT.match(value)
        if not match:
            raise ValueError(f"expected money such as \"601.53万元\", got {value!r}")
        return Money(match[1].replace(",", ""), match[2])
    if isinstance(value, Mapping):
        extra = set(value) - {"amount", "unit"}
        if extra or "amount" not in value or "unit" not in value:
            raise ValueError("expected money as { amount = 601.53, unit = \"万元\" } "
                             f"or \"601.53万元\", got {dict(value)!r}")
        return Money(value["amount"], value["unit"])
    raise ValueError(f"expected money as {{ amount = 601.53, unit = \"万元\" }} or "
                     f"\"601.53万元\", got {value!r}")


def _structure_int(value: Any, _type: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    return value


def _structure_str(value: Any, _type: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    return value


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_structure_hook(Money, _structure_money)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook_func(lambda t: t is Any, lambda v, _t: v)
    conv.register_unstructure_hook(Decimal, lambda d: format(d, "f"))
    conv.register_unstructure_hook(
        Money, lambda m: {"amount": format(m.amount, "f"), "unit": m.unit.symbol})
    for cls in (OrgUnit, Staffing, BudgetLine, Sangong, Budget, Target, Assessment, Department):
        conv.register_structure_hook(cls, make_dict_structure_fn(
            cls, conv, _cattrs_forbid_extra_keys=True))
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(
            cls, conv, _cattrs_omit_if_default=True))
    return conv


_CONVERTER = _make_converter()

_FIELD_NAMES = {cls: [f.name for f in attrs.fields(cls)]
                for cls in (OrgUnit, Staffing, BudgetLine, Sangong, Budget, Target, Assessment,
                            Department)}

# The data file has top-level sections; the department's own fields live in
# [department].
_SECTIONS = ("department", "staffing", "budget", "target", "facts", "assessment")


def _from_document(doc: Mapping[str, Any]) -> dict[str, Any]:
    dept = dict(doc.get("department", {}))
    for key, field in (("staffing", "staffing"), ("budget", "budget"), ("target", "targets"),
                       ("facts", "facts"), ("assessment", "assessments")):
        if key in doc:
            dept[field] = doc[key]
    return dept


def _fact_problems(table: Mapping[str, Any], prefix: str) -> list[tuple[str, str]]:
    """Facts must be numbers, yes/no, text, lists of text, or tables of those."""
    found: list[tuple[str, str]] = []
    for key, value in table.items():
        path = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            found += _fact_problems(value, path)
        elif isinstance(value, (list, tuple)):
            if not all(isinstance(v, str) for v in value):
                found.append((path, "a list fact must hold text items only "
                                    "(the items of a checklist met)"))
        elif not isinstance(value, (bool, int, float, str, Decimal)):
            found.append((path, f"expected a number, yes/no, text or a list of text, got "
                                f"{type(value).__name__}"))
    return found


def _path_of(raw: str) -> str:
    """Turn cattrs' ``$.budget.project_lines[1].amount`` into our document path."""
    path = raw.lstrip("$").lstrip(".")
    for ours, section in (("targets", "target"), ("assessments", "assessment")):
        if path.startswith(ours):
            path = section + path[len(ours):]
    if path and path.split(".")[0].split("[")[0] not in _SECTIONS:
        path = "department." + path
    return path


def structure_department(document: Mapping[str, Any], *, file: str | None = None,
                         positions: Mapping[Any, tuple[int, int]] | None = None) -> Department:
    """Build a :class:`Department` from a parsed data document.

    Raises :class:`DataError` listing every problem with its path.
    """
    problems: list[Problem] = []
    for key in document:
        if key not in _SECTIONS:
            problems.append(_problem(f"unknown section '{key}'{_hint(key, _SECTIONS)}; "
                                     f"expected {', '.join(_SECTIONS)}", key, file, positions))
    facts = document.get("facts")
    if isinstance(facts, Mapping):
        problems.extend(_problem(message, path, file, positions)
                        for path, message in _fact_problems(facts, "facts"))
    if "department" not in document:
        problems.append(_problem("missing the [department] table with at least 'name'",
                                 "department", file, positions))
    if problems:
        raise DataError(problems)
    try:
        return _CONVERTER.structure(_from_document(document), Department)
    except cattrs.BaseValidationError as exc:
        for message in cattrs.transform_error(exc, path="$", format_exception=_format):
            text, _, raw_path = message.rpartition(" @ ")
            path = _path_of(raw_path)
            # One problem per unknown key, located at the key itself.
            for part in text.split(_SEP):
                key, _, rest = part.partition(_KEY_MARK)
                if rest:
                    problems.append(_problem(rest, f"{path}.{key}" if path else key,
                                             file, positions))
                else:
                    problems.append(_problem(part, path, file, positions))
    except (PerfrubricError, ValueError, TypeError) as exc:  # pragma: no cover - defensive
        problems.append(_problem(str(exc), "", file, positions))
    raise DataError(problems)


_SEP = "\x1e"
_KEY_MARK = "\x1f"


def _format(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        names = _FIELD_NAMES.get(exc.cl, [])  # type: ignore[arg-type]
        return _SEP.join(f"{k}{_KEY_MARK}unknown key '{k}'{_hint(k, names)}"
                         for k in sorted(exc.extra_fields))
    if isinstance(exc, (ValueError, TypeError)) and str(exc):
        return str(exc)
    return cattrs.v.format_exception(exc, type_)


def _hint(word: str, options: Any) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _problem(message: str, path: str, file: str | None,
             positions: Mapping[Any, tuple[int, int]] | None) -> Problem:
    pos = None
    if positions and path:
        pos = _tomlpos.locate(positions, _tomlpos.parse_path(path))
    return Problem(message, path=path, file=file, line=pos[0] if pos else None,
                   column=pos[1] if pos else None)


def load_data(source: str | os.PathLike[str] | Mapping[str, Any] | Department, *,
              format: str | None = None) -> Department:
    """Load department data from a file path, a mapping, or a :class:`Department`.

    Files ending in ``.json`` are JSON, anything else TOML (or say
    ``format="json"`` / ``"toml"``).
    """
    if isinstance(source, Department):
        return source
    if isinstance(source, Mapping):
        return structure_department(source)
    file = os.fspath(source)
    text = read_text(file, DataError)
    kind = format or ("json" if file.lower().endswith(".json") else "toml")
    if kind == "json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(Problem(f"JSON syntax error: {exc.msg}", file=file,
                                    line=exc.lineno, column=exc.colno)) from None
        if not isinstance(doc, Mapping):
            raise DataError(Problem("expected a JSON object at the top", file=file))
        return structure_department(doc, file=file)
    doc = parse_toml(text, file, DataError)
    return structure_department(doc, file=file, positions=_tomlpos.key_positions(text))


def unstructure_department(dept: Department) -> dict[str, Any]:
    """The data document of *dept* (Decimals as strings); it loads back equal."""
    flat: dict[str, Any] = _CONVERTER.unstructure(dept)
    doc: dict[str, Any] = {}
    for key, section in (("staffing", "staffing"), ("budget", "budget"),
                         ("targets", "target"), ("facts", "facts"),
                         ("assessments", "assessment")):
        if key in flat:
            doc[section] = flat.pop(key)
    doc["department"] = flat
    return doc
