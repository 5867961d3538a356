"""Views of an evaluation: the scoring table (评分表) and the project form.

:mod:`.table` renders the scoring table as Markdown, CSV, HTML or Excel
(HTML and Excel laid out as the printed 评分表 by :mod:`.tiers`);
:mod:`.form` renders a project's 项目支出绩效自评表; :mod:`.docx` writes the
whole report as a Word document.
"""

from .table import (
    FORMATS,
    LAYOUTS,
    Table,
    TableRow,
    TotalRow,
    render,
    scoring_table,
    table_rows,
    to_csv,
    to_html,
    to_markdown,
    to_xlsx,
)

__all__ = [
    "FORMATS",
    "LAYOUTS",
    "Table",
    "TableRow",
    "TotalRow",
    "render",
    "scoring_table",
    "table_rows",
    "to_csv",
    "to_html",
    "to_markdown",
    "to_xlsx",
]
