"""perfrubric: performance-evaluation rubrics for public spending.

Load a declarative TOML rubric (指标评分表), give it a department's basic
data (基础数据表), and get the total, the grade and a per-indicator trace::

    import perfrubric as pr

    rubric = pr.load_rubric("examples/kaifu-commerce-2021/rubric.toml")
    ev = pr.evaluate(rubric, pr.load_data("examples/kaifu-commerce-2021/data.toml"))
    ev.total, ev.grade

Everything listed in ``__all__`` is public API; other modules and names
may change between releases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .data.model import Assessment, Department, Form, FundSource, Target
from .data.printed import Printed, PrintedValueError, parse_printed
from .data.structure import load_data
from .decimals import Rounding, Share, to_decimal
from .engine.deviation import Deviation
from .engine.evaluation import (
    Evaluation,
    EvaluationWarning,
    FigureResult,
    IndicatorResult,
    Override,
    Rescaled,
    VetoResult,
    evaluate,
)
from .errors import (
    DataError,
    EvaluationError,
    ExpressionError,
    MissingDependencyError,
    ParamError,
    PerfrubricError,
    PluginError,
    Problem,
    RubricError,
    RuleInputError,
)
from .expr import Expression, parse_expression
from .indicators import Outcome, ParamReader, RuleKind, kind_names, register_kind
from .rubrics import builtin, builtin_ids
from .rubrics.loading import load_rubric, loads_rubric, resolved_document, rubric_from_dict
from .rubrics.model import EitherOr, Figure, Grade, GradeScale, Indicator, Rubric, TargetRows, Veto
from .rubrics.schema import data_schema, rubric_schema
from .units import Money, Unit, UnitError

if TYPE_CHECKING:
    from .analysis import (
        Comparison,
        Plan,
        PlanError,
        RubricDiff,
        compare,
        diff_rubrics,
        next_grade,
    )
    from .batch import BatchResult, evaluate_many, score_table, write_reports
    from .engine.datacheck import check_data
    from .engine.review import FormReview, review_forms
    from .narrative import (
        Fragment,
        closing_sentence,
        fragments,
        indicator_sentence,
        report_text,
        target_row_sentence,
        target_sentence,
        tier_summary,
    )
    from .views.docx import to_docx
    from .views.form import render_form
    from .views.review import render_review
    from .views.table import render, scoring_table, table_rows

__version__ = "0.1.0.dev0"

# Presentation, analysis and batch scoring load on first use, so that
# `import perfrubric` stays quick (babel, the analysis search and the table
# readers are not needed to load and score): each name here is imported from
# its module when first asked for.
_LAZY = {
    **dict.fromkeys(("Comparison", "Plan", "PlanError", "RubricDiff", "compare", "diff_rubrics",
                     "next_grade"), "analysis"),
    **dict.fromkeys(("BatchResult", "evaluate_many", "score_table", "write_reports"), "batch"),
    **dict.fromkeys(("check_data",), "engine.datacheck"),
    **dict.fromkeys(("render_form",), "views.form"),
    **dict.fromkeys(("FormReview", "review_forms"), "engine.review"),
    **dict.fromkeys(("render_review",), "views.review"),
    **dict.fromkeys(("to_docx",), "views.docx"),
    **dict.fromkeys(("Fragment", "closing_sentence", "fragments", "indicator_sentence",
                     "report_text", "target_row_sentence", "target_sentence", "tier_summary"),
                    "narrative"),
    **dict.fromkeys(("render", "scoring_table", "table_rows"), "views.table"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'perfrubric' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Assessment",
    "BatchResult",
    "Comparison",
    "DataError",
    "Department",
    "Deviation",
    "EitherOr",
    "Evaluation",
    "EvaluationError",
    "EvaluationWarning",
    "Expression",
    "ExpressionError",
    "Figure",
    "FigureResult",
    "Form",
    "FormReview",
    "Fragment",
    "FundSource",
    "Grade",
    "GradeScale",
    "Indicator",
    "IndicatorResult",
    "MissingDependencyError",
    "Money",
    "Outcome",
    "Override",
    "ParamError",
    "ParamReader",
    "PerfrubricError",
    "Plan",
    "PlanError",
    "PluginError",
    "Printed",
    "PrintedValueError",
    "Problem",
    "Rescaled",
    "Rounding",
    "Rubric",
    "RubricDiff",
    "RubricError",
    "RuleInputError",
    "RuleKind",
    "Share",
    "Target",
    "TargetRows",
    "Unit",
    "UnitError",
    "Veto",
    "VetoResult",
    "__version__",
    "builtin",
    "builtin_ids",
    "check_data",
    "closing_sentence",
    "compare",
    "data_schema",
    "diff_rubrics",
    "evaluate",
    "evaluate_many",
    "fragments",
    "indicator_sentence",
    "kind_names",
    "load_data",
    "load_rubric",
    "loads_rubric",
    "next_grade",
    "parse_expression",
    "parse_printed",
    "register_kind",
    "render",
    "render_form",
    "render_review",
    "report_text",
    "resolved_document",
    "review_forms",
    "rubric_from_dict",
    "rubric_schema",
    "score_table",
    "scoring_table",
    "table_rows",
    "target_row_sentence",
    "target_sentence",
    "tier_summary",
    "to_decimal",
    "to_docx",
    "write_reports",
]
