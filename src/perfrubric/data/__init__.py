"""The department data: the model, its fields, structuring, facts, printed values and checks.

A department's basic data (基础数据表) enters here: :func:`load_data` reads a
TOML or JSON file, a dict or a :class:`~perfrubric.data.model.Department`;
:mod:`.model` holds the typed classes (:mod:`.targets` the targets),
:mod:`.fields` their converters and validators, :mod:`.structure` the
reading and writing, :mod:`.facts` the names measures read,
:mod:`.printed` printed target values (``≥50个``).
"""

from .structure import (
    SECTIONS,
    derive_id,
    load_data,
    structure_department,
    unstructure_department,
)

__all__ = [
    "SECTIONS",
    "derive_id",
    "load_data",
    "structure_department",
    "unstructure_department",
]
