"""The project form (项目支出绩效自评表) as a view.

Its home is :mod:`perfrubric.views.form`; this path is kept and re-exports
every public name.
"""

from .views.form import (
    FORM_COLUMNS,
    FORM_FORMATS,
    FormRow,
    form_rows,
    is_form,
    render_form,
)

__all__ = [
    "FORM_COLUMNS",
    "FORM_FORMATS",
    "FormRow",
    "form_rows",
    "is_form",
    "render_form",
]
