"""Narrative fragments: the sentences a report builds around its figures.

Everything here reads an :class:`~perfrubric.evaluation.Evaluation` (and
the rubric it carries, ``ev.rubric``) and never recomputes a score.  Every
function takes ``locale=`` as a keyword with a default, like babel's
formatting functions; every number goes through babel; built-in sentences
come from gettext catalogs (``locale/<locale>/LC_MESSAGES/perfrubric.po``,
compiled in memory at first use).

>>> import perfrubric as pr                                          # doctest: +SKIP
>>> ev = pr.evaluate(pr.load_rubric("rubric.toml"), "data.toml")     # doctest: +SKIP
>>> target_sentence(ev, "domestic_investment").text                  # doctest: +SKIP
'全区完成实际到位内资252.94亿元，为年任务（215.92亿元）的117.14%'
>>> closing_sentence(ev, locale="en").text                           # doctest: +SKIP
'Score 100, grade: Excellent'
"""

from __future__ import annotations

from ..expr.template import LOCALES, PLACEHOLDERS, template_problems
from .catalogs import fill_template, translate
from .figure_sentences import figure_sentence
from .formatting import (
    format_money,
    format_number,
    format_percent_value,
    format_points,
    format_rate,
)
from .fragment import Fragment
from .indicator_sentences import (
    indicator_name,
    indicator_sentence,
    status_text,
    tier_summary,
    value_text,
)
from .report import (
    closing_sentence,
    fragments,
    report_text,
    rescaling_sentence,
    veto_sentence,
)
from .target_sentences import target_row_sentence, target_sentence

__all__ = [
    "LOCALES",
    "PLACEHOLDERS",
    "Fragment",
    "closing_sentence",
    "figure_sentence",
    "fill_template",
    "format_money",
    "format_number",
    "format_percent_value",
    "format_points",
    "format_rate",
    "fragments",
    "indicator_name",
    "indicator_sentence",
    "report_text",
    "rescaling_sentence",
    "status_text",
    "target_row_sentence",
    "target_sentence",
    "template_problems",
    "tier_summary",
    "translate",
    "value_text",
    "veto_sentence",
]
