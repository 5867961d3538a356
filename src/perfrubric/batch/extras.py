"""Optional dependencies: importing one, or saying which extra installs it.

This module is private; :mod:`perfrubric.batch` is the public face.
"""

from __future__ import annotations

from typing import Any

from ..errors import MissingDependencyError

#: The extra that installs each optional module.
_EXTRAS: dict[str, str] = {
    "pandas": "perfrubric[pandas]",
    "polars": "perfrubric[polars]",
    "pyarrow": "perfrubric[arrow]",
    "pyarrow.parquet": "perfrubric[arrow]",
    "python_calamine": "perfrubric[excel]",
    "openpyxl": "perfrubric[excel]",
    "dask": "perfrubric[dask]",
    "dask.dataframe": "perfrubric[dask]",
    "pyspark": "perfrubric[spark]",
    "pyspark.sql": "perfrubric[spark]",
    "tqdm": "perfrubric[progress]",
}


def require(module: str, feature: str) -> Any:
    """Import *module* or raise :class:`MissingDependencyError` naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(feature, _EXTRAS.get(module, f"perfrubric[{module}]")
                                     ) from None
