"""Load rubrics from TOML: read, merge ``extends``, validate, build.

The public entry points.  The work is done in three modules, one concern
each: :mod:`perfrubric._sources` (documents and the positions of their
keys), :mod:`perfrubric.extending` (merging a rubric onto its parent) and
:mod:`perfrubric.building` (checking everything and building the immutable
:class:`~perfrubric.rubric.Rubric`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..errors import RubricError
from ..files.reading import check_structure, read_text
from ..files.settings import Source, parse_rubric_toml
from .building import build
from .extending import merge_chain
from .model import Rubric

__all__ = ["load_rubric", "loads_rubric", "resolved_document", "rubric_from_dict"]


def load_rubric(path: str | os.PathLike[str]) -> Rubric:
    """Load and validate the rubric in the TOML file at *path*.

    Raises :class:`~perfrubric.errors.RubricError` listing every problem
    found, each located by file, TOML path and line.

    >>> rubric = load_rubric("examples/kaifu-commerce-2021/rubric.toml")  # doctest: +SKIP
    """
    file = os.fspath(path)
    return loads_rubric(read_text(file, RubricError), file=file)


def loads_rubric(text: str, *, file: str | None = None) -> Rubric:
    """Load and validate a rubric from TOML *text*; *file* names it in errors.

    A rubric whose ``[rubric]`` table says ``extends = "<built-in id or
    file>"`` is merged onto its parent first (see ``docs/rubric-format.md``)
    and the result is validated as a whole.
    """
    source = Source.of_text(text, file)
    doc = parse_rubric_toml(text, file)
    return _build(doc, source)


def rubric_from_dict(document: Mapping[str, Any], *, file: str | None = None) -> Rubric:
    """Validate and build a rubric from an already parsed document (a dict).

    Errors carry TOML paths but no lines.
    """
    check_structure(document, file, RubricError)
    return _build(document, Source(file, {}))


def resolved_document(text: str, *, file: str | None = None) -> dict[str, Any]:
    """Return the rubric document after merging ``extends`` parents (a dict).

    This is what ``perfrubric show --resolved`` prints; it is not validated.
    """
    source = Source.of_text(text, file)
    merged, _origins, problems = merge_chain(parse_rubric_toml(text, file), source, [])
    if problems:
        raise RubricError(problems)
    return merged



def _build(doc: Mapping[str, Any], source: Source) -> Rubric:
    merged, origins, problems = merge_chain(doc, source, [])
    if problems:
        raise RubricError(problems)
    return build(merged, source, origins)
