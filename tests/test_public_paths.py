"""Every public name of the 0.1 layout is importable from where it was (issue 21).

The names are the ``__all__`` of ``perfrubric`` and of each documented module
path before the package was arranged in stage subpackages, written out here
so that a later move cannot drop one without this test failing.
"""

from __future__ import annotations

import importlib

import pytest

TOP_LEVEL = [
    "Assessment",
    "BatchResult",
    "Comparison",
    "DataError",
    "Department",
    "EitherOr",
    "Evaluation",
    "EvaluationError",
    "EvaluationWarning",
    "Expression",
    "ExpressionError",
    "Figure",
    "FigureResult",
    "Fragment",
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
    "report_text",
    "resolved_document",
    "rubric_from_dict",
    "rubric_schema",
    "score_table",
    "scoring_table",
    "table_rows",
    "target_row_sentence",
    "target_sentence",
    "tier_summary",
    "to_decimal",
]

MODULES: dict[str, list[str]] = {
    "perfrubric.model": [
        "DIRECTIONS",
        "Assessment",
        "Budget",
        "BudgetLine",
        "Department",
        "FactValue",
        "FieldError",
        "FieldIssue",
        "OrgUnit",
        "PathPart",
        "Sangong",
        "SangongItem",
        "Staffing",
        "Target",
    ],
    "perfrubric.printed": [
        "COUNT_UNITS",
        "LEVELS",
        "OPERATORS",
        "Printed",
        "PrintedValueError",
        "level_name",
        "parse_printed",
        "reconcile",
    ],
    "perfrubric.facts": [
        "CATEGORY_FIELDS",
        "NAME_PATTERNS",
        "SYNONYMS",
        "TARGET_FIELDS",
        "Facts",
        "check_name",
        "static_names",
        "synonym_for",
    ],
    "perfrubric.form_view": [
        "FORM_COLUMNS",
        "FORM_FORMATS",
        "FormRow",
        "form_rows",
        "is_form",
        "render_form",
    ],
    "perfrubric.schema": [
        "SCHEMA_DIALECT",
        "data_schema",
        "rubric_schema",
        "rule_keys",
        "schema_json",
    ],
    "perfrubric.views": [
        "FORMATS",
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
    ],
    "perfrubric.narrative": [
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
    ],
    "perfrubric.batch": [
        "BatchResult",
        "Column",
        "ColumnMap",
        "Layout",
        "evaluate_many",
        "load_layout",
        "load_mapping",
        "result_columns",
        "score_dask",
        "score_spark",
        "score_table",
        "write_results",
    ],
    "perfrubric.data": [
        "SECTIONS",
        "derive_id",
        "load_data",
        "structure_department",
        "unstructure_department",
    ],
    "perfrubric.decimals": [
        "MAX_MAGNITUDE",
        "MAX_PLACES",
        "ROUNDING_MODES",
        "NumberOutOfBounds",
        "Rounding",
        "apportion",
        "check_bounds",
        "to_decimal",
    ],
    "perfrubric.units": ["UNITS", "Money", "Unit", "UnitError", "parse_unit"],
    "perfrubric.errors": [
        "DataError",
        "EvaluationError",
        "ExpressionError",
        "MeasureUnavailable",
        "MissingDependencyError",
        "ParamError",
        "PerfrubricError",
        "PluginError",
        "Problem",
        "RubricError",
        "RuleInputError",
        "did_you_mean",
    ],
    "perfrubric.indicators": [
        "ENTRY_POINT_GROUP",
        "LEVEL_NAMES_EN",
        "Band",
        "Bands",
        "Checklist",
        "Choices",
        "Direction",
        "Interval",
        "Inverse",
        "ItemSets",
        "Judged",
        "Level",
        "Levels",
        "Outcome",
        "ParamReader",
        "PerEvent",
        "Ratio",
        "RuleKind",
        "RuleParams",
        "StepDeduction",
        "Threshold",
        "ValueRange",
        "YesNo",
        "as_bool",
        "as_items",
        "as_number",
        "as_text",
        "get_kind",
        "kind_names",
        "label_number",
        "load_plugin",
        "plugin_kind_names",
        "register_kind",
        "written_as_percent",
    ],
    "perfrubric.testing": [
        "INVARIANTS",
        "InvariantViolation",
        "check_rubric",
        "data_for",
        "departments",
        "deviations_add_up",
        "grade_matches_scale",
        "monotone_rules",
        "order_invariant",
        "params_round_trip",
        "parents_are_sums",
        "printed_forms",
        "reproducible",
        "rescaling_explained",
        "rounding_idempotent",
        "rubric_document",
        "rubric_test",
        "rubrics",
        "rule_params",
        "rule_scores_in_range",
        "scores_not_clamped",
        "scores_within_points",
        "to_dict_round_trips",
        "total_in_range",
        "vetoes_respected",
    ],
    "perfrubric.analysis": [
        "COMPARE_FORMATS",
        "DIFF_FORMATS",
        "CompareError",
        "Comparison",
        "DataChange",
        "FieldChange",
        "IndicatorDiff",
        "Plan",
        "PlanError",
        "PlanStep",
        "RowDelta",
        "RubricDiff",
        "Side",
        "compare",
        "diff_rubrics",
        "next_grade",
    ],
    "perfrubric.rubrics": ["builtin", "builtin_ids", "builtin_text"],
    "perfrubric.expr": ["Expression", "Value", "parse_expression"],
}


def test_the_package_exports_what_it_did() -> None:
    import perfrubric

    assert set(TOP_LEVEL) <= set(perfrubric.__all__)
    for name in TOP_LEVEL:
        assert getattr(perfrubric, name) is not None, name


@pytest.mark.parametrize("path", sorted(MODULES))
def test_each_documented_module_path_keeps_its_names(path: str) -> None:
    module = importlib.import_module(path)
    missing = [name for name in MODULES[path] if not hasattr(module, name)]
    assert missing == []
    # a moved module re-exports the objects of its new home, not copies
    for name in MODULES[path]:
        value = getattr(module, name)
        home = getattr(value, "__module__", None)
        if isinstance(home, str) and home.startswith("perfrubric."):
            assert getattr(importlib.import_module(home), name, value) is value


def test_cli_entry_point_and_parser_stay() -> None:
    from perfrubric.cli import _parser, main

    assert callable(main)
    assert _parser().prog == "perfrubric"


def test_api_reference_groups_every_public_name_once() -> None:
    """docs/api.md lists each name of ``perfrubric.__all__`` under exactly one theme."""
    import re
    from pathlib import Path

    import perfrubric

    page = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text("utf-8")
    listed = re.findall(r"^ {8}- (\w+)$", page, flags=re.M)
    assert sorted(listed) == sorted(perfrubric.__all__)
