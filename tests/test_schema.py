"""JSON Schemas: generated from the loaders' own keys, and they agree with them.

- every shipped TOML (built-in rubrics, examples, test fixtures) validates;
- a misspelt key is refused by the schema *and* by the loader;
- every key the schema offers is accepted by the loader (no "unknown key"),
  and the loader's allowed keys are exactly the schema's properties.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrubric as pr
from perfrubric.cli import main
from perfrubric.data import model, structure_department
from perfrubric.errors import DataError, RubricError
from perfrubric.rubrics import building
from perfrubric.rubrics import parts as _building_parts
from perfrubric.rubrics.schema import data_schema, rubric_schema, rule_keys
from perfrubric.testing import rule_params

jsonschema = pytest.importorskip("jsonschema")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


#: Folders of deliberately broken inputs (the curated bad-input table and the fuzz
#: corpus): their files are meant to fail, and tests/test_bad_inputs.py checks how.
BROKEN = ("tests/data/bad", "tests/data/fuzz-corpus")


def shipped_toml() -> Iterator[Path]:
    """Every TOML file of the repository but pyproject.toml and the broken fixtures."""
    for base in ("src/perfrubric/rubrics", "examples", "tests", "docs"):
        for path in sorted((ROOT / base).rglob("*.toml")):
            if not any(path.is_relative_to(ROOT / b) for b in BROKEN):
                yield path


def _kind(doc: dict[str, Any]) -> str:
    if "columns" in doc or "labels" in doc:
        return "mapping"   # a batch column mapping or template layout (docs/batch.md)
    return "rubric" if "rubric" in doc else "data"


SHIPPED = [(p.relative_to(ROOT).as_posix(), p) for p in shipped_toml()
           if _kind(tomllib.loads(p.read_text(encoding="utf-8"))) != "mapping"]


def validator(which: str) -> Any:
    schema = rubric_schema() if which == "rubric" else data_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)  # the schema itself is a valid draft-07 schema
    return cls(schema)


def errors(which: str, doc: dict[str, Any]) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator(which).iter_errors(doc))


def test_there_are_rubrics_and_data_files_to_check() -> None:
    kinds = [_kind(tomllib.loads(p.read_text(encoding="utf-8"))) for _, p in SHIPPED]
    # 2 built-ins + 2 example rubrics; the example's data and the test fixture.
    assert kinds.count("rubric") >= 4
    assert kinds.count("data") >= 2


@pytest.mark.parametrize(("name", "path"), SHIPPED, ids=[n for n, _ in SHIPPED])
def test_every_shipped_toml_validates(name: str, path: Path) -> None:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    assert errors(_kind(doc), doc) == []


def docs_toml() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every TOML block of the docs that is a rubric, a part of one, or a data file.

    A part (``[[either_or]]`` …, or the keys of one ``[[indicator]]`` row such as
    ``rule = …``) is completed into a small rubric; a block that is not TOML on its
    own (several alternatives of one key) or not perfrubric's (pyproject, Taplo's
    own ``[[rule]]`` configuration) is left out.
    """
    import re

    row_keys = set(rubric_schema()["definitions"]["indicator"]["properties"])
    top_keys = set(rubric_schema()["properties"])
    for page in sorted((ROOT / "docs").glob("*.md")):
        blocks = re.findall(r"```toml\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
        for i, block in enumerate(blocks):
            try:
                doc = tomllib.loads(block)
            except tomllib.TOMLDecodeError:
                continue
            name = f"{page.name}#{i}"
            if "department" in doc:
                yield name, "data", doc
            elif set(doc) <= top_keys:
                yield name, "rubric", {"rubric": {"id": "d", "version": "1", "title": "d"},
                                       **doc}
            elif set(doc) <= row_keys and not isinstance(doc.get("rule"), list):
                row = {"path": "甲", **doc}
                yield name, "rubric", {"rubric": {"id": "d", "version": "1", "title": "d"},
                                       "indicator": [row]}


DOCS = list(docs_toml())


def test_the_docs_have_toml_to_check() -> None:
    # rubric-format.md alone shows a whole rubric, an extending one and three parts
    assert sum(1 for name, _, _ in DOCS if name.startswith("rubric-format.md")) >= 5
    assert any(kind == "data" for _, kind, _ in DOCS)


@pytest.mark.parametrize(("name", "which", "doc"), DOCS, ids=[n for n, _, _ in DOCS])
def test_every_docs_toml_block_validates(name: str, which: str, doc: dict[str, Any]) -> None:
    assert errors(which, doc) == []


MINI = {
    "rubric": {"id": "t", "version": "1", "title": "t"},
    "indicator": [{"path": "甲", "points": 100, "measure": "facts.x", "rule": {"kind": "ratio"}}],
}


def test_misspelt_indicator_key_refused_by_schema_and_loader() -> None:
    doc = copy.deepcopy(MINI)
    doc["indicator"][0]["pionts"] = doc["indicator"][0].pop("points")
    found = errors("rubric", doc)
    assert len(found) == 1 and found[0].startswith("indicator/0: ")
    assert "'pionts' was unexpected" in found[0]
    with pytest.raises(RubricError) as exc:
        pr.rubric_from_dict(doc)
    assert any(p.path == "indicator[0].pionts" and "did you mean 'points'" in p.message
               for p in exc.value.problems)


def test_misspelt_data_key_refused_by_schema_and_loader() -> None:
    doc = {"department": {"name": "某局"}, "budget": {"inital": "600万元"}}
    found = errors("data", doc)
    assert len(found) == 1 and found[0].startswith("budget: ")
    assert "'inital' was unexpected" in found[0]
    with pytest.raises(DataError) as exc:
        structure_department(doc)
    assert [p.path for p in exc.value.problems] == ["budget.inital"]


def test_wrong_type_and_choice_refused() -> None:
    doc = copy.deepcopy(MINI)
    doc["indicator"][0]["missing"] = "skip"          # not a policy
    doc["rubric"]["rounding"] = {"places": "2"}      # a string, not an integer
    found = errors("rubric", doc)
    assert [f.split(":")[0] for f in found] == ["indicator/0/missing", "rubric/rounding/places"]


def test_plugin_kind_names_validate() -> None:
    doc = copy.deepcopy(MINI)
    doc["indicator"][0]["rule"] = {"kind": "ratio_floor", "floor": "60%"}
    assert errors("rubric", doc) == []
    doc["indicator"][0]["rule"] = {"floor": "60%"}    # no kind at all
    found = errors("rubric", doc)   # a rule table needs its kind (or is `false`)
    assert len(found) == 1 and found[0].startswith("indicator/0/rule: ")


# -- one source of truth: loader keys == schema keys ---------------------------------

# Where each table of the schema sits in a small valid document, and the path
# prefix the loader reports for it.
PLACES: dict[str, tuple[tuple[Any, ...], str]] = {
    "document": ((), ""),
    "rubric": (("rubric",), "rubric."),
    "grade": (("rubric", "grades", 0), "rubric.grades[0]."),
    "rounding": (("rubric", "rounding"), "rubric.rounding."),
    "indicator": (("indicator", 0), "indicator[0]."),
    "either_or": (("either_or", 0), "either_or[0]."),
    "alternative": (("either_or", 0, "alternatives", 0), "either_or[0].alternatives[0]."),
    "veto": (("veto", 0), "veto[0]."),
    "figure": (("figure", 0), "figure[0]."),
    "target_rows": (("indicator", 0, "target_rows"), "indicator[0].target_rows."),
}

FULL = {
    "rubric": {"id": "t", "version": "1", "title": "t", "rounding": {"places": 2},
               "grades": [{"name": "合格", "min": 0}]},
    "indicator": [
        {"path": "甲", "points": 100},
        {"path": "甲/a", "points": 50, "measure": "facts.x", "rule": {"kind": "ratio"}},
        {"path": "甲/b", "points": 50, "measure": "facts.y", "rule": {"kind": "ratio"}},
        {"path": "甲/c", "points": 50, "rule": {"kind": "judged"}},   # a|b count once: 50+50
    ],
    "either_or": [{"alternatives": [{"path": "甲/a"}, "甲/b"]}],
    "veto": [{"when": "facts.bad", "reason": "r", "grade_at_most": "合格"}],
    "figure": [{"id": "f", "measure": "facts.x"}],
}


def _at(doc: Any, where: tuple[Any, ...]) -> Any:
    for step in where:
        doc = doc.setdefault(step, {}) if isinstance(step, str) else doc[step]
    return doc


def _loader_problems(doc: dict[str, Any]) -> list[pr.Problem]:
    try:
        pr.rubric_from_dict(doc)
    except RubricError as exc:
        return list(exc.problems)
    return []


def test_full_document_is_valid_for_both() -> None:
    assert errors("rubric", FULL) == []
    assert _loader_problems(FULL) == []


def test_every_schema_table_has_a_place() -> None:
    assert set(rubric_schema()["definitions"]) - {"rule"} == set(PLACES) - {"document"}


@pytest.mark.parametrize("table", sorted(PLACES))
def test_loader_accepts_every_schema_key_and_refuses_others(table: str) -> None:
    schema = rubric_schema()
    props = schema["properties"] if table == "document" else \
        schema["definitions"][table]["properties"]
    where, prefix = PLACES[table]
    for key in props:
        doc = copy.deepcopy(FULL)
        target = _at(doc, where)
        target.setdefault(key, "x")
        unknown = [p for p in _loader_problems(doc) if p.path == prefix + key
                   and "unknown key" in p.message]
        assert unknown == [], f"{table}.{key} is in the schema but the loader refuses it"
    doc = copy.deepcopy(FULL)
    _at(doc, where)["zz_not_a_key"] = "x"
    assert any(p.path == prefix + "zz_not_a_key" and "unknown key" in p.message
               for p in _loader_problems(doc)), f"the loader accepts any key in {table}"
    assert any("zz_not_a_key" in e for e in errors("rubric", doc))


def test_loader_key_lists_are_the_schema_properties() -> None:
    defs = rubric_schema()["definitions"]
    assert tuple(defs["indicator"]["properties"]) == building._INDICATOR_KEYS
    assert tuple(defs["rubric"]["properties"]) == building._RUBRIC_KEYS
    assert tuple(defs["grade"]["properties"]) == _building_parts._GRADE_KEYS
    assert tuple(defs["veto"]["properties"]) == _building_parts._VETO_KEYS
    assert tuple(defs["figure"]["properties"]) == _building_parts._FIGURE_KEYS
    assert tuple(defs["either_or"]["properties"]) == _building_parts._EITHER_KEYS
    assert tuple(defs["alternative"]["properties"]) == _building_parts._ALTERNATIVE_KEYS
    assert tuple(rubric_schema()["properties"]) == building._TOP_KEYS


def test_data_schema_keys_are_the_model_fields() -> None:
    defs = data_schema()["definitions"]
    for cls in (model.Staffing, model.Budget, model.BudgetLine, model.Sangong,
                model.SangongItem, model.Target, model.Assessment, model.OrgUnit,
                model.Form, model.FundSource):
        assert set(defs[cls.__name__]["properties"]) == {f.name for f in attrs.fields(cls)}
    # [department] holds only its own keys; the rest are sections of their own.
    assert set(defs["Department"]["properties"]) == {"name", "year", "code", "units", "duties"}
    assert set(data_schema()["properties"]) == {"department", "form", "staffing", "budget",
                                                "target", "facts", "assessment"}


@pytest.mark.parametrize("section", ["staffing", "budget", "department"])
def test_data_loader_accepts_every_schema_key(section: str) -> None:
    schema = data_schema()
    ref = schema["properties"][section]["$ref"].rsplit("/", 1)[1]
    for key in schema["definitions"][ref]["properties"]:
        doc: dict[str, Any] = {"department": {"name": "某局"}}
        doc.setdefault(section, {})[key] = object()   # a bad value: a problem, never "unknown"
        try:
            structure_department(doc)
        except DataError as exc:
            assert not [p for p in exc.problems if "unknown" in p.message], (section, key)


def test_cli_prints_the_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "rubric"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == rubric_schema()
    assert main(["schema", "data"]) == 0
    assert json.loads(capsys.readouterr().out)["required"] == ["department"]
    assert main(["schema", "nope"]) == 2


# -- rule parameters: the keys each built-in kind reads -----------------------------

BUILTIN_KINDS = ["bands", "checklist", "judged", "levels", "per_event", "ratio",
                 "step_deduction", "threshold", "yes_no"]


def _with_rule(rule: dict[str, Any]) -> dict[str, Any]:
    return {"rubric": {"id": "t", "version": "1", "title": "t"},
            "indicator": [{"path": "甲", "points": 100, "measure": "facts.x", "rule": rule}]}


@pytest.mark.parametrize("kind", BUILTIN_KINDS)
def test_rule_keys_are_the_keys_the_loader_accepts(kind: str) -> None:
    known = rule_keys(kind)
    assert known is not None
    for key in known:
        unknown = [p for p in _loader_problems(_with_rule({"kind": kind, key: "x"}))
                   if p.path == f"indicator[0].rule.{key}" and "unknown key" in p.message]
        assert unknown == [], f"{kind}.{key} is in the schema but the loader refuses it"
    bogus = _with_rule({"kind": kind, "zz_not_a_key": 1})
    assert any(p.path == "indicator[0].rule.zz_not_a_key" and "unknown key" in p.message
               for p in _loader_problems(bogus))
    assert any("zz_not_a_key" in e for e in errors("rubric", bogus))


def test_rule_keys_of_the_kinds_by_hand() -> None:
    # read from each kind's from_params and the docs' parameter tables
    assert rule_keys("step_deduction") == ("deduct", "direction", "floor", "limit",
                                           "notation", "step", "steps")
    assert rule_keys("bands") == ("bands", "better", "notation")
    assert rule_keys("checklist") == ("deduct", "each", "items")
    assert rule_keys("judged") == ()


def test_misspelt_rule_key_refused_by_schema_and_loader() -> None:
    doc = _with_rule({"kind": "step_deduction", "limit": "100%", "direction": "above",
                      "stpe": "1%", "deduct": 0.5, "steps": "whole"})
    found = errors("rubric", doc)
    assert len(found) == 1 and found[0].startswith("indicator/0/rule: ")
    assert "'stpe'" in found[0]
    assert any(p.path == "indicator[0].rule.stpe" and "did you mean 'step'" in p.message
               for p in _loader_problems(doc))


@settings(max_examples=20, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("kind", BUILTIN_KINDS)
def test_generated_rules_validate(kind: str, data: st.DataObject) -> None:
    params = data.draw(rule_params(kind, Decimal(10)))
    assert errors("rubric", _with_rule({"kind": kind, **params})) == []
