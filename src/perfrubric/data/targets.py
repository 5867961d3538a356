"""A target of the year with its result (:class:`Target`), read as a project form prints it.

:class:`Target` holds one 年度目标 / 绩效指标 with its target and actual
values; :func:`_read_printed` reads ``target``/``actual`` written as printed
(``"≥50个"``, ``"85%"``, ``"效果明显"``; see :mod:`perfrubric.data.printed`)
once all fields are set.  :mod:`perfrubric.data.model` re-exports
:class:`Target` with the rest of the department model.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

import attrs

from ..units import UNITS
from .fields import (
    FieldError,
    FieldIssue,
    _direction,
    _identifier,
    _non_negative,
    _opt_decimal,
    _opt_text,
    _text,
)
from .printed import LEVELS, Printed, PrintedValueError, level_name, parse_printed, reconcile

__all__ = ["Target"]


_RATE_UNITS = ("%", "‰")
_MOST_POINTS = Decimal(1_000_000)


_PUNCTUATION = re.compile(r"[\W_]+")


def _words(text: str) -> str:
    """*text* without whitespace and punctuation (``有效。`` and ``有 效`` are ``有效``)."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text))


def _ten_thousand(parsed: Printed | None, money: bool, field: str, raw: object,
                  fail: Callable[[str, str, str, object], None]) -> Printed | None:
    """*parsed* with a bare ``万`` read as 万元 in a money row; refused elsewhere."""
    if parsed is None or parsed.unit != "万":
        return parsed
    if money:
        return attrs.evolve(parsed, unit="万元",
                            notes=(*parsed.notes, "'万' read as 万元 (a money row)"))
    fail(field, f"{parsed.text!r}: '万' alone is ambiguous outside a money row; write the "
         "unit in full (万元, 万人, 万户 …)", "a unit such as 万元 or 万人", raw)
    return None


def _given_direction(value: str | None) -> Any:
    """Keep ``None`` (no direction given): :func:`_read_printed` decides it."""
    return value


def _opt_direction(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _direction(instance, attribute, value)


def _printed_raw(value: Decimal | int | float | str | None) -> Any:
    """Keep the value as given; :func:`_read_printed` reads it once all fields are set."""
    return value


def _read_printed(t: Target) -> None:
    """Read ``target``/``actual`` as printed and set number, unit, direction and level.

    Runs once, in ``__attrs_post_init__``; every problem is a
    :class:`FieldIssue` on the field that caused it.
    """
    issues: list[FieldIssue] = []
    put = functools.partial(object.__setattr__, t)

    def fail(field: str, message: str, expected: str, got: object) -> None:
        issues.append(FieldIssue((field,), message, expected, repr(got)))

    target: Printed | None = None
    actual: Printed | None = None
    notes: list[str] = []
    declared = (t.unit,) if t.unit is not None and t.unit not in UNITS else ()
    cost = "成本指标" in (t.indicator or "").split("/")
    for field in ("target", "actual"):
        raw = getattr(t, field)
        if raw is None:
            continue
        try:
            parsed = parse_printed(raw, actual=field == "actual", units=declared)
        except PrintedValueError as exc:
            fail(field, str(exc), 'a value such as "≥50个", "85%" or 效果明显', raw)
            continue
        if field == "target":
            target = parsed
        else:
            actual = parsed
    money = t.unit in UNITS or any(p is not None and p.is_money for p in (target, actual)) \
        or cost
    target = _ten_thousand(target, money, "target", t.target, fail)
    actual = _ten_thousand(actual, money, "actual", t.actual, fail)
    for read in (target, actual):
        if read is not None:
            notes += read.notes
    given = t.direction
    direction: Literal["higher", "lower"] = given or "higher"
    source = "given" if given is not None else "default"
    if target is not None and target.is_quantity:
        if target.unit is not None and t.unit is not None and t.unit != target.unit and not (
                target.is_rate and t.unit in _RATE_UNITS):
            fail("unit", f"unit = {t.unit!r} but the target {target.text!r} is written in "
                 f"{target.unit}", f"{target.unit!r} or no unit", t.unit)
        if target.unit is None and t.unit in _RATE_UNITS:
            fail("target", f"with unit = {t.unit!r}, write the value as a percentage, e.g. "
                 f"\"{target.text}{t.unit}\"", f"a percentage such as \"85{t.unit}\"",
                 t.target)
        signed = target.direction
        if signed is not None and target.operator != "=":
            if given is not None and given != signed:
                says = "more" if signed == "higher" else "less"
                fail("direction", f"direction = \"{given}\" but the target {target.text!r} "
                     f"says {says} is better", f'"{signed}" or no direction', given)
            direction, source = signed, "sign"
        elif signed is not None and given is None:
            direction, source = signed, "sign"
        elif given is None and cost:
            direction, source = "lower", "tier"
            notes.append(f"the target {target.text!r} has no sign: under 成本指标 it is read "
                         "as lower-is-better (≤), the form's meaning of a cost; direction = "
                         "\"higher\" overrides")
        if target.is_tolerance:
            notes.append(f"the tolerance {target.text!r} is reached when the actual lies within "
                         "it either side of 0; beyond it the row earns the tolerance / the "
                         "actual's size × its points")
        if target.is_strict:
            notes.append(f"the strict comparison {target.text!r} is scored as "
                         f"{'≥' if target.operator == '>' else '≤'}: reaching the figure earns "
                         "full points (the form's rule has no strict step)")
        if target.unit is not None:
            put("unit", "%" if target.unit == "%" else target.unit)
        put("target", target.value)
    elif target is not None:
        put("target", None)
    put("direction", direction)
    put("direction_from", source)
    for field in ("points", "score"):
        number = getattr(t, field)
        if number is not None and number > _MOST_POINTS:
            fail(field, f"{number} points is out of range (at most {_MOST_POINTS})",
                 f"0–{_MOST_POINTS}", number)
    level = t.level
    if level is not None:
        canonical = level_name(level)
        if canonical is None:
            fail("level", f"unknown level {level!r}; expected "
                 + " | ".join(f'"{name}"' for name, _, _ in LEVELS), "a level", level)
        elif target is not None and not target.qualitative:
            fail("level", "a level judges a qualitative target; this target is the number "
                 f"{target.text!r}, so give its actual instead", "no level", level)
        elif target is None:
            fail("level", "a level judges a qualitative target; give the target as printed "
                 "too, e.g. target = \"效果明显\"", "a qualitative target", level)
        else:
            level = canonical
    if actual is not None:
        if target is None:
            if actual.is_quantity and (not actual.unit or actual.is_rate):
                put("actual", actual.value)
            elif actual.is_quantity:
                fail("actual", f"{actual.text!r} has a unit but there is no target to "
                     "compare it with; give the target too, or the number alone",
                     "a number", t.actual)
            else:
                fail("actual", f"{actual.text!r} is not a number and there is no target",
                     "a number", t.actual)
        elif target.qualitative is not None and actual.qualitative is not None:
            named = level_name(actual.qualitative)
            if named is None and _words(actual.qualitative) == _words(target.qualitative or ""):
                named = LEVELS[0][0]
                if t.level is None:
                    notes.append(f"the actual repeats the target's text {target.text!r}: read "
                                 f"as {named}")
            if named is not None:
                if t.level is not None and level != named:
                    fail("level", f"level {t.level!r} disagrees with the actual "
                         f"{actual.text!r}", named, t.level)
                level = named
            elif t.level is None:
                fail("actual", f"the actual {actual.text!r} is neither the target's text "
                     f"{target.text!r} nor a judgement; give the judgement as level = "
                     + " | ".join(f'"{name}"' for name, _, _ in LEVELS),
                     "a judgement, or the target's text", t.actual)
            put("actual", None)
        else:
            if target.unit is None and t.unit is not None and actual.unit is not None:
                target = attrs.evolve(target, unit=t.unit)  # the declared unit of a bare number
            try:
                put("actual", reconcile(target, actual))
            except PrintedValueError as exc:
                fail("actual", str(exc), "the result in the target's unit", t.actual)
    put("level", level)
    # A score on any row, qualitative rows included, is the form's printed 得分: reviewed
    # against the rule (engine/printed_form.py) — above the row's points, outside its
    # level's band, or without a judgement (no level, no actual) included.
    put("printed_target", target)
    put("printed_actual", actual)
    put("notes", tuple(dict.fromkeys(notes)))
    if issues:
        raise FieldError(issues)



@attrs.frozen
class Target:
    """A target of the year with its result (年度目标 / 绩效指标与完成情况).

    ``id`` is the identifier measures use (``targets.<id>.actual``); ``name``
    is the target as the report words it (实际到位内资).  ``unit`` is a
    money unit (亿元, 亿美元 — the values then read as :class:`Money` in
    measures) or free text (个, 座, 人, %).  ``target`` 目标值 / 年任务,
    ``actual`` 实际完成值, ``previous`` 上年完成值.  ``direction`` says
    whether more (``"higher"``) or less (``"lower"``) is better; when it
    is not given it comes from the printed sign, else from the tier (a
    target without a sign under 成本指标 is lower-is-better), else
    ``"higher"``; ``direction_from`` says which (``given``, ``sign``,
    ``tier``, ``default``) and ``notes`` how the printed values were read
    (a look-alike sign, an actual printed with a sign, 万 read as 万元 …).
    ``subject`` is who achieved it (全区), ``source`` where the figure comes
    from, and ``category`` groups output targets as a project form does
    (数量, 质量, 时效, 成本, 效益).

    ``target`` and ``actual`` may be written as a project form prints them
    (``"≥50个"``, ``"≤90万元"``, ``"85%"``, ``"按时完成"``; see
    :mod:`perfrubric.printed`): the comparison sets ``direction``, the unit
    sets ``unit``, and ``target``/``actual`` keep the number (a rate as a
    fraction: ``"85%"`` is ``Decimal("0.85")``; an actual in the target's
    unit: ``"900000元"`` against ``"≤90万元"`` is ``90``).  A qualitative
    target (``"效果明显"``) has no number; its judgement is ``level``
    (达成预期指标 / 部分达成预期指标 / 未达成预期指标, or ``actual`` written as
    one of them) with an optional evaluator's ``score``.  ``printed_target``
    and ``printed_actual`` keep the parsed text.  The form's columns:
    ``indicator`` the 一级/二级 tier where the row sits
    (``"产出指标/数量指标"``), ``points`` its 分值, ``reason`` 偏差原因分析及改进措施,
    ``score`` its printed 得分, reviewed against the rule (on a qualitative
    row with a judgement, a score inside the band of its level is the
    evaluator's score and counts; see ``docs/projects.md``).
    """

    id: str = attrs.field(validator=_identifier)
    name: str = attrs.field(validator=_text)
    target: Decimal | None = attrs.field(default=None, converter=_printed_raw)
    actual: Decimal | None = attrs.field(default=None, converter=_printed_raw)
    unit: str | None = attrs.field(default=None, validator=_opt_text)
    direction: Literal["higher", "lower"] = attrs.field(default=None, converter=_given_direction,
                                                        validator=_opt_direction)
    previous: Decimal | None = attrs.field(default=None, converter=_opt_decimal)
    subject: str | None = None
    source: str | None = None
    category: str | None = attrs.field(default=None, validator=_identifier)
    indicator: str | None = attrs.field(default=None, validator=_opt_text)
    points: Decimal | None = attrs.field(default=None, converter=_opt_decimal,
                                         validator=_non_negative)
    level: str | None = attrs.field(default=None, validator=_opt_text)
    score: Decimal | None = attrs.field(default=None, converter=_opt_decimal,
                                        validator=_non_negative)
    reason: str | None = attrs.field(default=None, validator=_opt_text)
    printed_target: Printed | None = attrs.field(init=False, default=None, eq=False,
                                                 repr=False)
    printed_actual: Printed | None = attrs.field(init=False, default=None, eq=False,
                                                 repr=False)
    direction_from: Literal["given", "sign", "tier", "default"] = attrs.field(
        init=False, default="default", eq=False, repr=False)
    notes: tuple[str, ...] = attrs.field(init=False, default=(), eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _read_printed(self)

    @property
    def is_qualitative(self) -> bool:
        """Whether the target is qualitative text (效果明显) rather than a number."""
        return self.printed_target is not None and self.printed_target.qualitative is not None

    @property
    def is_money(self) -> bool:
        """Whether the unit is a money unit (so values are :class:`Money` in measures)."""
        return self.unit in UNITS

    @property
    def ratio(self) -> Decimal | None:
        """Return actual / target, or ``None`` when either is missing or the target is 0.

        >>> Target("t", "实际到位内资", target="215.92", actual="252.94").ratio.quantize(
        ...     Decimal("0.0001"))
        Decimal('1.1715')
        """
        if self.actual is None or self.target is None or self.target == 0:
            return None
        return self.actual / self.target

    @property
    def is_tolerance(self) -> bool:
        """Whether the target is a tolerance ``±N`` (the actual's size is compared)."""
        return self.printed_target is not None and self.printed_target.is_tolerance

    def _measured(self) -> Decimal | None:
        if self.actual is None or not self.is_tolerance:
            return self.actual
        return abs(self.actual)

    @property
    def reached(self) -> bool | None:
        """Whether the target was reached in its direction; ``None`` if unknown.

        A tolerance ``±N`` is reached when the actual lies within N of 0
        (``±10%`` with ``-8%``).
        """
        actual = self._measured()
        if actual is None or self.target is None:
            return None
        if self.direction == "lower":
            return actual <= self.target
        return actual >= self.target

    @property
    def completion(self) -> Decimal | None:
        """Share of the target reached, capped at 1 (达到目标的计满分，否则按比例).

        1 when the target is reached (also a target of 0: ``≥0个`` with 0);
        otherwise actual / target for ``higher``, target / actual for
        ``lower`` (a tolerance ``±N``: N / the actual's size).  A missed
        target at or below zero earns 0 (``≥0%`` with ``-2%``, ``≤-5%`` with
        ``-3%``): no proportion can be taken of it.  ``None`` only when a
        figure is missing.
        """
        actual = self._measured()
        if actual is None or self.target is None:
            return None
        if self.reached:
            return Decimal(1)
        if self.target <= 0:
            return Decimal(0)
        if self.direction == "lower":
            return self.target / actual
        return max(actual / self.target, Decimal(0))

    @property
    def growth(self) -> Decimal | None:
        """(actual − previous) / previous (同比增长), or ``None``."""
        if self.actual is None or self.previous is None or self.previous == 0:
            return None
        return (self.actual - self.previous) / self.previous
