"""Where the built-in rubrics are: their ids and their TOML text.

Kept apart from :mod:`perfrubric.rubrics` so that ``extends`` can read a
built-in parent without importing the loader that imports it.  Files are
found with :mod:`importlib.resources`, so a plain (non-editable) install
works.
"""

from __future__ import annotations

import functools
import sys

from ..errors import RubricError, did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["builtin_ids", "builtin_text"]

_PACKAGE = "perfrubric.rubrics"


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Map each built-in rubric id to its resource file name."""
    from importlib import resources  # a few ms: when a built-in is first asked for

    found: dict[str, str] = {}
    for entry in resources.files(_PACKAGE).iterdir():
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
    from importlib import resources

    return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8"), name
