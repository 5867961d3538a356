"""Reading a rule's parameter table: :class:`ParamReader` and :class:`RuleParams`.

Every rule kind reads its TOML table through a :class:`ParamReader`, which
collects every problem (located by key path) instead of stopping at the
first, reports unknown keys with a did-you-mean, and reads thresholds
written as money in the unit of the indicator's measured value.
Re-exported by :mod:`perfrubric.indicators` and
:mod:`perfrubric.indicators.base`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..decimals import NumberOutOfBounds, to_decimal
from ..errors import ParamError, Problem, did_you_mean
from ..units import UNITS, Money, UnitError

__all__ = ["ParamReader", "RuleParams", "written_as_percent"]

_ZERO = Decimal(0)


def written_as_percent(raw: object) -> bool:
    """Whether a raw parameter was written as a percentage string (``"10%"``)."""
    return isinstance(raw, str) and raw.strip().endswith("%")


class RuleParams(dict[str, Any]):
    """A rule's parameter table as the loader hands it to ``from_params``.

    A plain dict of the TOML rule table (without ``kind``) that also
    carries ``unit``, the unit of the indicator's measured value (``"%"``,
    ``"万元"`` or ``None``), so that a :class:`ParamReader` can read
    thresholds written as money.  Kinds need not know about it: they pass
    it to :class:`ParamReader` like any mapping.
    """

    def __init__(self, params: Mapping[str, Any] | None = None,
                 unit: str | None = None) -> None:
        super().__init__(params or {})
        self.unit = unit


_MONEY_TEXT = re.compile(r"^\s*([+-]?(?:\d[\d,]*)?\.?\d+)\s*([^\d\s.,%+-][^\d%]*?)\s*$")


class ParamReader:
    """Read a rule's parameter table, collecting every problem.

    A kind's ``from_params`` makes one reader over its table, reads each
    parameter with a typed accessor, and calls :meth:`done`::

        r = ParamReader(params)
        limit = r.decimal("limit", measured=True)    # "100%", 1, "600万元"
        side = r.choice("direction", ("above", "below"))
        r.done()                                     # raises ParamError

    Each accessor marks its key as read and, on a bad or missing value,
    records a :class:`~perfrubric.errors.Problem` (path relative to the rule
    table, what was expected, what was given) and returns a usable
    placeholder, so one pass finds every mistake; :meth:`done` raises them
    together and also reports keys that were never read (with a
    did-you-mean).  The loader prefixes each problem's path with the
    indicator's location and adds file and line.

    *params* is the rule table (a :class:`RuleParams` from the loader, or
    any mapping).  *prefix* is prepended to every problem's path (set by
    :meth:`table_list` for ``bands[1].``).  *unit* is the unit of the
    indicator's measured value; by default it is taken from *params* when
    that is a :class:`RuleParams`, and it lets :meth:`decimal` read
    ``measured=True`` parameters written as money.
    """

    def __init__(self, params: Mapping[str, Any], prefix: str = "", *,
                 unit: str | None = None) -> None:
        self._params = params
        self._prefix = prefix
        self._seen: set[str] = set()
        #: The problems recorded so far (a kind may inspect or extend it).
        self.problems: list[Problem] = []
        #: The unit of the measured value, for money thresholds (``None`` if unknown).
        self.unit = unit if unit is not None else getattr(params, "unit", None)
        # How each measured parameter of the whole rule was written: (path, raw, is money);
        # shared with sub-readers so that mixing is found across a table of bands.
        self._measured: list[tuple[str, object, bool]] = []

    # -- recording

    def _path(self, key: str) -> str:
        return f"{self._prefix}{key}"

    def problem(self, key: str, message: str, *, expected: str | None = None,
                got: object = None) -> None:
        """Record a problem at *key* (relative to this table).

        *message* says what is wrong; *expected* (what a valid value looks
        like) and *got* (the value given, shown with :func:`repr`) are
        optional and shown by tools.  Use it for checks across parameters
        (``floor`` above the points); :meth:`done` raises it with the rest.
        """
        self.problems.append(Problem(
            message, path=self._path(key), expected=expected,
            got=None if got is None else repr(got),
        ))

    def has(self, key: str) -> bool:
        """Whether *key* is present (marks it as read, so it is never "unknown")."""
        self._seen.add(key)
        return key in self._params

    def raw(self, key: str, default: Any = None) -> Any:
        """Return the value of *key* as written (marks it as read), or *default*.

        For parameters the typed accessors do not cover, and to see how a
        number was written (``written_as_percent(r.raw("limit"))``).
        """
        self._seen.add(key)
        return self._params.get(key, default)

    # -- typed accessors

    def decimal(self, key: str, default: Decimal | None = None, *,
                positive: bool = False, non_negative: bool = False,
                measured: bool = False) -> Decimal:
        """Read a number: ``0.5``, ``5``, ``"12.5"`` or ``"10%"`` (= 0.1).

        *default* is returned when *key* is absent; without one the key is
        required (a problem is recorded and ``1`` returned).  *positive*
        requires a value above 0, *non_negative* one of 0 or more.

        *measured* says the parameter is compared with the measured value
        (a threshold, a limit, a band edge, a step, a target): it may then
        be written as money (``"600万元"``) when the indicator's unit is a
        money unit, and is converted exactly into that unit (``"0.06亿元"``
        reads as ``600`` under ``unit = "万元"``).  Money under a non-money
        unit, another currency, or a rule that writes some measured
        parameters as money and others as plain numbers (other than 0) are
        problems.
        """
        self._seen.add(key)
        if key not in self._params:
            if default is not None:
                return default
            self.problem(key, f"missing; expected a number for '{key}'", expected="number")
            return Decimal(1)
        raw = self._params[key]
        money = measured and isinstance(raw, str) and _MONEY_TEXT.match(raw) is not None
        try:
            value = self._money(key, raw) if money else to_decimal(raw)
        except NumberOutOfBounds as exc:
            self.problem(key, str(exc), expected="a number within ±1e15, at most 12 decimal "
                         "places")
            return Decimal(1)
        except ValueError:
            self.problem(key, f"expected a number such as 0.5 or \"10%\", got {raw!r}",
                         expected="number", got=raw)
            return Decimal(1)
        if value is None:  # a money problem, recorded
            return Decimal(1)
        if measured:
            self._measured.append((self._path(key), raw, money))
        if positive and value <= 0:
            self.problem(key, f"must be greater than 0, got {raw!r}",
                         expected="number > 0", got=raw)
            return Decimal(1)
        if non_negative and value < 0:
            self.problem(key, f"must not be negative, got {raw!r}",
                         expected="number >= 0", got=raw)
            return _ZERO
        return value

    def _money(self, key: str, raw: str) -> Decimal | None:
        """*raw* ("600万元") in the indicator's unit, or ``None`` after a problem."""
        match = _MONEY_TEXT.match(raw)
        assert match is not None
        try:
            written = Money(to_decimal(match[1], percent=False), match[2])
        except UnitError as exc:
            self.problem(key, str(exc), expected="a money unit such as 万元", got=raw)
            return None
        except ValueError as exc:
            self.problem(key, str(exc), expected="money such as \"600万元\"", got=raw)
            return None
        unit = UNITS.get(self.unit or "")
        if unit is None:
            declared = (f"the indicator's unit is {self.unit!r}, not a money unit"
                        if self.unit else "the indicator declares no unit")
            self.problem(key, f"{raw!r} is money, but {declared}: a threshold in money needs "
                         f"the measured value in money, unit = \"{written.unit}\"",
                         expected=f"a number in {self.unit}" if self.unit else "a number",
                         got=raw)
            return None
        if unit.currency != written.unit.currency:
            self.problem(key, f"{raw!r} is in {written.unit.currency}, but the indicator's "
                         f"unit {self.unit!r} is in {unit.currency}",
                         expected=f"an amount in {unit.currency}", got=raw)
            return None
        return written.to(unit).amount

    def choice(self, key: str, choices: Sequence[str], default: str | None = None) -> str:
        """Read one of *choices* (strings); required when *default* is ``None``.

        A value outside *choices* is a problem with a did-you-mean; the
        placeholder is the first choice.
        """
        self._seen.add(key)
        options = " | ".join(f'"{c}"' for c in choices)
        if key not in self._params:
            if default is not None:
                return default
            self.problem(key, f"missing; say {key} = {options}", expected=options)
            return choices[0]
        raw = self._params[key]
        if raw not in choices:
            hint = did_you_mean(str(raw), choices)
            self.problem(key, f"expected {options}, got {raw!r}{hint}", expected=options, got=raw)
            return choices[0]
        return str(raw)

    def boolean(self, key: str, default: bool | None = None) -> bool:
        """Read ``true`` or ``false`` (TOML booleans only); required without *default*."""
        self._seen.add(key)
        if key not in self._params:
            if default is not None:
                return default
            self.problem(key, "missing; expected true or false", expected="true | false")
            return False
        raw = self._params[key]
        if not isinstance(raw, bool):
            self.problem(key, f"expected true or false, got {raw!r}",
                         expected="true | false", got=raw)
            return False
        return raw

    def text(self, key: str, default: str | None = None) -> str:
        """Read a non-empty string; required without *default* (placeholder ``""``)."""
        self._seen.add(key)
        if key not in self._params:
            if default is not None:
                return default
            self.problem(key, "missing; expected a text value", expected="string")
            return ""
        raw = self._params[key]
        if not isinstance(raw, str) or not raw.strip():
            self.problem(key, f"expected a non-empty text value, got {raw!r}",
                         expected="string", got=raw)
            return ""
        return raw

    def notation(self, written: Iterable[object]) -> bool:
        """Read the optional ``notation`` ("percent" | "number") for labels.

        Returns whether labels show percentages.  Without the key, labels
        follow the author's notation: percentages when any of the *written*
        raw values (from :meth:`raw`) is a percentage string.
        """
        default = "percent" if any(written_as_percent(w) for w in written) else "number"
        return self.choice("notation", ("percent", "number"), default) == "percent"

    def table_list(self, key: str, *, required: bool = True) -> list[ParamReader]:
        """Read an array of tables; return one sub-reader per item.

        Each sub-reader's problems are located at ``key[i].…`` and it shares
        this reader's unit (and its check that measured parameters are all
        money or all numbers).  Hand the sub-readers back with
        :meth:`adopt` once read.  A missing key is a problem when *required*
        (else ``[]``); an empty list, or an item that is not a table, is a
        problem.
        """
        self._seen.add(key)
        if key not in self._params:
            if required:
                self.problem(key, "missing; expected a list of tables", expected="array of tables")
            return []
        raw = self._params[key]
        if not isinstance(raw, list) or not raw:
            self.problem(key, "expected a non-empty list of tables", expected="array of tables",
                         got=raw)
            return []
        readers = []
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping):
                self.problem(f"{key}[{i}]", f"expected a table {{ ... }}, got {item!r}",
                             expected="table", got=item)
                continue
            sub = ParamReader(item, prefix=f"{self._path(key)}[{i}].", unit=self.unit)
            sub._measured = self._measured
            readers.append(sub)
        return readers

    def adopt(self, readers: Iterable[ParamReader]) -> None:
        """Take over the problems of sub-readers, and report their unread (unknown) keys."""
        for reader in readers:
            reader._check_unknown()
            self.problems.extend(reader.problems)

    def _check_unknown(self) -> None:
        for key in self._params:
            if key not in self._seen:
                hint = did_you_mean(key, sorted(self._seen))
                self.problem(key, f"unknown key '{key}'{hint}")

    def _check_mixing(self) -> None:
        money = [(path, raw) for path, raw, is_money in self._measured if is_money]
        plain = [(path, raw) for path, raw, is_money in self._measured
                 if not is_money and not _is_zero(raw)]
        if money and plain:
            path, raw = plain[0]
            self.problems.append(Problem(
                f"{raw!r} is a plain number but {money[0][0]} is money ({money[0][1]!r}); "
                f"write every amount of this rule the same way, all as money or all as "
                f"numbers in {self.unit}", path=path,
                expected=f"money such as \"600{self.unit}\"", got=repr(raw)))

    def _check_percent_scale(self) -> None:
        # A percentage measure is a fraction (0.9 = 90%): a plain 90 in its rule reads as
        # 9000%, a silent wrong number. Anything above 10 (1000%) is refused as a slip.
        if self.unit not in ("%", "％"):
            return
        for path, raw, is_money in self._measured:
            if is_money or isinstance(raw, bool) or (isinstance(raw, str) and "%" in raw):
                continue
            try:
                value = to_decimal(raw)
            except ValueError:
                continue
            if abs(value) > _PERCENT_SLIP:
                shown = format(value.normalize(), "f")
                self.problems.append(Problem(
                    f"{raw!r} under unit = \"%\" reads as {shown}00%: a percentage measure "
                    f"is a fraction (0.9 = 90%); write \"{shown}%\" or "
                    f"{format((value / 100).normalize(), 'f')}", path=path,
                    expected=f"\"{shown}%\"", got=repr(raw)))

    def done(self) -> None:
        """Raise :class:`ParamError` with every problem recorded, if any.

        Also reports keys of this table that were never read (unknown keys,
        with a did-you-mean), a rule that mixes money and plain numbers, and,
        under ``unit = "%"``, a plain number above 10 (1000%) where a
        percentage was meant (``threshold = 90`` for 90%).
        Call it once, after every accessor.
        """
        self._check_unknown()
        self._check_mixing()
        self._check_percent_scale()
        if self.problems:
            raise ParamError(self.problems)


#: Above this, a plain number in a percentage rule is taken for a percentage written
#: without its sign (10 = 1000%).
_PERCENT_SLIP = Decimal(10)


def _is_zero(raw: object) -> bool:
    try:
        return to_decimal(raw) == 0
    except ValueError:
        return False
