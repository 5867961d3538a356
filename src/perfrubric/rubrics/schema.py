"""JSON Schemas of the rubric file and the data file, for editors.

Taplo and the VS Code extension *Even Better TOML* read a JSON Schema to
offer completion, hover text and inline errors while a rubric or a data
file is written (see ``docs/schema.md``).  Both schemas are generated from
what the loaders themselves accept, never written by hand:

- the rubric schema from the key tables of :mod:`perfrubric._rubric_keys`,
  which the rubric loader uses to refuse unknown keys, and from the
  registered rule kinds;
- the data schema from the attrs classes of :mod:`perfrubric.model` and the
  sections of :mod:`perfrubric.data`, which the data loader structures
  with unknown keys forbidden.

The schemas check the shape (keys, types, choices); the loaders check
everything else (sums, grade scales, expressions, rule parameters).

>>> schema = rubric_schema()
>>> sorted(schema["definitions"]["rounding"]["properties"])
['mode', 'places']
"""

from __future__ import annotations

import contextlib
import json
import types
import typing
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from ..data import model
from ..data import structure as _data
from ..errors import ParamError
from ..indicators import get_kind, kind_names, plugin_kind_names
from ..units import Money
from . import keys

__all__ = ["SCHEMA_DIALECT", "data_schema", "rubric_schema", "rule_keys", "schema_json"]

#: The JSON Schema dialect of the generated schemas (the one Taplo reads).
SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"

Json = dict[str, Any]


def _table(table: keys.Table) -> Json:
    return {
        "type": "object",
        "description": table.doc,
        "properties": {k.name: _described(k.schema, k.doc) for k in table.keys},
        "required": [k.name for k in table.keys if k.required],
        "additionalProperties": False,
    }


def _described(schema: Mapping[str, Any], doc: str) -> Json:
    # Draft-07 ignores keywords beside "$ref": wrap it so the description shows.
    if "$ref" in schema:
        return {"allOf": [dict(schema)], "description": doc}
    return {**schema, "description": doc}


class _Probe(Mapping[str, Any]):
    """A rule table that answers every key, and remembers the keys a kind asked for.

    A kind reads its parameters through :class:`~perfrubric.indicators.ParamReader`,
    which asks the table for each key it accepts (``key in params``,
    ``params.get(key)``); the keys asked for are the ones the loader would not
    call unknown.  Values are answered with ``1``, so typed accessors record
    problems (collected and dropped here) rather than going down nested tables.
    """

    def __init__(self) -> None:
        self.asked: list[str] = []

    def _ask(self, key: object) -> None:
        if isinstance(key, str) and key not in self.asked:
            self.asked.append(key)

    def __contains__(self, key: object) -> bool:
        self._ask(key)
        return True

    def __getitem__(self, key: str) -> Any:
        self._ask(key)
        return 1

    def get(self, key: str, default: Any = None) -> Any:
        """Answer ``1`` for any key (and remember it)."""
        self._ask(key)
        return 1

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def rule_keys(kind: str) -> tuple[str, ...] | None:
    """The parameter keys the rule kind *kind* accepts at the top of its table.

    Found by asking the kind to read a probing table (see :class:`_Probe`);
    ``None`` when the kind does not read through the table's mapping
    interface in a way the probe can follow (it then stays open in the schema).
    Only perfrubric's own kinds are probed: their keys are checked against the
    loader by the test suite.
    """
    cls = get_kind(kind)
    if not cls.__module__.startswith("perfrubric."):
        return None
    probe = _Probe()
    try:
        with contextlib.suppress(ParamError):  # the probe's values are wrong on purpose
            cls.from_params(probe, Decimal(1))
    except Exception:  # a kind the probe cannot follow stays open (tested for built-ins)
        return None
    return tuple(sorted(probe.asked))


def _rule() -> Json:
    registered = list(kind_names())
    # installed plugins' kinds are offered by name, without importing them
    offered = sorted({*registered, *plugin_kind_names()})
    per_kind = []
    for name in registered:
        known = rule_keys(name)
        if known is not None:
            per_kind.append({
                "if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
                "then": {"propertyNames": {"enum": ["kind", *known]}},
            })
    return {
        "type": "object",
        "description": "A rule kind and its parameters (see docs/rule-kinds.md); the "
                       "parameters are checked by the loader.",
        "properties": {"kind": {
            "description": f"The rule kind: {', '.join(offered)}, or a plugin's kind.",
            "anyOf": [{"enum": offered}, {"type": "string", "pattern": r"^[A-Za-z_]\w*$"}],
        }},
        "required": ["kind"],
        "additionalProperties": True,
        "allOf": per_kind,
    }


def rubric_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a rubric TOML document.

    The registered rule kinds and those installed packages declare (entry
    points, not imported) are offered as ``rule.kind`` values; any
    identifier is accepted there, so a rubric naming another plugin's kind
    still validates.
    """
    top = _table(keys.TOP)
    definitions: Json = {t.name: _table(t) for t in keys.TABLES if t is not keys.TOP}
    definitions["rule"] = _rule()
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "perfrubric rubric (指标评分表)",
        **top,
        "definitions": definitions,
    }


# -- data ---------------------------------------------------------------------------

_MONEY: Json = {
    "description": 'Money: "601.53万元", or { amount = 601.53, unit = "万元" }.',
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "properties": {"amount": keys.NUMBER, "unit": keys.TEXT},
         "required": ["amount", "unit"], "additionalProperties": False},
    ],
}
_FACT: Json = {"anyOf": [{"type": ["number", "boolean", "string"]},
                         {"type": "array", "items": {"type": "string"}}]}
_FACTS: Json = {"type": "object", "additionalProperties": {"anyOf": [_FACT, {"type": "object"}]},
                "description": "Named values the typed model has no field for: facts.<name>."}


def _type_schema(tp: Any, defs: Json) -> Json:
    """The schema of one model field type."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(options) == 1:
            return _type_schema(options[0], defs)
        if tp == model.FactValue or set(options) == set(typing.get_args(model.FactValue)):
            return dict(_FACT)
        return {"anyOf": [_type_schema(a, defs) for a in options]}
    if tp is str:
        return {"type": "string"}
    if tp is int:
        return {"type": "integer"}
    if tp is Decimal:
        return dict(keys.NUMBER)
    if tp is bool:
        return {"type": "boolean"}
    if tp is Money:
        return dict(_MONEY)
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0], defs)}
    if origin is Mapping:
        value = typing.get_args(tp)[1]
        if value is Any:
            return dict(_FACTS)
        return {"type": "object", "additionalProperties": _type_schema(value, defs)}
    if attrs.has(tp):
        return _class_ref(tp, defs)
    raise TypeError(f"no schema for the model type {tp!r}")  # pragma: no cover


#: A value as a project form prints it (``"≥50个"``, ``"≤90万元"``, ``"效果明显"``), or a number.
_PRINTED: Json = {"anyOf": [{"type": "number"}, {"type": "string", "minLength": 1}],
                  "description": "As printed on the form: \"≥50个\", \"≤90万元\", \"85%\", "
                                 "\"效果明显\"; or a number."}
#: Fields whose file form is wider than their model type, and fields a file may leave out
#: although the model requires them (the loader fills them in).
_FIELD_SCHEMA: dict[tuple[str, str], Json] = {("Target", "target"): _PRINTED,
                                               ("Target", "actual"): _PRINTED}
_DERIVED: frozenset[tuple[str, str]] = frozenset({("Target", "id")})  # from the name


def _class_ref(cls: type, defs: Json, only: tuple[str, ...] | None = None) -> Json:
    name = cls.__name__
    if name not in defs:
        defs[name] = {}  # reserve: classes may nest themselves (BudgetLine.lines)
        hints = typing.get_type_hints(cls)  # in the namespace of the class's own module
        fields = [f for f in attrs.fields(cls) if only is None or f.name in only]
        doc = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        defs[name] = {
            "type": "object",
            "description": doc,
            "properties": {f.name: dict(_FIELD_SCHEMA.get((name, f.name))
                                        or _type_schema(hints[f.name], defs))
                           for f in fields},
            "required": [f.name for f in fields if f.default is attrs.NOTHING
                         and (name, f.name) not in _DERIVED],
            "additionalProperties": False,
        }
    return {"$ref": f"#/definitions/{name}"}


def data_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a department data document (TOML or JSON)."""
    defs: Json = {}
    hints = typing.get_type_hints(model.Department, vars(model))
    sections: Json = {}
    for section in _data.SECTIONS:
        if section == "department":
            sections[section] = _class_ref(model.Department, defs, _data._DEPARTMENT_KEYS)
            continue
        sections[section] = _type_schema(hints[_data._SECTION_FIELDS[section]], defs)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "perfrubric department data (基础数据表)",
        "type": "object",
        "properties": sections,
        "required": ["department"],
        "additionalProperties": False,
        "definitions": defs,
    }


def schema_json(which: Literal["rubric", "data"]) -> str:
    """The schema *which* (``"rubric"`` or ``"data"``) as indented JSON text."""
    schema = rubric_schema() if which == "rubric" else data_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
