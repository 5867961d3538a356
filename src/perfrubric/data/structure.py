"""Load department data from TOML, JSON or a dict (through cattrs).

The data file reads like the basic data table (基础数据表); see
``docs/data.md``.  Every problem is reported at once as one
:class:`~perfrubric.errors.DataError` whose problems name the file, the
path in the data (``budget.project_lines[1].amount``), the line and column
where known (TOML), what was expected and what was given.

One cattrs :class:`~cattrs.Converter` does the work; its hooks read
:class:`~decimal.Decimal` (floats at 15 significant digits), money (``"601.53万元"``
or ``{ amount = 601.53, unit = "万元" }``), strict whole numbers and text,
and refuse a table where a list is due (and the reverse) instead of
guessing.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

import attrs

from ..decimals import Share, share_text, to_decimal
from ..errors import DataError, Problem, did_you_mean
from ..files import tomlpos as _tomlpos
from ..files.reading import check_structure, parse_json, parse_toml, read_text
from ..units import Money, UnitError
from .fields import NAME_MAX, _FrozenMap, _to_money
from .model import (
    Assessment,
    Budget,
    BudgetLine,
    Department,
    FieldError,
    FieldIssue,
    Form,
    FundSource,
    OrgUnit,
    Sangong,
    SangongItem,
    Staffing,
    Target,
)
from .printed import level_name

if TYPE_CHECKING:
    import cattrs

__all__ = ["SECTIONS", "derive_id", "load_data", "structure_department", "unstructure_department"]

#: The top-level sections of a data document, in the order they are written.
SECTIONS: tuple[str, ...] = ("department", "form", "staffing", "budget", "target", "facts",
                             "assessment")

# Department fields that live in their own top-level section, by section name.
_SECTION_FIELDS: dict[str, str] = {"staffing": "staffing", "budget": "budget",
                                   "target": "targets", "facts": "facts",
                                   "assessment": "assessments", "form": "form"}
_FIELD_SECTIONS: dict[str, str] = {v: k for k, v in _SECTION_FIELDS.items()}
_DEPARTMENT_KEYS: tuple[str, ...] = ("name", "year", "code", "units", "duties")

_CLASSES: tuple[type, ...] = (OrgUnit, Staffing, BudgetLine, SangongItem, Sangong,
                              FundSource, Budget, Target, Assessment, Form, Department)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    **{cls: tuple(f.name for f in attrs.fields(cls)) for cls in _CLASSES},
    Department: _DEPARTMENT_KEYS}

_MONEY_EXPECTED = 'money such as "601.53万元" or { amount = 601.53, unit = "万元" }'
_UNIT_EXPECTED = "a money unit: 元, 万元, 亿元, 美元, 万美元, 亿美元, … or CNY, USD"

PathTuple = tuple[str | int, ...]


class _Bad(ValueError):
    """A hook's refusal, with what was expected and what was given."""

    def __init__(self, message: str, expected: str, got: object) -> None:
        super().__init__(message)
        self.expected = expected
        self.got = _show(got)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return f"yes/no {str(value).lower()}"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "a list"
    return repr(value) if len(repr(value)) <= 60 else type(value).__name__


# -- hooks ---------------------------------------------------------------------------


def _structure_decimal(value: Any, _type: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise _Bad(f"expected a number such as 12.5 or \"12.5%\", got {_kind(value)}",
                   "a number", value)
    try:
        return to_decimal(value)
    except ValueError as exc:
        raise _Bad(str(exc), "a number", value) from None


def _structure_money(value: Any, _type: type) -> Money:
    try:
        return _to_money(value)
    except UnitError as exc:
        raise _Bad(str(exc), _UNIT_EXPECTED, value) from None
    except ValueError as exc:
        raise _Bad(str(exc), _MONEY_EXPECTED, value) from None


def _structure_int(value: Any, _type: type) -> int:
    if isinstance(value, (float, Decimal)) and not isinstance(value, bool):
        value = _whole(value)  # 146.0 from a frame, Decimal('14') from a database
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"expected a whole number, got {_kind(value)}", "a whole number", value)
    try:
        to_decimal(value)  # the bounds every number a user writes must keep
    except ValueError as exc:
        raise _Bad(str(exc), "a whole number", "(a huge number)") from None
    return value


def _whole(value: float | Decimal) -> int | float | Decimal:
    """*value* as an int when it is a whole number within the bounds (``146.0`` → 146)."""
    try:
        number = to_decimal(value)
    except ValueError:
        return value  # NaN, infinity or beyond the bounds: refused as not whole
    return int(number) if number == number.to_integral_value() else value


def _structure_str(value: Any, _type: type) -> str:
    if not isinstance(value, str):
        raise _Bad(f"expected text, got {_kind(value)}", "text", value)
    return value


def _is_any(tp: Any) -> bool:
    return tp is Any


def _is_literal(tp: Any) -> bool:
    return get_origin(tp) is Literal


def _is_tuple(tp: Any) -> bool:
    return tp is tuple or get_origin(tp) is tuple


def _is_mapping(tp: Any) -> bool:
    return get_origin(tp) is Mapping


def _as_given(value: Any, _type: Any) -> Any:
    return value


def _decimal_text(value: Decimal) -> str:
    return format(value, "f")


def _money_table(value: Money) -> dict[str, str]:
    return {"amount": format(value.amount, "f"), "unit": value.unit.symbol}


def _with_note(exc: Exception, note: Any) -> Exception:
    # What cattrs itself does, and works on Python 3.10 (no add_note there).
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]
    return exc


def _make_converter() -> cattrs.Converter:
    # cattrs is imported here, on first use, so that `import perfrubric` stays quick.
    import cattrs
    from cattrs.errors import IterableValidationError, IterableValidationNote
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

    conv = cattrs.Converter(forbid_extra_keys=True)

    def structure_tuple(value: Any, tp: Any) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)):
            raise _Bad(f"expected a list (a TOML array), got {_kind(value)}", "a list", value)
        item_type = get_args(tp)[0]
        items, errors = [], []
        for i, item in enumerate(value):
            try:
                items.append(conv.structure(item, item_type))
            except Exception as exc:  # reported with its path
                errors.append(_with_note(exc, IterableValidationNote(f"item {i}", i, item_type)))
        if errors:
            raise IterableValidationError(f"while reading {tp}", errors, tp)
        return tuple(items)

    def structure_mapping(value: Any, tp: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise _Bad(f"expected a table, got {_kind(value)}", "a table", value)
        value_type = get_args(tp)[1]
        out, errors = {}, []
        for key, item in value.items():
            try:
                out[key] = item if value_type is Any else conv.structure(item, value_type)
            except Exception as exc:  # reported with its path
                errors.append(_with_note(exc, IterableValidationNote(f"key {key}", key,
                                                                     value_type)))
        if errors:
            raise IterableValidationError(f"while reading {tp}", errors, tp)
        return out

    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_structure_hook(Money, _structure_money)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook_func(_is_any, _as_given)
    # The model's validator explains a bad direction better than cattrs can.
    conv.register_structure_hook_func(_is_literal, _as_given)
    conv.register_structure_hook_func(_is_tuple, structure_tuple)
    conv.register_structure_hook_func(_is_mapping, structure_mapping)

    def unstructure_mapping(value: Mapping[str, Any]) -> dict[str, Any]:
        return {k: conv.unstructure(v) for k, v in value.items()}

    def unstructure_tuple(value: tuple[Any, ...]) -> list[Any]:
        return [conv.unstructure(v) for v in value]

    conv.register_unstructure_hook(Decimal, _decimal_text)
    conv.register_unstructure_hook(Share, share_text)  # "87.5%": loads back as a share
    conv.register_unstructure_hook(Money, _money_table)
    conv.register_unstructure_hook(_FrozenMap, unstructure_mapping)
    conv.register_unstructure_hook_func(_is_mapping, unstructure_mapping)
    conv.register_unstructure_hook_func(_is_tuple, unstructure_tuple)

    for cls in _CLASSES:
        # A target's values may be printed text ("≥50个"): the model reads them.
        printed: dict[str, Any] = (
            {"target": override(struct_hook=_as_printed),
             "actual": override(struct_hook=_as_printed)} if cls is Target else {})
        structure: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True,
            **printed)
        conv.register_structure_hook(cls, _table_first(cls, structure))
        unstructure: Callable[[Any], Any] = make_dict_unstructure_fn(
            cls, conv, _cattrs_omit_if_default=True)
        conv.register_unstructure_hook(
            cls, _printed_back(unstructure) if cls is Target else unstructure)
    return conv


def _as_printed(value: Any, _type: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise _Bad(f"expected a value such as \"≥50个\", \"85%\" or a number, got "
                   f"{_kind(value)}", "a number or a printed value", value)
    return value


def _printed_back(unstructure: Callable[[Any], dict[str, Any]]) -> Callable[[Any], Any]:
    """Write a target's values back as printed, so that the document loads back equal."""
    def hook(target: Target) -> dict[str, Any]:
        out = unstructure(target)
        for key, printed in (("target", target.printed_target),
                             ("actual", target.printed_actual)):
            if printed is not None and isinstance(printed.text, str) and (
                    printed.unit or printed.operator or printed.qualitative):
                out[key] = printed.text
                if key == "target" and printed.unit is not None:
                    out.pop("unit", None)
                if key == "target" and target.direction_from in ("sign", "tier"):
                    out.pop("direction", None)
        actual = target.printed_actual
        if target.level is not None and actual is not None and actual.qualitative is not None \
                and level_name(actual.qualitative) == target.level:
            out.pop("level", None)  # the actual names the judgement
        return out
    return hook


def _table_first(cls: type, structure: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Refuse a non-table before cattrs tries to read keys from it."""
    def hook(value: Any, tp: Any) -> Any:
        if not isinstance(value, Mapping):
            raise _Bad(f"expected a table ({_WHAT[cls]}), got {_kind(value)}", "a table",
                       value)
        return structure(value, tp)
    return hook


_WHAT: dict[type, str] = {
    OrgUnit: "a unit with name and kind", Staffing: "the [staffing] figures",
    BudgetLine: "a budget line with name and amount",
    SangongItem: "budget, actual, previous_budget, previous_actual",
    Sangong: "the [budget.sangong] figures", Budget: "the [budget] figures",
    FundSource: "initial, adjusted, final", Form: "the [form] table",
    Target: "a [[target]] with id and name", Assessment: "an [[assessment]] with indicator",
    Department: "the [department] table",
}

@functools.cache
def _converter() -> cattrs.Converter:
    """The data converter, built once, on first use."""
    return _make_converter()


# -- errors --------------------------------------------------------------------------


def _walk(exc: BaseException, path: PathTuple) -> Iterator[tuple[PathTuple, BaseException
                                                                  | FieldIssue]]:
    """Every leaf failure below *exc*, with its path in the model."""
    from cattrs.errors import ClassValidationError, IterableValidationError

    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            yield from _walk(sub, (*path, note.name))
        for sub in without:
            yield from _walk(sub, path)
    elif isinstance(exc, IterableValidationError):
        with_notes_i, without = exc.group_exceptions()
        for sub, inote in with_notes_i:
            yield from _walk(sub, (*path, inote.index))
        for sub in without:
            yield from _walk(sub, path)
    elif isinstance(exc, FieldError):
        for issue in exc.issues:
            yield (*path, *issue.path), issue
    else:
        yield path, exc


def _document_path(path: PathTuple) -> PathTuple:
    """A model path (``targets[0].id``) as a path in the data file (``target[0].id``)."""
    if not path:
        return ("department",)
    head = path[0]
    if isinstance(head, str) and head in _FIELD_SECTIONS:
        return (_FIELD_SECTIONS[head], *path[1:])
    return ("department", *path)



class _Collector:
    """Problems of one document, located in its file."""

    def __init__(self, file: str | None,
                 positions: Mapping[PathTuple, tuple[int, int]] | None) -> None:
        self.file = file
        self.positions = positions
        self.problems: list[Problem] = []

    def add(self, path: PathTuple, message: str, expected: str | None = None,
            got: str | None = None) -> None:
        pos = _tomlpos.locate(self.positions, path) if self.positions and path else None
        self.problems.append(Problem(
            message, path=_tomlpos.format_path(path), file=self.file,
            line=pos[0] if pos else None, column=pos[1] if pos else None,
            expected=expected, got=got))

    def failure(self, path: PathTuple, exc: BaseException | FieldIssue) -> None:
        from cattrs.errors import ForbiddenExtraKeysError

        where = _document_path(path)
        if isinstance(exc, FieldIssue):
            self.add(where, exc.message, exc.expected, exc.got)
        elif isinstance(exc, ForbiddenExtraKeysError):
            names = _FIELD_NAMES.get(exc.cl, ())
            for key in sorted(exc.extra_fields):
                self.add((*where, key), f"unknown key '{key}'{_hint(key, names)}",
                         f"one of {', '.join(names)}", repr(key))
        elif isinstance(exc, KeyError):
            self.add(where, "required key missing", "a value", None)
        elif isinstance(exc, _Bad):
            self.add(where, str(exc), exc.expected, exc.got)
        else:  # a converter's ValueError/TypeError: its message is written for users
            self.add(where, str(exc) or type(exc).__name__)


def _hint(key: str, names: tuple[str, ...]) -> str:
    """Did-you-mean over the table's keys, else the data name a label (编制数) stands for."""
    hint = did_you_mean(key, names)
    if hint:
        return hint
    from .facts import synonym_for

    name = synonym_for(key)
    if name is None:
        return f"; expected one of {', '.join(names)}" if names else ""
    table, _, leaf = name.rpartition(".")
    return f" ('{key}' is {name}: write {leaf} = … under [{table}])"


def _check_sections(document: Mapping[str, Any], out: _Collector) -> dict[str, Any] | None:
    """The keyword arguments of :class:`Department`, or ``None`` after problems."""
    for key in document:
        if key not in SECTIONS:
            out.add((str(key),), f"unknown section '{key}'{did_you_mean(str(key), SECTIONS)}",
                    f"one of {', '.join(SECTIONS)}", repr(key))
    head = document.get("department")
    if head is None:
        out.add(("department",), "missing the [department] table with at least 'name'",
                "a [department] table")
        return None
    if not isinstance(head, Mapping):
        out.add(("department",), f"expected the [department] table, got {_kind(head)}",
                "a table", _show(head))
        return None
    for key in head:
        if key in _SECTION_FIELDS or key in _FIELD_SECTIONS:
            section = _FIELD_SECTIONS.get(key, key)
            out.add(("department", key), f"'{key}' is not part of [department]; write it "
                    f"as a section of its own, [{section}]", f"one of "
                    f"{', '.join(_DEPARTMENT_KEYS)}", repr(key))
    if out.problems:
        return None
    fields = dict(head)
    for section, field in _SECTION_FIELDS.items():
        if section in document:
            fields[field] = document[section]
    if isinstance(fields.get("targets"), list):
        fields["targets"] = _with_ids(fields["targets"])
    return fields


def _with_ids(rows: list[Any]) -> list[Any]:
    """Give each ``[[target]]`` without an ``id`` one derived from its name.

    The name's characters that cannot be in an identifier become ``_``
    (``"项目总成本（万元）"`` → ``项目总成本_万元``); a name starting with a digit
    gets ``t_`` in front; a clash with another id gets ``_2``, ``_3`` ….
    """
    taken = {row["id"] for row in rows if isinstance(row, Mapping)
             and isinstance(row.get("id"), str)}
    out: list[Any] = []
    for row in rows:
        if isinstance(row, Mapping) and "id" not in row and isinstance(row.get("name"), str):
            base = derive_id(row["name"])
            ident, n = base, 1
            while ident in taken:
                n += 1
                ident = f"{base}_{n}"
            taken.add(ident)
            row = {"id": ident, **row}
        out.append(row)
    return out


def derive_id(name: str) -> str:
    """An identifier for a target from its *name*: ``基建工程委托业务项目数量`` stays as is.

    >>> derive_id("项目总成本（万元）")
    '项目总成本_万元'
    >>> derive_id("2022年完工率")
    't_2022年完工率'
    """
    chars = [ch if ("_" + ch).isidentifier() else "_" for ch in name.strip()]
    ident = "_".join(part for part in "".join(chars).split("_") if part) or "target"
    if not ident.isidentifier():
        ident = "t_" + ident
    # room for a "_2" suffix (see _with_ids) within the identifier bound
    return ident[:NAME_MAX - 4].rstrip("_")


def structure_department(document: Mapping[str, Any], *, file: str | None = None,
                         positions: Mapping[PathTuple, tuple[int, int]] | None = None,
                         ) -> Department:
    """Build a :class:`Department` from a parsed data document.

    *document* has the sections of ``docs/data.md`` (``department``,
    ``form``, ``staffing``, ``budget``, ``target``, ``facts``, ``assessment``).
    *file* and *positions* (key path → line, column) only locate problems.

    Raises :class:`DataError` listing every problem with its path.
    """
    out = _Collector(file, positions)
    if not isinstance(document, Mapping):
        out.add((), f"expected a table of sections ({', '.join(SECTIONS)}), got "
                f"{_kind(document)}", "a table", _show(document))
        raise DataError(out.problems)
    check_structure(document, file, DataError)
    fields = _check_sections(document, out)
    if fields is None:
        raise DataError(out.problems)
    try:
        return _converter().structure(fields, Department)
    except Exception as exc:  # each becomes a problem
        for path, failure in _walk(exc, ()):
            out.failure(path, failure)
    raise DataError(out.problems)


def load_data(source: str | os.PathLike[str] | Mapping[str, Any] | Department, *,
              format: Literal["toml", "json"] | None = None) -> Department:
    """Load department data from a file path, a mapping, or a :class:`Department`.

    A :class:`Department` is returned unchanged; a mapping is a parsed data
    document.  A path ending in ``.json`` is read as JSON and any other as
    TOML, unless *format* says ``"toml"`` or ``"json"``.

    Raises :class:`DataError` for a missing or unreadable file, a syntax
    error (with its line and column) and every problem with the data.
    """
    if isinstance(source, Department):
        return source
    if isinstance(source, Mapping):
        return structure_department(source)
    if not isinstance(source, (str, os.PathLike)):
        raise DataError(Problem(f"expected a path, a mapping or a Department, got "
                                f"{type(source).__name__}", expected="a data source"))
    file = os.fspath(source)
    if format not in (None, "toml", "json"):
        raise DataError(Problem(f"unknown format {format!r}; expected \"toml\" or \"json\"",
                                file=file, expected='"toml" or "json"', got=repr(format)))
    kind = format or ("json" if file.lower().endswith(".json") else "toml")
    text = read_text(file, DataError)
    if kind == "json":
        return structure_department(parse_json(text, file, DataError), file=file)
    doc = parse_toml(text, file, DataError)
    return structure_department(doc, file=file, positions=_tomlpos.key_positions(text))


def unstructure_department(dept: Department) -> dict[str, Any]:
    """The data document of *dept*: plain dicts, lists, text and numbers.

    Decimals become strings (``"601.53"``) so nothing is lost, money is
    ``{"amount": "601.53", "unit": "万元"}``, and defaults are left out.
    The result loads back equal: ``structure_department(
    unstructure_department(d)) == d``, also after a trip through JSON.
    """
    flat: dict[str, Any] = _converter().unstructure(dept)
    doc: dict[str, Any] = {"department": {}}
    for key, value in flat.items():
        if key in _FIELD_SECTIONS:
            doc[_FIELD_SECTIONS[key]] = value
        else:
            doc["department"][key] = value
    return doc
