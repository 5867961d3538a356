"""The keys of a rubric document: one declarative description.

Both the loader (:mod:`perfrubric.building`, :mod:`perfrubric.extending`),
which refuses unknown keys, and the JSON Schema generator
(:mod:`perfrubric.schema`), which tells editors what may be written, read
the tables below, so the two cannot drift apart: a key added here is
accepted by the loader and offered by the editor at once.

Each :class:`Key` carries a JSON Schema fragment for its value (kept loose
where the loader's own check is richer, e.g. expressions) and the
one-line description an editor shows on hover.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ..decimals import ROUNDING_MODES
from ..expr.template import LOCALES as TEMPLATE_LOCALES
from .model import (
    MISSING_POLICIES,
    NOT_APPLICABLE_POLICIES,
    TARGET_ROW_EMPTY,
    TARGET_ROW_MISSING,
    TARGET_ROW_POINTS,
)

__all__ = [
    "ALTERNATIVE",
    "EITHER_OR",
    "EXTEND_ONLY",
    "FIGURE",
    "GRADE",
    "INDICATOR",
    "ROUNDING",
    "RUBRIC",
    "TABLES",
    "TARGET_ROWS",
    "TOP",
    "VETO",
    "VETO_MISSING",
    "Key",
    "Table",
]

Json = Mapping[str, Any]

#: A number written as a TOML number or as a string (``"12.5"``, ``"10%"``).
NUMBER: Json = {"anyOf": [
    {"type": "number"},
    {"type": "string", "pattern": r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*%?\s*$"},
]}
TEXT: Json = {"type": "string", "minLength": 1}
EXPRESSION: Json = {"type": "string", "minLength": 1}

#: What a veto does when the data lacks the fact its condition names.
VETO_MISSING: tuple[str, ...] = ("error", "pass", "trigger")


def _ref(name: str) -> Json:
    return {"$ref": f"#/definitions/{name}"}


def _array_of(name: str) -> Json:
    return {"type": "array", "items": _ref(name)}


def _enum(values: tuple[str, ...]) -> Json:
    return {"enum": list(values)}


@attrs.frozen
class Key:
    """One key of a table: its name, a JSON Schema for its value, a description."""

    name: str
    schema: Json
    doc: str
    required: bool = False


@attrs.frozen
class Table:
    """One kind of table in a rubric document, with the keys it may hold."""

    name: str
    doc: str
    keys: tuple[Key, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the keys, in the documented order."""
        return tuple(k.name for k in self.keys)


ROUNDING = Table("rounding", "How a score or value is rounded.", (
    Key("places", {"type": "integer", "minimum": 0, "maximum": 12},
        "Decimal places, 0 to 12 (default 2)."),
    Key("mode", _enum(tuple(ROUNDING_MODES)),
        "Rounding mode; half_up (四舍五入) by default, down truncates (截断)."),
))

GRADE = Table("grade", "One grade of the scale: its name and lowest total (inclusive).", (
    Key("name", TEXT, "The grade's name, e.g. 优.", required=True),
    Key("min", NUMBER, "Lowest total of the grade, inclusive.", required=True),
    Key("max", NUMBER, "Upper bound, exclusive; must equal the next grade's min."),
    Key("en", TEXT, "English name of the grade."),
    Key("labels", {"type": "object", "additionalProperties": TEXT},
        "Names of the grade in other locales: { en = \"Excellent\" }."),
))

_TITLE: Json = {"anyOf": [TEXT, {"type": "object", "additionalProperties": TEXT,
                                 "minProperties": 1}]}

RUBRIC = Table("rubric", "The [rubric] table: what the rubric is.", (
    Key("id", TEXT, "Identifier used by `perfrubric list` and carried in results."),
    Key("version", TEXT, "The rubric's own version."),
    Key("title", _TITLE, "A string, or { zh_CN = \"…\", en = \"…\" }."),
    Key("locale", TEXT, "The rubric's own language (default zh_CN)."),
    Key("source", TEXT, "The public document the rubric follows."),
    Key("description", TEXT, "Free text."),
    Key("full_marks", NUMBER, "满分; the top tier must add up to it (default 100)."),
    Key("rounding", _ref("rounding"), "Rounding of indicator scores (default 2 places, half_up)."),
    Key("total_rounding", _ref("rounding"), "Rounding of the total (default: as rounding)."),
    Key("grades", {"type": "array", "minItems": 1, "items": _ref("grade")},
        "The grade scale (default 优 90 / 良 80 / 中 60 / 差 0)."),
    Key("extends", TEXT, "A built-in rubric id or a rubric file (relative to this one) "
                         "that this rubric adapts."),
))

#: Keys of an indicator row that only a rubric with ``extends`` may use.
EXTEND_ONLY: tuple[str, ...] = ("remove", "rename", "after", "before")

_RULE: Json = {"anyOf": [
    _ref("rule"),
    {"const": False, "description": "In a rubric that extends another: drop the parent's "
                                    "rule, measure, unit and value_rounding (the row "
                                    "becomes a parent)."},
]}

INDICATOR = Table("indicator", "One [[indicator]] row of the scoring table.", (
    Key("path", TEXT, "Names from the top tier down, joined with '/'.", required=True),
    Key("points", NUMBER, "分值; a parent's points equal the sum of its children's."),
    Key("weight", NUMBER, "Instead of points: relative weight among siblings."),
    Key("name_en", TEXT, "English name, for English reports."),
    Key("definition", TEXT, "指标解释, shown in tables."),
    Key("criterion", TEXT, "评分标准 as printed."),
    Key("measure", {"anyOf": [EXPRESSION, {"const": False}]},
        "An expression over the data names, e.g. \"staffing.on_post / staffing.authorized\"."),
    Key("unit", TEXT, "Unit of the measured value: \"%\", \"万元\", \"个\"."),
    Key("value_rounding", _ref("rounding"), "Rounding of the measured value as displayed."),
    Key("rule", _RULE, "How a leaf is scored: { kind = \"bands\", … }."),
    Key("missing", _enum(MISSING_POLICIES), "What to do when the measure cannot be computed."),
    Key("rounding", _ref("rounding"), "This indicator's score rounding."),
    Key("applicable", EXPRESSION, "A condition; when false the indicator is not applicable."),
    Key("not_applicable", _enum(NOT_APPLICABLE_POLICIES),
        "full (没有该类项目的按满分计算) or exclude."),
    Key("templates", {"type": "object", "propertyNames": _enum(TEMPLATE_LOCALES),
                      "additionalProperties": {"type": "string"}},
        "Narrative sentence templates per locale."),
    Key("note", {"type": "string"}, "A note on the row (its source, a local choice): shown in "
        "the tables' note column (说明), never in 评分标准; ignored by the engine."),
    Key("target_rows", _ref("target_rows"), "The tier's rows come from the data's [[target]] "
        "rows placed under it (a project form): { tiers = [\"数量指标\", …] }."),
    Key("remove", {"type": "boolean"}, "With extends: drop the parent's row and its children."),
    Key("rename", TEXT, "With extends: a new last name for the parent's row."),
    Key("after", TEXT, "With extends: place this row after that sibling (a name or a path)."),
    Key("before", TEXT, "With extends: place this row before that sibling (a name or a path)."),
))

TARGET_ROWS = Table("target_rows", "Rows generated from the data's targets (项目支出绩效自评表).", (
    Key("tiers", {"type": "array", "items": TEXT},
        "The sub-tiers (二级指标) rows may be placed in, e.g. [\"数量指标\", \"质量指标\"]."),
    Key("points", _enum(TARGET_ROW_POINTS),
        "exact: the rows' points must add up to the tier's; rescale: scale them to it."),
    Key("empty", _enum(TARGET_ROW_EMPTY),
        "A tier with no target rows: exclude (不适用，按适用指标折算), full or error."),
    Key("missing", _enum(TARGET_ROW_MISSING),
        "A target row without a reported result: zero, cannot_rate or error (never full)."),
))

ALTERNATIVE = Table("alternative", "One alternative of an either-or group.", (
    Key("path", TEXT, "The indicator's path.", required=True),
    Key("when", EXPRESSION, "When this alternative is the one scored."),
))

EITHER_OR = Table("either_or", "An either-or group (二者择其一).", (
    Key("name", TEXT, "The group's name."),
    Key("alternatives", {"type": "array", "minItems": 2,
                         "items": {"anyOf": [TEXT, _ref("alternative")]}},
        "Indicator paths, or { path = …, when = … }.", required=True),
))

VETO = Table("veto", "A veto (一票否决) or cap.", (
    Key("name", TEXT, "The veto's name."),
    Key("when", EXPRESSION, "The condition that triggers it.", required=True),
    Key("reason", TEXT, "Why, as the report says it.", required=True),
    Key("grade_at_most", TEXT, "The best grade left when triggered."),
    Key("total_at_most", NUMBER, "A cap on the total when triggered."),
    Key("indicator", TEXT, "An indicator set to 0 when triggered."),
    Key("missing", _enum(VETO_MISSING), "When the data lacks the fact: error, pass or trigger."),
))

FIGURE = Table("figure", "A figure the report quotes but the table does not score.", (
    Key("id", TEXT, "An identifier, unique among figures.", required=True),
    Key("name", TEXT, "Its name in the report."),
    Key("name_en", TEXT, "English name, for English reports."),
    Key("measure", EXPRESSION, "The expression that computes it.", required=True),
    Key("unit", TEXT, "Its unit: \"%\", \"万元\"."),
    Key("value_rounding", _ref("rounding"), "Its rounding."),
))

TOP = Table("document", "A perfrubric rubric (指标评分表).", (
    Key("rubric", _ref("rubric"), "What the rubric is.", required=True),
    Key("indicator", _array_of("indicator"), "The rows of the scoring table."),
    Key("either_or", _array_of("either_or"), "Either-or groups."),
    Key("veto", _array_of("veto"), "Vetoes and caps."),
    Key("figure", _array_of("figure"), "Report figures."),
))

#: Every table, by the name it has in the schema's definitions.
TABLES: tuple[Table, ...] = (TOP, RUBRIC, GRADE, ROUNDING, INDICATOR, TARGET_ROWS, EITHER_OR,
                             ALTERNATIVE, VETO, FIGURE)
