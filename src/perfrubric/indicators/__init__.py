"""Rule kinds: how one indicator turns a measured value into points.

One module per kind; each registers itself on import.  The built-in kinds
(TOML names): ``ratio``, ``threshold``, ``step_deduction``, ``bands``,
``checklist``, ``levels``, ``yes_no``, ``per_event``, ``judged``.  The API
for writing your own kind lives in :mod:`perfrubric.indicators.base`.
"""

from __future__ import annotations

from .bands import Band, Bands
from .base import (
    ENTRY_POINT_GROUP,
    Direction,
    Outcome,
    ParamReader,
    RuleKind,
    RuleParams,
    as_bool,
    as_items,
    as_number,
    as_text,
    get_kind,
    kind_names,
    label_number,
    load_plugin,
    plugin_kind_names,
    register_kind,
    written_as_percent,
)
from .checklist import Checklist
from .inverse import Choices, Interval, Inverse, ItemSets, ValueRange
from .judged import Judged
from .levels import LEVEL_NAMES_EN, Level, Levels
from .per_event import PerEvent
from .ratio import Ratio
from .step_deduction import StepDeduction
from .threshold import Threshold
from .yes_no import YesNo

__all__ = [
    "ENTRY_POINT_GROUP",
    "LEVEL_NAMES_EN",
    "Band",
    "Bands",
    "Checklist",
    "Choices",
    "Direction",
    "Interval",
    "Inverse",
    "ItemSets",
    "Judged",
    "Level",
    "Levels",
    "Outcome",
    "ParamReader",
    "PerEvent",
    "Ratio",
    "RuleKind",
    "RuleParams",
    "StepDeduction",
    "Threshold",
    "ValueRange",
    "YesNo",
    "as_bool",
    "as_items",
    "as_number",
    "as_text",
    "get_kind",
    "kind_names",
    "label_number",
    "load_plugin",
    "plugin_kind_names",
    "register_kind",
    "written_as_percent",
]
