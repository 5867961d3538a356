"""The analysis commands: next-grade, compare, diff."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import perfrubric as pr
from perfrubric.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "kaifu-commerce-2021"
DATA = ROOT / "tests" / "data" / "analysis"


def run(*argv: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main([str(a) for a in argv], out=out)
    return code, out.getvalue()


def test_next_grade_on_the_seed_reaches_excellent() -> None:
    code, text = run("next-grade", SEED / "national.toml", SEED / "data.toml")
    assert code == 0
    assert "staffing.on_post: 21 → 11" in text
    assert "整改后: 100 (优)" in text
    code, raw = run("next-grade", SEED / "national.toml", SEED / "data.toml", "--format", "json")
    plan = json.loads(raw)
    [change] = plan["steps"][0]["changes"]
    # Re-score the data with the printed change made: 11 on post of 11 keeps 在职人员控制率's
    # 5 points, so 5 + 15 of the 20 points counted (14 rows excluded) → 20/20 → 100, 优.
    data = pr.load_data(SEED / "data.toml")
    changed = attrs.evolve(data, staffing=attrs.evolve(data.staffing,
                                                       on_post=int(change["after"])))
    ev = pr.evaluate(pr.load_rubric(SEED / "national.toml"), changed)
    assert (ev.total, ev.grade) == (Decimal(100), "优")


def test_next_grade_errors_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("next-grade", SEED / "national.toml", SEED / "data.toml", "--grade", "A")
    assert code == 1
    assert "no grade 'A'" in capsys.readouterr().err


def test_compare_json_files_and_data_pairs(tmp_path: Path) -> None:
    files = []
    for year in (2020, 2021):
        code, raw = run("score", "mof-2013-department", DATA / f"mof2013-{year}.toml",
                        "--format", "json")
        assert code == 0
        path = tmp_path / f"{year}.json"
        path.write_text(raw, encoding="utf-8")
        files.append(path)
    code, from_json = run("compare", *files, "--locale", "en")
    assert code == 0
    assert "The total rose by 8.5 points compared with last year (80 → 88.5)" in from_json
    code, from_data = run("compare", "--rubric", "mof-2013-department",
                          DATA / "mof2013-2020.toml", DATA / "mof2013-2021.toml",
                          "--format", "json")
    doc = json.loads(from_data)
    assert doc["total_delta"] == "8.5" and doc["grade_change"] == "same"


def test_compare_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    code, _ = run("compare", bad, bad)
    assert code == 1
    assert "expected a JSON object" in capsys.readouterr().err


def test_diff_seed_against_builtin() -> None:
    code, text = run("diff", "mof-2013-department", SEED / "rubric.toml")
    assert code == 0
    assert "- removed  投入/预算配置/在职人员控制率" in text
    assert "      points: 40 → 10" in text
    code, raw = run("diff", "mof-2013-department", SEED / "national.toml", "--format", "json")
    assert len(json.loads(raw)["indicators"]) == 14  # the 14 rows declared out of scope


def test_compare_same_data_under_two_rubrics(capsys: pytest.CaptureFixture[str]) -> None:
    data = SEED / "data.toml"
    code, text = run("compare", "--rubric", SEED / "rubric.toml", "--rubric-b",
                     SEED / "national.toml", data, data)
    assert code == 0
    # The department's own table gives 100 (优); the national framework 15 of 20 points
    # counted → 75 (中): 100 − 75 = 25 lower.
    assert "总分较按kaifu-commerce-2021评分降低25分（100→75），等级由优降为中" in text
    code, _ = run("compare", "--rubric-b", SEED / "national.toml", data, data)
    assert code == 1
    assert "--rubric-b needs --rubric" in capsys.readouterr().err


def test_next_grade_keep_and_prefer_options() -> None:
    data = DATA / "mof2013-2020.toml"
    code, text = run("next-grade", "mof-2013-department", data, "--grade", "优",
                     "--format", "json", "--keep", "staffing.on_post", "--prefer", "满意度")
    assert code == 0
    doc = json.loads(text)
    assert "staffing.on_post" in doc["keep"] and "budget.adjusted" in doc["keep"]
    assert doc["prefer"] == ["满意度"] and doc["complete"] is True
    names = {c["name"] for s in doc["steps"] for c in s["changes"]}
    assert "staffing.on_post" not in names
    # Each step's effects name its own indicator; the totals chain from step to step.
    total = doc["total_before"]
    for step in doc["steps"]:
        assert step["total_before"] == total
        assert step["indicator"] in {e["indicator"] for e in step["effects"]}
        total = step["total_after"]
    assert total == doc["total_after"]
    code, text = run("next-grade", "mof-2013-department", data, "--no-default-keep",
                     "--format", "json")
    assert code == 0 and json.loads(text)["keep"] == []
