"""The rule-kind API: what every scoring rule implements.

A rule kind turns one measured value into earned points plus a structured
explanation.  It is a frozen attrs class built once, at rubric load, from
the rule table of one indicator (``rule = { kind = "...", ... }``) and the
indicator's points.  It knows nothing of the engine, the data model or text.

Writing your own kind (this example is run by the test suite)::

    from collections.abc import Mapping
    from decimal import Decimal
    from typing import Any, ClassVar

    import attrs

    from perfrubric.indicators import (
        Direction, Outcome, ParamReader, RuleKind, as_number, register_kind)


    # Full points at or above a pass mark, none below.
    @register_kind
    @attrs.frozen
    class PassMark(RuleKind):
        kind: ClassVar[str] = "pass_mark"     # the name used in TOML
        points: Decimal
        mark: Decimal

        @property
        def direction(self) -> Direction:
            return "higher"                   # a higher value never scores less

        @classmethod
        def from_params(cls, params: Mapping[str, Any], points: Decimal) -> "PassMark":
            r = ParamReader(params)
            mark = r.decimal("mark")          # 0.6 or "60%"
            r.done()                          # raises ParamError with every problem
            return cls(points, mark)

        def params(self) -> Mapping[str, Any]:
            return {"mark": self.mark}

        def score(self, value: object) -> Outcome:
            x = as_number(value)
            return Outcome(self.points if x >= self.mark else Decimal(0))

A registered kind is checked at load exactly like a built-in one.
"""

from __future__ import annotations

import abc
import importlib
import os
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

import attrs

from ..decimals import to_decimal
from ..errors import PluginError, RuleInputError
from .inverse import Inverse
from .params import ParamReader, RuleParams, written_as_percent

if TYPE_CHECKING:
    from importlib import metadata

__all__ = [
    "ENTRY_POINT_GROUP",
    "Direction",
    "Outcome",
    "ParamReader",
    "RuleKind",
    "RuleParams",
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

#: Which way a kind is ordered: ``"higher"`` (a higher value never scores
#: less), ``"lower"`` (a lower value never scores less) or ``None`` (no order,
#: as for checklists and levels).  Property tests use it for monotonicity.
Direction = Literal["higher", "lower"] | None


def _detail_default() -> Mapping[str, Any]:
    return {}


@attrs.frozen
class Outcome:
    """What a rule made of one measured value.

    ``score`` is the earned points before rounding; the engine clamps it to
    ``[0, points]`` (扣完为止 / 满分为止) and rounds it as the rubric declares.
    ``deducted`` is the deduction the rule applied, where the rule deducts.
    ``matched`` is a short label of the band, step or level that applied
    (``"(0%, 10%]"``, ``"好"``), for tables and narrative.  ``detail`` holds
    kind-specific values (JSON-friendly: Decimal, int, str, bool, lists of
    those) that narrative templates may use, e.g. ``{"steps": 2}``.
    """

    score: Decimal
    deducted: Decimal | None = None
    matched: str | None = None
    detail: Mapping[str, Any] = attrs.field(factory=_detail_default)


#: An :class:`Outcome`'s fields as a tuple, ``(score, deducted, matched, packed)``:
#: what the built-in kinds' ``_outcome_parts`` give the engine, which reads them
#: without building the Outcome.  ``packed`` is the detail as ``(keys, *values)``
#: (:func:`unpack_detail` makes the dict): a tuple of numbers and text, which
#: the garbage collector stops tracking, where a dict inside a tuple keeps the
#: tuple tracked.
OutcomeParts = tuple[Decimal, Decimal | None, str | None, tuple[Any, ...]]


def unpack_detail(packed: tuple[Any, ...]) -> dict[str, Any]:
    """The detail dict of a packed ``(keys, *values)`` tuple (see :data:`OutcomeParts`)."""
    return dict(zip(packed[0], packed[1:], strict=True))


class RuleKind(abc.ABC):
    """Base class of rule kinds.  Subclasses are frozen attrs classes.

    Class attributes:

    ``kind``
        The name used in TOML (``rule = { kind = "bands", ... }``).
    ``direction``
        See :data:`Direction`.  May also be an instance attribute when it
        depends on the parameters.
    """

    kind: ClassVar[str]

    @property
    def direction(self) -> Direction:
        """Which way the kind is ordered (see :data:`Direction`); ``None`` by default."""
        return None

    @classmethod
    @abc.abstractmethod
    def from_params(cls, params: Mapping[str, Any], points: Decimal) -> RuleKind:
        """Build the rule from its TOML table (without ``kind``) and points.

        Raise :class:`~perfrubric.errors.ParamError` listing every problem,
        each with the key path inside the rule table.  :class:`ParamReader`
        does the collecting.
        """

    @abc.abstractmethod
    def params(self) -> Mapping[str, Any]:
        """Return the parameters in canonical form (for hashing and display).

        Feeding them back to :meth:`from_params` must give an equal rule.
        """

    @abc.abstractmethod
    def score(self, value: object) -> Outcome:
        """Score one measured value.

        Raise :class:`~perfrubric.errors.RuleInputError` when *value* is of
        a type the kind cannot score.
        """

    def values_for(self, score: Decimal) -> Inverse | None:
        """Which measured values earn at least *score* points (the inverse rule).

        Returns a :class:`~perfrubric.indicators.inverse.ValueRange`,
        :class:`~perfrubric.indicators.inverse.Choices` or
        :class:`~perfrubric.indicators.inverse.ItemSets` (see
        :mod:`perfrubric.indicators.inverse`), or ``None`` when the kind
        cannot answer.  This default returns ``None``: a kind of your own
        need not implement it, and planning (:func:`perfrubric.next_grade`)
        then leaves its indicators as they are.
        """
        return None


_REGISTRY: dict[str, type[RuleKind]] = {}

K = TypeVar("K", bound=type[RuleKind])


def register_kind(cls: K, *, replace: bool = False) -> K:
    """Register a rule kind under ``cls.kind``; usable as a class decorator.

    Registering a second class under a taken name raises :class:`ValueError`
    unless *replace* is true.
    """
    name = getattr(cls, "kind", None)
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"{cls.__name__}.kind must be an identifier string, got {name!r}")
    if not (isinstance(cls, type) and issubclass(cls, RuleKind)):
        raise TypeError(f"{cls!r} is not a RuleKind subclass")
    if name in _REGISTRY and _REGISTRY[name] is not cls and not replace:
        raise ValueError(f"a rule kind named {name!r} is already registered")
    _REGISTRY[name] = cls
    return cls


def get_kind(name: str) -> type[RuleKind]:
    """Return the kind *name*, loading it from a plugin package if need be.

    A kind not registered yet is looked up among the installed packages'
    entry points of the group :data:`ENTRY_POINT_GROUP` (``perfrubric.kinds``)
    under the same name, loaded and registered.  Raises :class:`KeyError`
    when no package provides *name*, and
    :class:`~perfrubric.errors.PluginError` when a package does but its
    entry point fails to load or is not a rule kind of that name.
    """
    found = _REGISTRY.get(name)
    if found is None:
        _load_entry_point(name)
        found = _REGISTRY[name]
    return found


def kind_names() -> tuple[str, ...]:
    """Names of every registered kind, sorted (plugin kinds once loaded)."""
    return tuple(sorted(_REGISTRY))


#: The entry-point group in which a package declares its rule kinds
#: (``[project.entry-points."perfrubric.kinds"] ratio_floor = "pkg.mod:RatioFloor"``).
ENTRY_POINT_GROUP = "perfrubric.kinds"


def plugin_kind_names() -> tuple[str, ...]:
    """Names of the kinds installed packages declare (loaded or not), sorted."""
    return tuple(sorted({ep.name for ep in _entry_points()}))


def _entry_points() -> tuple[metadata.EntryPoint, ...]:
    # importlib.metadata costs about 20 ms to import: only when a rubric names a
    # kind that is not registered, or the installed plugins are listed.
    from importlib import metadata

    return tuple(metadata.entry_points(group=ENTRY_POINT_GROUP))


def load_plugin(module: str) -> None:
    """Import the plugin *module*, whose import registers its rule kinds.

    This is what ``--plugin MODULE`` does on the command line.  The module
    is found like ``python -m`` finds one: in the current directory first,
    then among the installed packages.  Raises
    :class:`~perfrubric.errors.PluginError` when it cannot be imported or
    fails while importing.
    """
    here = os.getcwd()
    added = here not in sys.path
    if added:
        sys.path.insert(0, here)
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            raise PluginError(f"--plugin {module}: no module named '{exc.name}' in the current "
                              "directory or among the installed packages") from None
        raise PluginError(f"--plugin {module}: importing it failed: {exc}") from exc
    except (Exception, SystemExit) as exc:  # third-party code: one clear error, our exit code
        raise PluginError(f"--plugin {module}: importing it failed: "
                          f"{type(exc).__name__}: {exc}") from exc
    finally:
        if added:
            sys.path.remove(here)


def _load_entry_point(name: str) -> None:
    """Load and register the plugin kind *name*; :class:`KeyError` if no package has it."""
    candidates = [ep for ep in _entry_points() if ep.name == name]
    if not candidates:
        raise KeyError(name)
    ep = candidates[0]
    package = f" of the package '{ep.dist.name}'" if ep.dist is not None else ""
    where = f"the entry point {ep.name} = \"{ep.value}\"{package}"
    try:
        loaded = ep.load()
    except (Exception, SystemExit) as exc:  # third-party code: one clear error, our exit code
        raise PluginError(f"rule kind '{name}': {where} failed to load: "
                          f"{type(exc).__name__}: {exc}") from exc
    if isinstance(loaded, type) and issubclass(loaded, RuleKind):
        if getattr(loaded, "kind", None) != name:
            raise PluginError(f"rule kind '{name}': {where} gives {loaded.__name__}, whose "
                              f"kind is {getattr(loaded, 'kind', None)!r}; the entry point's "
                              "name must be the kind's name")
        if _REGISTRY.get(name) is not loaded:
            register_kind(loaded)
    elif name not in _REGISTRY:  # a module whose import registers its kinds
        raise PluginError(f"rule kind '{name}': {where} is not a RuleKind subclass and "
                          f"registered no kind '{name}'")


# -- helpers for kinds --------------------------------------------------------


def as_number(value: object) -> Decimal:
    """Return *value* as a Decimal, or raise :class:`RuleInputError`.

    Accepts a finite Decimal, an int, or a finite float (converted through
    :func:`str`, so ``0.1`` stays ``0.1``).  Booleans and text are refused.
    """
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        try:
            return to_decimal(value)
        except ValueError:
            pass
    raise RuleInputError(f"expected a number, got {_describe(value)}")


def as_bool(value: object) -> bool:
    """Return *value* as a bool (``true``/``false``, ``1``/``0``, 是/否, 有/无)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, Decimal)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"yes", "true", "是", "有", "y"}:
            return True
        if text in {"no", "false", "否", "无", "n"}:
            return False
    raise RuleInputError(f"expected yes or no, got {_describe(value)}")


def as_text(value: object) -> str:
    """Return *value* as a string, or raise :class:`RuleInputError`."""
    if isinstance(value, str):
        return value
    raise RuleInputError(f"expected a text value, got {_describe(value)}")


def as_items(value: object) -> tuple[str, ...]:
    """Return *value* as a tuple of item names (a list of strings)."""
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise RuleInputError(f"expected a list of item names, got {_describe(value)}")


def label_number(value: Decimal, *, percent: bool = False) -> str:
    """Show *value* for a label: ``0.1`` → ``"0.1"``, or ``"10%"`` with *percent*.

    Trailing zeros are dropped and no exponent is used.

    >>> label_number(Decimal("0.100"), percent=True)
    '10%'
    >>> label_number(Decimal("1E+1"))
    '10'
    """
    shown = value.scaleb(2) if percent else value
    text = format(shown.normalize(), "f") if shown else "0"
    return text + "%" if percent else text


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, Decimal):
        return f"the number {value}"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a value of type {type(value).__name__}"
