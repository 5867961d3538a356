"""Rows generated from targets: a project's 自评表 from its 绩效目标表.

A tier declared with ``target_rows`` (see ``docs/projects.md``) takes its
leaf rows from the data: every ``[[target]]`` whose ``indicator`` names the
tier (``"产出指标"``) or one of its sub-tiers (``"产出指标/数量指标"``)
becomes a row with the target's ``points``, scored with the rule of the
2020 project self-evaluation form (财预〔2020〕10号):

- a quantitative target reached earns full points; one not reached earns
  actual / target × points (lower is better: target / actual × points) —
  the ``ratio`` rule over ``targets.<id>.completion``;
- a qualitative target is judged 达成预期指标 (80–100% of the points),
  部分达成预期指标 (60–80%) or 未达成预期指标 (0–60%), with the evaluator's
  score inside the band, or the band's top when no score is given (the
  trace says so);
- a row without a result (no ``actual``, no level) is not reported: it
  earns nothing, under the tier's ``missing`` policy (``zero`` by default,
  never ``full``).

:func:`expand` runs before the engine: it returns the rubric with the
generated rows in place and the department with the evaluators'
judgements of qualitative rows.  Checks are located in the data
(``target[3].indicator``): a row placed under a tier the rubric does not
have, rows whose points do not add up to their tier (unless the tier
declares ``points = "rescale"``), a tier with no row (not applicable: by
default excluded and the total rescaled, 不适用的指标不考核，按适用指标得分折算
百分制).  :func:`notes` then says, in the trace, which points were rescaled and
why.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

import attrs

from ..data.model import Assessment, Department, Target
from ..data.printed import LEVELS
from ..decimals import Rounding, apportion
from ..errors import DataError, Problem, did_you_mean
from ..expr import Expression, parse_expression
from ..files import tomlpos as _tomlpos
from ..files.reading import read_text
from ..indicators.levels import Level, Levels
from ..indicators.ratio import Ratio
from ..rubrics.model import Indicator, MissingPolicy, Rubric, TargetRows

__all__ = [
    "QUALITATIVE_LEVELS", "TIER_NAMES_EN", "expand", "has_target_rows", "notes", "with_notes",
]

#: The three-step rule of the 2020 form for a qualitative target, as a rule.
QUALITATIVE_LEVELS: tuple[Level, ...] = tuple(Level(name, low, high) for name, low, high in LEVELS)

_NOT_APPLICABLE = parse_expression("false")

#: English names of the 2020 form's own sub-tiers (a sub-tier of another name
#: keeps its name in English too).
TIER_NAMES_EN: dict[str, str] = {
    "数量指标": "Quantity", "质量指标": "Quality", "时效指标": "Timeliness",
    "成本指标": "Cost", "经济效益指标": "Economic benefits", "社会效益指标": "Social benefits",
    "生态效益指标": "Ecological benefits", "可持续影响指标": "Sustainable impact",
    "服务对象满意度指标": "Satisfaction of service users",
}
_RULE_HIGHER = "达到目标值计满分，未达到的按实际完成值 / 目标值 × 分值计分"
_RULE_LOWER = "控制在目标值以内计满分，超出的按目标值 / 实际完成值 × 分值计分"
_RULE_QUALITATIVE = ("达成预期指标计分值的80%–100%，部分达成预期指标计60%–80%，"
                     "未达成预期指标计0%–60%，由评价人在区间内打分")


def has_target_rows(rubric: Rubric) -> bool:
    """Whether *rubric* has a tier whose rows come from the data's targets."""
    return any(ind.target_rows is not None for ind in rubric.walk())


@attrs.frozen
class _Placed:
    index: int
    target: Target
    sub: str | None


def _where(index: int, field: str) -> str:
    return f"target[{index}].{field}"


def expand(rubric: Rubric, dept: Department, *, file: str | None = None
           ) -> tuple[Rubric, Department]:
    """The rubric with each ``target_rows`` tier's rows generated from *dept*.

    Returns *rubric* and *dept* unchanged when the rubric has no such tier.
    The expanded rubric keeps the declared rubric's ``sha256`` (the rows
    are a function of that rubric and the data).  Raises
    :class:`~perfrubric.errors.DataError` listing every misplaced row, row
    without points, points that do not add up, and empty tier under
    ``empty = "error"``; with *file* (the data file *dept* was read from),
    each problem also carries the file and, for TOML, the line and column.
    """
    tiers = {ind.path: ind for ind in rubric.walk() if ind.target_rows is not None}
    if not tiers:
        return rubric, dept
    problems: list[Problem] = []
    placed: dict[str, list[_Placed]] = {path: [] for path in tiers}
    unplaced = [t.id for t in dept.targets if t.indicator is None]
    for i, target in enumerate(dept.targets):
        if target.indicator is None:
            continue  # a target of the report, not a row of the form
        found = _place(i, target, tiers, problems)
        if found is not None:
            placed[found[0]].append(found[1])
    judged: list[Assessment] = []
    given = {a.indicator for a in dept.assessments}
    replaced: dict[str, Indicator] = {}
    for path, tier in tiers.items():
        replaced[path] = _tier(tier, placed[path], rubric.rounding, problems, judged, given,
                               unplaced)
    if problems:
        raise DataError(_located(problems, file))
    expanded = attrs.evolve(rubric, indicators=tuple(_replace(top, replaced)
                                                     for top in rubric.indicators))
    object.__setattr__(expanded, "_sha256", rubric.sha256)  # the declared rubric's hash
    if judged:
        dept = attrs.evolve(dept, assessments=(*dept.assessments, *judged))
    return expanded, dept


def _located(problems: list[Problem], file: str | None) -> list[Problem]:
    """*problems* with the data file's name, line and column where they can be found."""
    if file is None:
        return problems
    positions = None
    if not file.lower().endswith(".json"):
        try:
            positions = _tomlpos.key_positions(read_text(file, DataError))
        except DataError:  # the file changed since it was read: keep the paths alone
            positions = None
    out = []
    for problem in problems:
        where = _tomlpos.locate(positions, _tomlpos.parse_path(problem.path)) \
            if positions and problem.path else None
        out.append(attrs.evolve(problem, file=file, line=where[0] if where else None,
                                column=where[1] if where else None))
    return out


def _replace(ind: Indicator, replaced: Mapping[str, Indicator]) -> Indicator:
    """*ind* with the generated tiers of *replaced* put in place, below it too."""
    if ind.path in replaced:
        return replaced[ind.path]
    if not ind.children:
        return ind
    return attrs.evolve(ind, children=tuple(_replace(c, replaced) for c in ind.children))


def _place(i: int, target: Target, tiers: Mapping[str, Indicator],
           problems: list[Problem]) -> tuple[str, _Placed] | None:
    where = target.indicator or ""
    tier_path = next((p for p in tiers if where == p or where.startswith(p + "/")), None)
    if tier_path is None:
        problems.append(Problem(
            f"no tier of this rubric takes target rows at '{where}'"
            f"{did_you_mean(where, _known_places(tiers))}; rows go under "
            + ", ".join(f"'{p}'" for p in _known_places(tiers)),
            path=_where(i, "indicator"), expected="a tier that takes target rows", got=where))
        return None
    rows = tiers[tier_path].target_rows
    assert rows is not None
    sub = where[len(tier_path) + 1:] or None
    ok = True
    if sub is not None and ("/" in sub or (rows.tiers and sub not in rows.tiers)):
        options = [f"{tier_path}/{t}" for t in rows.tiers]
        problems.append(Problem(
            f"'{tier_path}' has no sub-tier '{sub}'{did_you_mean(where, options)}; its "
            f"sub-tiers are {', '.join(rows.tiers) or 'any single name'}",
            path=_where(i, "indicator"), expected=" | ".join(options) or "a sub-tier name",
            got=where))
        ok = False
    if target.points is None:
        problems.append(Problem(f"the row '{target.name}' placed under '{where}' has no "
                                "points (分值)", path=_where(i, "points"),
                                expected="points = 8"))
        ok = False
    return (tier_path, _Placed(i, target, sub)) if ok else None


def _known_places(tiers: Mapping[str, Indicator]) -> list[str]:
    out = []
    for path, tier in tiers.items():
        rows = tier.target_rows
        assert rows is not None
        out += [f"{path}/{t}" for t in rows.tiers] or [path]
    return out


def _tier(tier: Indicator, rows: list[_Placed], rounding: Rounding, problems: list[Problem],
          judged: list[Assessment], given: set[str], unplaced: list[str]) -> Indicator:
    spec = tier.target_rows
    assert spec is not None
    if not rows:
        if spec.empty == "error":
            stray = (f"; the data's targets {', '.join(repr(t) for t in unplaced)} name no "
                     f"tier: give each its row's place, e.g. indicator = "
                     f"\"{tier.path}/{spec.tiers[0] if spec.tiers else '…'}\""
                     if unplaced else "")
            problems.append(Problem(f"no target row is placed under '{tier.path}', and the "
                                    "rubric requires one (target_rows.empty = \"error\")"
                                    + stray,
                                    path="target", expected=f'indicator = "{tier.path}/…"'))
        return attrs.evolve(tier, applicable=_NOT_APPLICABLE,
                            not_applicable="exclude" if spec.empty == "exclude" else "full")
    declared = [r.target.points or Decimal(0) for r in rows]
    total = sum(declared, Decimal(0))
    points = declared
    if total != tier.points:
        if spec.points == "rescale" and total > 0:
            points = apportion(tier.points, declared, rounding.places)
        else:
            listing = " + ".join(f"{_fmt(p)} ({_where(r.index, 'points')})"
                                 for r, p in zip(rows, declared, strict=True))
            problems.append(Problem(
                f"the rows placed under '{tier.path}' add up to {_fmt(total)} points "
                f"({listing}), but the tier has {_fmt(tier.points)}; correct the rows' points"
                + ("" if spec.points == "rescale"
                   else ", or declare target_rows.points = \"rescale\" in the rubric")
                + ("" if spec.points == "rescale" else
                   "; if the printed form gives its tiers other points, declare [form] "
                   "points = \"as_printed\" in the data"),
                path=_where(rows[-1].index, "points"), expected=_fmt(tier.points),
                got=_fmt(total)))
    subs: dict[str | None, list[Indicator]] = {}
    seen: dict[str, int] = {}
    for row, share in zip(rows, points, strict=True):
        base = f"{tier.path}/{row.sub}" if row.sub else tier.path
        path = f"{base}/{_segment(row.target.name)}"
        if path in seen:
            problems.append(Problem(f"two rows named '{row.target.name}' under '{base}' "
                                    f"(the other is target[{seen[path]}])",
                                    path=_where(row.index, "name"), expected="a unique name"))
            continue
        seen[path] = row.index
        leaf = _leaf(path, row, share, spec, judged, given, problems)
        subs.setdefault(row.sub, []).append(leaf)
    for sub in subs:
        clash = seen.get(f"{tier.path}/{sub}")
        if sub is not None and clash is not None:
            problems.append(Problem(f"the row '{sub}' placed directly under '{tier.path}' has "
                                    "the name of a sub-tier used by other rows",
                                    path=_where(clash, "name"), expected="another name"))
    order = [None, *spec.tiers, *[s for s in subs if s is not None and s not in spec.tiers]]
    children: list[Indicator] = []
    for sub in order:
        leaves = subs.get(sub)
        if not leaves:
            continue
        if sub is None:
            children += leaves
        else:
            children.append(Indicator(
                path=f"{tier.path}/{sub}", points=sum((c.points for c in leaves), Decimal(0)),
                children=tuple(leaves), name_en=TIER_NAMES_EN.get(sub)))
    return attrs.evolve(tier, children=tuple(children))


def _leaf(path: str, row: _Placed, points: Decimal, spec: TargetRows,
          judged: list[Assessment], given: set[str], problems: list[Problem]) -> Indicator:
    t = row.target
    if not t.is_qualitative:
        return Indicator(path=path, points=points, target=t.id, missing=_missing(spec),
                         criterion=_RULE_LOWER if t.direction == "lower" else _RULE_HIGHER,
                         measure=_measure(f"targets.{t.id}.completion"), unit="%",
                         rule=Ratio(points))
    if path in given:
        problems.append(Problem(f"an [[assessment]] judges the generated row '{path}'; give the "
                                "judgement on its [[target]] as level and score",
                                path=_where(row.index, "level")))
    elif t.level is not None:
        judged.append(_judgement(path, row, points))
    return Indicator(path=path, points=points, target=t.id, missing=_missing(spec),
                     criterion=_RULE_QUALITATIVE, rule=Levels(points, QUALITATIVE_LEVELS),
                     # without a judgement the row reads a name that has no value: missing
                     measure=None if t.level is not None else _measure(f"targets.{t.id}.level"))


def _judgement(path: str, row: _Placed, points: Decimal) -> Assessment:
    """The evaluator's judgement of a qualitative row, as the engine reads it.

    A score inside the band of the level (on the row's declared points) is
    the evaluator's score: it counts, scaled with the points when the tier
    rescales them.  A score outside the band is the form's printed 得分
    departing from the rule: the rule's score is the band's nearest bound,
    the note says so, and :func:`perfrubric.engine.printed_form.review`
    lists the row as an ``outside_band`` deviation.  Without a score the
    band's top is used, and the note says so.
    """
    t = row.target
    level = next(lv for lv in QUALITATIVE_LEVELS if lv.name == t.level)
    declared = t.points if t.points else points
    repeated = next((n for n in t.notes if "repeats the target's text" in n), None)
    said = f"{repeated}; " if repeated else ""
    if t.score is None:
        return Assessment(indicator=path, level=level.name, score=points * level.high,
                          reason=said + f"no evaluator's score given: the top of the band of "
                                        f"{level.name} ({_pct(level.high)} of the points) is used")
    low, high = declared * level.low, declared * level.high
    scaled = t.score * points / declared if declared else Decimal(0)  # a row of 0 points
    score = min(max(scaled, points * level.low), points * level.high)
    if low <= t.score <= high:
        return Assessment(indicator=path, level=level.name, score=score,
                          reason=said.removesuffix("; ") or None)
    bound = "top" if t.score > high else "bottom"
    return Assessment(indicator=path, level=level.name, score=score, reason=(
        f"{said}the printed score {_fmt(t.score)} lies outside the band of {level.name} "
        f"({_pct(level.low)}–{_pct(level.high)} of {_fmt(declared)} points, "
        f"{_fmt(low)}–{_fmt(high)}): the rule's score is the band's {bound}, "
        f"{_fmt(score)} (a deviation, outside_band)"))


@functools.lru_cache(maxsize=4096)
def _measure(source: str) -> Expression:
    """The compiled measure of a generated row (the same ids recur across projects)."""
    return parse_expression(source)


def _missing(spec: TargetRows) -> MissingPolicy:
    policy: MissingPolicy = "zero"
    if spec.missing == "cannot_rate":
        policy = "cannot_rate"
    elif spec.missing == "error":
        policy = "error"
    return policy


def notes(rubric: Rubric, dept: Department) -> dict[str, str]:
    """Trace notes of an expanded *rubric*: tiers left out, rows whose points were rescaled.

    Returns indicator path → note; :func:`perfrubric.evaluate` adds them to
    the results, so every view and the JSON say which points were rescaled
    and why.
    """
    out: dict[str, str] = {}
    declared = {t.id: t.points for t in dept.targets}
    read = {t.id: t for t in dept.targets}
    for ind in rubric.walk():
        if ind.target_rows is not None and ind.is_leaf:
            how = ("its points are left out and the total is rescaled "
                   "(不适用的指标不考核，按适用指标得分折算百分制)"
                   if ind.target_rows.empty == "exclude" else "full points")
            out[ind.path] = (f"not applicable: no target row is placed under '{ind.path}'; "
                             f"{how}")
        elif ind.target is not None:
            said: list[str] = []
            given = declared.get(ind.target)
            if given is not None and given != ind.points:
                said.append(f"分值 {_fmt(given)} rescaled to {_fmt(ind.points)}: the rows "
                            "of its tier do not add up to the tier's points "
                            "(target_rows.points = \"rescale\")")
            target = read.get(ind.target)
            if target is not None:
                said += _reading(target)
            if said:
                out[ind.path] = "; ".join(said)
    return out


def _reading(t: Target) -> list[str]:
    """How a row's printed values were read, for its trace note (see ``Target.notes``)."""
    said = [n for n in t.notes if "repeats the target's text" not in n]  # the level's reason
    if (t.reached is False and t.target is not None and t.target <= 0
            and not t.is_qualitative):
        said.append(f"the target {t.printed_target.text if t.printed_target else t.target} is "
                    "at or below zero and was missed: it earns 0 points (no proportion can be "
                    "taken of it)")
    return said


_R = TypeVar("_R")


def with_notes(results: Mapping[str, _R], rubric: Rubric, dept: Department) -> dict[str, _R]:
    """*results* (path → ``IndicatorResult``) with the notes of :func:`notes` added.

    A not-applicable tier's note replaces the engine's generic one; other
    notes are appended to what the trace already says.
    """
    found = notes(rubric, dept)
    out: dict[str, _R] = {}
    for path, result in results.items():
        note = found.get(path)
        if note is not None:
            before = getattr(result, "note", None)
            if rubric.indicator(path).target is not None and before:
                note = f"{before}; {note}"
            result = attrs.evolve(result, note=note)  # type: ignore[misc]
        out[path] = result
    return out


def _segment(name: str) -> str:
    return name.strip().replace("/", "／") or "?"


def _pct(share: Decimal) -> str:
    return f"{_fmt(share * 100)}%"


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text
