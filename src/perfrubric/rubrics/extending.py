"""``extends``: merging a rubric onto its parent.

A local table is usually a national one with changes.  A rubric whose
``[rubric]`` table says ``extends = "<built-in id or file>"`` is merged onto
its parent before it is validated: the child's ``[rubric]`` keys win; its
``[[indicator]]`` rows change, add, ``remove`` or ``rename`` the parent's
rows; its either-or groups, vetoes and figures are added after the
parent's.  Each part of the merged document remembers the document that
wrote it (:data:`~perfrubric._sources.Origins`), so problems are located in
the file that caused them.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import Problem, RubricError, did_you_mean
from ..files.reading import read_text
from ..files.settings import (
    Origins,
    PathTuple,
    Place,
    Source,
    origin,
    parse_rubric_toml,
    place_text,
    problem_at,
    source_key,
)
from .index import builtin_ids, builtin_text
from .keys import EXTEND_ONLY

__all__ = ["EXTEND_KEYS", "merge_chain"]

#: Keys only a row of an extending rubric may use.
EXTEND_KEYS = EXTEND_ONLY

#: Keys that a child may set to ``false`` to drop what the parent rubric gave.
DROPPABLE = ("rule", "measure")

#: What ``rule = false`` drops from a leaf of the parent rubric that becomes a parent.
_LEAF_ONLY = ("rule", "measure", "unit", "value_rounding")

Row = tuple[dict[str, Any], Place, dict[str, Place]]


def merge_chain(doc: Mapping[str, Any], source: Source, seen: list[str]
                 ) -> tuple[dict[str, Any], Origins, list[Problem]]:
    """Resolve ``extends`` recursively; return the merged doc, origins and problems."""
    meta = doc.get("rubric")
    parent_ref = meta.get("extends") if isinstance(meta, Mapping) else None
    if parent_ref is None:
        problems = [
            problem_at(source, ("indicator", i, key),
                        f"'{key}' is only for a rubric that extends another "
                        "([rubric] extends = \"…\")")
            for i, row in enumerate(_list(doc.get("indicator")))
            if isinstance(row, Mapping) for key in EXTEND_KEYS if key in row
        ]
        problems += [
            problem_at(source, ("indicator", i, key),
                        f"'{key} = false' drops the {key} a parent rubric gave, so it is only "
                        "for a rubric that extends another ([rubric] extends = \"…\")")
            for i, row in enumerate(_list(doc.get("indicator")))
            if isinstance(row, Mapping) for key in DROPPABLE if row.get(key) is False
        ]
        return dict(doc), {}, problems
    where: PathTuple = ("rubric", "extends")
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        return dict(doc), {}, [problem_at(source, where, "expected the id of a built-in "
                                           "rubric or a path to a rubric file")]
    try:
        parent_text, parent_file, key = _read_parent(parent_ref, source.file)
    except RubricError as exc:
        return dict(doc), {}, [problem_at(source, where, exc.problems[0].message)]
    if key in seen or key == source_key(source.file):
        chain = " → ".join([*seen, key])
        return dict(doc), {}, [problem_at(source, where, f"extends forms a cycle: {chain}")]
    parent_source = Source.of_text(parent_text, parent_file)
    try:
        parent_doc = parse_rubric_toml(parent_text, parent_file)
    except RubricError as exc:
        return dict(doc), {}, list(exc.problems)
    base, base_origins, problems = merge_chain(parent_doc, parent_source,
                                                [*seen, source_key(source.file), key])
    if problems:
        return base, base_origins, problems
    # The parent's own parts come from the parent (unless it had a parent itself).
    origins: Origins = {}
    for top in ("rubric", "either_or", "veto", "figure"):
        origins.setdefault((top,), base_origins.get((top,), (parent_source, (top,))))
    merged = _overlay(base, doc, source, parent_source, base_origins, origins)
    return merged, origins, merged.pop("__problems__")


def _overlay(base: Mapping[str, Any], child: Mapping[str, Any], source: Source,
             parent_source: Source, base_origins: Origins,
             origins: Origins) -> dict[str, Any]:
    problems: list[Problem] = []
    merged: dict[str, Any] = {k: v for k, v in base.items() if k not in ("rubric", "indicator")}
    # [rubric]: the child's keys win; extends is consumed.
    meta = dict(base.get("rubric", {}))
    meta.pop("extends", None)
    for key, value in dict(child.get("rubric", {})).items():
        if key != "extends":
            meta[key] = value
            origins[("rubric", key)] = (source, ("rubric", key))
    for key in meta:
        if ("rubric", key) not in origins:
            origins[("rubric", key)] = origin(base_origins, parent_source, ("rubric", key))
    merged["rubric"] = meta
    # Indicator rows: (row dict, origin of the row, origins of keys set by the child).
    rows: list[Row] = [(dict(r), origin(base_origins, parent_source, ("indicator", i)), {})
                       for i, r in enumerate(_list(base.get("indicator")))
                       if isinstance(r, Mapping)]
    renamed: dict[str, str] = {}
    dropped: dict[str, PathTuple] = {}   # path → this file's row that said rule = false
    inherited = _paths(rows)
    added: list[tuple[str, PathTuple]] = []  # rows the parent did not have, where written
    for j, raw in enumerate(_list(child.get("indicator"))):
        here: PathTuple = ("indicator", j)
        if not isinstance(raw, Mapping) or not isinstance(raw.get("path"), str):
            rows.append((dict(raw) if isinstance(raw, Mapping) else {"path": raw},
                         (source, here), {}))
            continue
        change = dict(raw)
        path = renamed.get(change["path"], change["path"])
        at = next((k for k, (r, _, _) in enumerate(rows) if r.get("path") == path), None)
        place = _placement(change, source, here, problems)
        if change.pop("remove", False) is True:
            if at is None:
                problems.append(problem_at(source, here + ("path",),
                                            f"cannot remove '{path}': the parent rubric has no "
                                            f"such indicator{did_you_mean(path, _paths(rows))}"))
            else:
                rows = [row for row in rows if not _within(row[0].get("path"), path)]
            continue
        new_name = change.pop("rename", None)
        drops = [key for key in DROPPABLE if change.get(key) is False]
        for key in drops:
            change.pop(key)
        if at is None:
            if new_name is not None:
                problems.append(problem_at(source, here + ("rename",),
                                            f"cannot rename '{path}': the parent rubric has no "
                                            f"such indicator{did_you_mean(path, _paths(rows))}"))
                continue
            for key in drops:
                problems.append(problem_at(source, here + (key,),
                                            f"'{key} = false' drops the {key} of a row of the "
                                            f"parent rubric, but '{path}' is a new row"))
            block: list[Row] = [(change, (source, here),
                                 {k: (source, here + (k,)) for k in change})]
            _insert(rows, block, path, place, source, here, problems)
            added.append((path, here))
            continue
        row, row_origin, keys = rows[at]
        if new_name is not None:
            if not isinstance(new_name, str) or not new_name.strip() or "/" in new_name:
                problems.append(problem_at(source, here + ("rename",),
                                            "expected a new name (no '/')", ))
                continue
            new_path = (path.rsplit("/", 1)[0] + "/" + new_name) if "/" in path else new_name
            renamed[path] = new_path
            for other, _, _ in rows:
                if _within(other.get("path"), path):
                    other["path"] = new_path + other["path"][len(path):]
            keys["path"] = (source, here + ("rename",))
            path = new_path
        change.pop("path")
        if "points" in change:
            row.pop("weight", None)
        if "weight" in change:
            row.pop("points", None)
        for key in drops:
            # rule = false: the row is to become a parent; what describes its measured
            # value (the measure, its unit and rounding) goes with its rule.
            for gone in _LEAF_ONLY if key == "rule" else (key,):
                row.pop(gone, None)
                keys.pop(gone, None)
            if key == "rule":
                dropped.setdefault(path, here + (key,))
        for key, value in change.items():
            row[key] = value
            keys[key] = (source, here + (key,))
        if place is not None:
            moved = [r for r in rows if _within(r[0].get("path"), path)]
            rows = [r for r in rows if not _within(r[0].get("path"), path)]
            _insert(rows, moved, path, place, source, here, problems)
    problems += _new_parents(rows, dropped, source)
    problems += _mistaken_paths(rows, added, inherited, source)
    # Paths named elsewhere follow renames.
    for group in _list(merged.get("either_or")):
        if isinstance(group, dict) and isinstance(group.get("alternatives"), list):
            group["alternatives"] = [_rename_alt(a, renamed) for a in group["alternatives"]]
    for veto in _list(merged.get("veto")):
        if isinstance(veto, dict) and veto.get("indicator") in renamed:
            veto["indicator"] = renamed[veto["indicator"]]
    # Child either-or groups and vetoes are added after the parent's.
    for table in ("either_or", "veto", "figure"):
        parent_items = _list(merged.get(table))
        for j in range(len(_list(child.get(table)))):
            origins[(table, len(parent_items) + j)] = (source, (table, j))
        if table in child:
            merged[table] = [*parent_items, *_list(child.get(table))]
    merged["indicator"] = [row for row, _, _ in rows]
    for i, (_, row_origin, keys) in enumerate(rows):
        origins[("indicator", i)] = row_origin
        for key, written in keys.items():
            origins[("indicator", i, key)] = written
    merged["__problems__"] = problems
    return merged


def _placement(change: dict[str, Any], source: Source, here: PathTuple,
               problems: list[Problem]) -> tuple[str, str] | None:
    """Pop ``after`` / ``before`` from a child row: ``(key, sibling)`` or ``None``."""
    given = [(key, change.pop(key)) for key in ("after", "before") if key in change]
    if len(given) > 1:
        problems.append(problem_at(source, here + ("before",),
                                   "give either 'after' or 'before', not both"))
        return None
    if not given:
        return None
    key, target = given[0]
    if not isinstance(target, str) or not target.strip():
        problems.append(problem_at(source, here + (key,),
                                   f"expected the name or path of a sibling row, got {target!r}"))
        return None
    return key, target


def _parent_of(path: str) -> str | None:
    return path.rsplit("/", 1)[0] if "/" in path else None


def _insert(rows: list[Row], block: list[Row], path: str, place: tuple[str, str] | None,
            source: Source, here: PathTuple, problems: list[Problem]) -> None:
    """Insert *block* (a row and its descendants) where *place* says, in place."""
    parent = _parent_of(path)
    if place is None:
        # After the last row under the parent (or at the end for the top tier).
        insert = len(rows)
        if parent is not None:
            last = [k for k, (r, _, _) in enumerate(rows) if _within(r.get("path"), parent)]
            insert = last[-1] + 1 if last else len(rows)
        rows[insert:insert] = block
        return
    key, target = place
    sibling = target if "/" in target else (f"{parent}/{target}" if parent else target)
    siblings = [r["path"] for r, _, _ in rows if isinstance(r.get("path"), str)
                and _parent_of(r["path"]) == parent and r["path"] != path]
    if sibling not in siblings:
        names = [s.rsplit("/", 1)[-1] for s in siblings]
        where = f"'{parent}'" if parent else "the top tier"
        problems.append(problem_at(
            source, here + (key,),
            f"cannot place '{path}' {key} '{target}': no sibling of that name under {where}"
            f"{did_you_mean(target.rsplit('/', 1)[-1], names)}; its siblings: "
            f"{', '.join(names) or 'none'}"))
        rows[len(rows):] = block
        return
    if key == "before":
        insert = next(k for k, (r, _, _) in enumerate(rows) if r.get("path") == sibling)
    else:
        insert = max(k for k, (r, _, _) in enumerate(rows) if _within(r.get("path"), sibling)) + 1
    rows[insert:insert] = block


def _new_parents(rows: list[Row], dropped: Mapping[str, PathTuple],
                 source: Source) -> list[Problem]:
    """A leaf of the parent rubric given children here must drop its rule explicitly."""
    problems: list[Problem] = []
    parents = {_parent_of(r["path"]) for r, _, _ in rows if isinstance(r.get("path"), str)}
    for row, row_origin, keys in rows:
        path = row.get("path")
        if not isinstance(path, str):
            continue
        if path in parents:
            inherited = [k for k in ("rule", "measure") if k in row and k not in keys]
            added = next(((r, place) for r, place, _ in rows
                          if place[0] is source and _parent_of(str(r.get("path"))) == path),
                         None)
            if inherited and added is not None:
                child_row, child_place = added
                what = " and ".join(f"'{k}'" for k in inherited)
                problems.append(problem_at(
                    source, child_place[1] + ("path",),
                    f"adding '{child_row['path']}' makes '{path}' a parent, and a parent is "
                    f"scored by its children: the {what} the parent rubric gives it would be "
                    f"dropped. Say so explicitly: add a row path = \"{path}\" with "
                    f"rule = false (its row in the parent rubric: "
                    f"{place_text(*row_origin)})"))
        elif path in dropped:
            problems.append(problem_at(
                source, dropped[path],
                f"'{path}' has no rows under it, so it stays a leaf and needs a rule: add "
                "rows under it, or give it a new rule instead of false"))
    return problems


def _mistaken_paths(rows: list[Row], added: Sequence[tuple[str, PathTuple]],
                    inherited: Sequence[str], source: Source) -> list[Problem]:
    """A new row that was meant to change a row of the parent at another path.

    A child's row whose path the parent does not have adds an indicator.
    When that row cannot stand as a new one — it has no ``points`` (nor
    ``weight``), or its siblings then no longer add up to their parent —
    and the parent has a row of the same name elsewhere (or a close name),
    the path was most likely mistyped: one located problem names the
    parent's row, instead of the consequences of adding a new one.
    """
    problems: list[Problem] = []
    by_path = {r.get("path"): r for r, _, _ in rows}
    for path, here in added:
        row = by_path.get(path)
        if row is None:
            continue
        name = path.rsplit("/", 1)[-1]
        names = {p.rsplit("/", 1)[-1]: p for p in inherited if p != path}
        # the same name elsewhere (a row placed under the wrong tier), else a close name
        # (预算调正率 for 预算调整率); a sibling's different name is no suggestion
        close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.8)
        meant = names[close[0]] if close else None
        if meant is None:
            continue
        why = None
        if "points" not in row and "weight" not in row:
            why = "which needs 'points'"
        else:
            up = _parent_of(path)
            parent = by_path.get(up) if up is not None else None
            siblings = [r.get("points") for r in by_path.values()
                        if isinstance(r.get("path"), str) and _parent_of(r["path"]) == up]
            numbers = [Decimal(str(v)) for v in [*siblings, (parent or {}).get("points")]
                       if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if parent is not None and len(numbers) == len(siblings) + 1 \
                    and sum(numbers[:-1], Decimal(0)) != numbers[-1]:
                why = (f"and the children of '{up}' then add up to "
                       f"{_number(sum(numbers[:-1], Decimal(0)))} points, not its "
                       f"{_number(numbers[-1])}")
        if why is None:
            continue
        problems.append(problem_at(
            source, here + ("path",),
            f"the parent rubric has no row '{path}', so this row adds a new indicator, "
            f"{why}; did you mean the parent's row '{meant}'? To change that row, give "
            f"path = \"{meant}\""))
    return problems


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _rename_alt(alt: Any, renamed: Mapping[str, str]) -> Any:
    if isinstance(alt, str):
        return renamed.get(alt, alt)
    if isinstance(alt, Mapping) and alt.get("path") in renamed:
        return {**alt, "path": renamed[alt["path"]]}
    return alt


def _within(path: object, ancestor: str) -> bool:
    return isinstance(path, str) and (path == ancestor or path.startswith(ancestor + "/"))


def _paths(rows: Sequence[tuple[dict[str, Any], Any, Any]]) -> list[str]:
    return [r["path"] for r, _, _ in rows if isinstance(r.get("path"), str)]


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _read_parent(ref: str, child_file: str | None) -> tuple[str, str, str]:
    """Find the parent rubric: a file relative to the child, or a built-in id."""
    base = Path(child_file).parent if child_file and not child_file.startswith("<") else Path()
    candidate = base / ref
    try:
        is_file = candidate.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        is_file = False
    if ref.endswith(".toml") or is_file:
        try:
            text = read_text(str(candidate), RubricError)
        except RubricError as exc:
            raise RubricError(f"cannot read the parent rubric file '{candidate}': "
                              f"{exc.problems[0].message}") from None
        return text, str(candidate), source_key(str(candidate))
    if ref in builtin_ids():
        text, name = builtin_text(ref)
        return text, f"<builtin>/{name}", f"<builtin>/{name}"
    known = ", ".join(builtin_ids()) or "none"
    raise RubricError(f"no parent rubric '{ref}': not a file next to this one and not a "
                      f"built-in id{did_you_mean(ref, builtin_ids())} (built-ins: {known})")
