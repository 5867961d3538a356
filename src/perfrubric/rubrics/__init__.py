"""Built-in rubrics, shipped as TOML package data.

Each ``*.toml`` file in this package is a rubric; its ``[rubric] id`` is
the name :func:`builtin` takes.  Files are found with
:mod:`importlib.resources`, so a plain (non-editable) install works.
"""

from __future__ import annotations

import functools
import sys
from importlib import resources

from ..errors import RubricError, did_you_mean
from ..rubric import Rubric

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["builtin", "builtin_ids"]


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Map each built-in rubric id to its resource file name."""
    found: dict[str, str] = {}
    for entry in resources.files(__name__).iterdir():
        if entry.name.endswith(".toml"):
            doc = tomllib.loads(entry.read_text(encoding="utf-8"))
            rid = doc.get("rubric", {}).get("id")
            if isinstance(rid, str):
                found[rid] = entry.name
    return dict(sorted(found.items()))


def builtin_ids() -> tuple[str, ...]:
    """The ids of every built-in rubric, sorted."""
    return tuple(_index())


def builtin_text(rubric_id: str) -> tuple[str, str]:
    """Return ``(text, resource name)`` of the built-in rubric *rubric_id*."""
    index = _index()
    if rubric_id not in index:
        known = ", ".join(index) or "none"
        raise RubricError(f"no built-in rubric '{rubric_id}'"
                          f"{did_you_mean(rubric_id, index)}; built-ins: {known}")
    name = index[rubric_id]
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8"), name


@functools.cache
def builtin(rubric_id: str) -> Rubric:
    """Load the built-in rubric *rubric_id* (cached; rubrics are immutable).

    Raises :class:`~perfrubric.errors.RubricError` for an unknown id, with
    a did-you-mean and the list of built-ins.
    """
    from ..loading import loads_rubric

    text, name = builtin_text(rubric_id)
    return loads_rubric(text, file=f"<builtin>/{name}")
