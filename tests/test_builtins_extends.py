"""Built-in rubrics and local adaptation with `extends`."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # pragma: no cover
    import tomli as tomllib

import perfrubric as pr
from perfrubric.rubrics.loading import resolved_document

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kaifu-commerce-2021"


def builtin_row_line(path: str, rubric: str = "mof-2013-department") -> int:
    """The line of the ``[[indicator]]`` header of the built-in row *path*."""
    from perfrubric.rubrics import builtin_text

    lines = builtin_text(rubric)[0].splitlines()
    at = lines.index(f'path = "{path}"')
    return max(i for i in range(at) if lines[i].startswith("[[indicator]]")) + 1


@pytest.mark.parametrize("rid", ["mof-2013-department", "mof-2020-project-self"])
def test_builtin_loads_and_adds_up(rid: str) -> None:
    rubric = pr.builtin(rid)
    assert rubric.id == rid and rubric.source
    assert sum(i.points for i in rubric.indicators) == 100 == rubric.full_marks
    assert {"zh_CN", "en"} <= set(rubric.title)
    for ind in rubric.leaves():
        assert ind.criterion, ind.path  # every row carries its 评分标准


def test_unknown_builtin_has_suggestion() -> None:
    with pytest.raises(pr.RubricError, match="did you mean 'mof-2013-department'"):
        pr.builtin("mof-2013-departmnt")


def hand_made() -> dict[str, object]:
    return {
        "department": {"name": "样例局", "year": 2022},
        "staffing": {"authorized": 40, "on_post": 41},
        "budget": {"initial": "1000万元", "adjusted": "1080万元", "final": "1026万元",
                   "carryover": "54万元", "public_funds_budget": "100万元",
                   "public_funds_actual": "98万元", "fixed_assets_total": "500万元",
                   "fixed_assets_in_use": "450万元",
                   "sangong": {"budget": "20万元", "previous_budget": "20万元"}},
        "target": [{"id": "a", "name": "甲", "target": 10, "actual": 10},
                   {"id": "b", "name": "乙", "target": 10, "actual": 8}],
        "facts": {"management_rules": ["已制定", "合法合规完整"], "fund_violations": 1,
                  "budget_disclosed": True, "key_tasks_done": 9, "key_tasks_assigned": 10,
                  "satisfaction": "85.5%"},
        "assessment": [
            {"indicator": "效果/履职效益/经济效益", "level": "好"},
            {"indicator": "效果/履职效益/社会效益", "level": "较好"},
            {"indicator": "效果/履职效益/生态效益", "level": "一般"},
        ],
    }


def test_national_builtin_on_a_hand_made_department() -> None:
    ev = pr.evaluate(pr.builtin("mof-2013-department"), hand_made())
    s = {path: r.score for path, r in ev.results.items()}
    # 在职 41/40 = 102.5% → 2 whole points over × 0.5 = 1 → 4
    assert s["投入/预算配置/在职人员控制率"] == 4
    # 三公 (20 − 20)/20 = 0 → 5
    assert s["投入/预算配置/三公经费变动率"] == 5
    # 预算完成率 1026/1080 = 95% → 5% below → 1 started step × 2 → 3
    assert s["过程/预算执行/预算完成率"] == 3
    # 预算调整率 |1080 − 1000|/1000 = 8% → (0, 10%] → 4
    assert s["过程/预算执行/预算调整率"] == 4
    # 结转结余率 54/1080 = 5% → ≤ 5% → 5
    assert s["过程/预算执行/结转结余率"] == 5
    # 公用经费 98/100 = 98% → 5
    assert s["过程/预算执行/公用经费控制率"] == 5
    # 管理制度 ①2 + ②2, ③ missing → 4
    assert s["过程/预算管理/管理制度健全性"] == 4
    # 1 violation → 5 − 1 = 4; disclosed → 5
    assert s["过程/预算管理/资金使用合规性"] == 4
    assert s["过程/预算管理/预决算信息公开性"] == 5
    # 固定资产 450/500 = 90% × 5 = 4.5
    assert s["过程/资产管理/固定资产利用率"] == Decimal("4.5")
    # 实际完成率: completions 1 and 0.8 → mean 0.9 × 15 = 13.5
    assert s["产出/职责履行/实际完成率"] == Decimal("13.5")
    # 重点工作 9/10 × 10 = 9
    assert s["产出/职责履行/重点工作办结率"] == 9
    # 效益: 好 5, 较好 4, 一般 3
    assert (s["效果/履职效益/经济效益"], s["效果/履职效益/社会效益"],
            s["效果/履职效益/生态效益"]) == (5, 4, 3)
    # 满意度 85.5% / 90% × 10 = 9.5
    assert s["效果/履职效益/社会公众或服务对象满意度"] == Decimal("9.5")
    # total: 投入 9 + 过程 (3+4+5+5) + (4+4+5) + 4.5 = 34.5 + 产出 22.5 + 效果 21.5 = 87.5
    assert ev.total == Decimal("87.5") and ev.grade == "良"


def test_project_builtin_on_a_hand_made_project() -> None:
    # The same project as before the form took its rows from the targets: the
    # built-in now scores each printed row with its own points.
    data = {
        "department": {"name": "某项目"},
        "budget": {"adjusted": "200万元", "final": "190万元"},
        "target": [
            {"name": "培训人次", "indicator": "产出指标/数量指标", "points": 15,
             "target": "≥1000人次", "actual": "1200人次"},
            {"name": "覆盖乡镇", "indicator": "产出指标/数量指标", "points": 10,
             "target": "≥10个", "actual": "8个"},
            {"name": "合格率", "indicator": "产出指标/质量指标", "points": 15,
             "target": "≥95%", "actual": "97%"},
            {"name": "人均成本", "indicator": "产出指标/成本指标", "points": 10,
             "target": "≤100元", "actual": "125元"},
            {"name": "带动就业", "indicator": "效益指标/社会效益指标", "points": 30,
             "target": "效果明显", "level": "达成", "score": 27},
            {"name": "服务对象满意度", "indicator": "满意度指标/服务对象满意度指标",
             "points": 10, "target": "≥90%", "actual": "88%"},
        ],
    }
    ev = pr.evaluate(pr.builtin("mof-2020-project-self"), data)
    s = {path: r.score for path, r in ev.results.items()}
    # 预算执行率 190/200 = 95% × 10 = 9.5
    assert s["预算执行率"] == Decimal("9.5")
    # 数量: 1200 ≥ 1000 → full 15; 8/10 × 10 = 8 → tier 23 of 25
    assert s["产出指标/数量指标/培训人次"] == 15 and s["产出指标/数量指标/覆盖乡镇"] == 8
    assert s["产出指标/数量指标"] == 23
    # 质量 97% ≥ 95% → 15; 成本 ≤100元 but 125元: 100/125 × 10 = 8
    assert (s["产出指标/质量指标"], s["产出指标/成本指标"]) == (15, 8)
    # 效益: 达成 (80–100% of 30 = 24–30), evaluator's 27
    assert s["效益指标/社会效益指标/带动就业"] == 27
    # 满意度 88/90 × 10 = 9.777… → 9.78
    assert s["满意度指标/服务对象满意度指标/服务对象满意度"] == Decimal("9.78")
    # 9.5 + (23 + 15 + 8) + 27 + 9.78 = 92.28 over the full 100 points
    assert ev.raw_total == Decimal("92.28") and ev.counted_points == 100
    assert ev.total == Decimal("92.28") and ev.grade == "优"


# -- extends -----------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


CHILD_HEAD = '''\
    [rubric]
    extends = "mof-2013-department"
    id = "local"
    version = "1"
    title = "本地评分表"
    '''


def test_extends_changes_points_and_rules(tmp_path: Path) -> None:
    path = write(tmp_path, "local.toml", CHILD_HEAD + '''
    [[indicator]]
    path = "投入/预算配置/在职人员控制率"
    rule = { kind = "step_deduction", limit = "100%", direction = "above", step = "1%", deduct = 0.1, steps = "whole" }
    ''')
    rubric = pr.load_rubric(path)
    assert rubric.id == "local" and rubric.title == {"zh_CN": "本地评分表"}
    rule = rubric.indicator("投入/预算配置/在职人员控制率").rule
    assert rule is not None and rule.params()["deduct"] == Decimal("0.1")
    assert rubric.sha256 != pr.builtin("mof-2013-department").sha256


def test_extends_points_must_still_add_up(tmp_path: Path) -> None:
    path = write(tmp_path, "local.toml", CHILD_HEAD + '''
    [[indicator]]
    path = "投入/预算配置/在职人员控制率"
    points = 6
    ''')
    with pytest.raises(pr.RubricError) as info:
        pr.load_rubric(path)
    # 6 + 5 = 11 under 投入/预算配置 (10). The change is this file's: the problem is
    # located at its `points = 6` (line 9), and cites the parent rubric's row
    # of 投入/预算配置 second (its [[indicator]] line in the built-in).
    (p,) = [p for p in info.value.problems if "add up to 11" in p.message]
    assert (p.file, p.line, p.path) == (str(path), 9, "indicator[0].points")
    assert p.message == ("the children of '投入/预算配置' add up to 11 points, but it has 10 "
                         "(its row in the parent rubric: <builtin>/mof-2013-department.toml:"
                         f"{builtin_row_line('投入/预算配置')})")


def test_extends_remove_add_rename_and_grades(tmp_path: Path) -> None:
    path = write(tmp_path, "local.toml", '''\
    [rubric]
    extends = "mof-2013-department"
    id = "local"
    version = "1"
    title = "本地评分表"
    grades = [{ name = "优秀", min = 85 }, { name = "合格", min = 60 }, { name = "不合格", min = 0 }]

    [[indicator]]
    path = "过程/资产管理"
    remove = true

    [[indicator]]
    path = "过程/预算管理"
    points = 20

    [[indicator]]
    path = "过程/预算管理/政府采购执行率"
    points = 5
    criterion = "按执行率计分，满分为止"
    measure = "budget.procurement_actual / budget.procurement_budget"
    rule = { kind = "ratio" }

    [[indicator]]
    path = "产出/职责履行"
    rename = "履职尽责"
    ''')
    rubric = pr.load_rubric(path)
    assert "过程/资产管理" not in rubric and "过程/资产管理/固定资产利用率" not in rubric
    assert rubric.indicator("过程/预算管理/政府采购执行率").points == 5
    assert "产出/履职尽责/实际完成率" in rubric and "产出/职责履行" not in rubric
    assert [g.name for g in rubric.grades.grades] == ["优秀", "合格", "不合格"]
    # new rows sit after their parent's existing rows
    order = [i.path for i in rubric.walk()]
    assert order.index("过程/预算管理/政府采购执行率") == order.index("过程/预算管理/预决算信息公开性") + 1
    doc = resolved_document(path.read_text(encoding="utf-8"), file=str(path))
    assert "extends" not in doc["rubric"]


def test_extends_errors_are_located(tmp_path: Path) -> None:
    path = write(tmp_path, "local.toml", CHILD_HEAD + '''
    [[indicator]]
    path = "过程/资产管理/不存在"
    remove = true
    ''')
    with pytest.raises(pr.RubricError) as info:
        pr.load_rubric(path)
    (p,) = info.value.problems
    assert p.file == str(path) and p.line == 8 and "cannot remove '过程/资产管理/不存在'" in p.message


def test_extends_missing_parent_and_cycle(tmp_path: Path) -> None:
    missing = write(tmp_path, "a.toml", '[rubric]\nextends = "mof-2031-department"\nid = "a"\n'
                    'version = "1"\ntitle = "t"\n')
    with pytest.raises(pr.RubricError) as info:
        pr.load_rubric(missing)
    assert info.value.path == "rubric.extends" and info.value.line == 2
    assert "did you mean 'mof-2013-department'" in str(info.value)
    write(tmp_path, "b.toml", '[rubric]\nextends = "c.toml"\nid = "b"\nversion = "1"\ntitle = "t"\n')
    c = write(tmp_path, "c.toml", '[rubric]\nextends = "b.toml"\nid = "c"\nversion = "1"\n'
              'title = "t"\n')
    with pytest.raises(pr.RubricError, match="extends forms a cycle"):
        pr.load_rubric(c)


def test_remove_without_extends_is_an_error() -> None:
    with pytest.raises(pr.RubricError, match="only for a rubric that extends another"):
        pr.loads_rubric('[rubric]\nid="x"\nversion="1"\ntitle="t"\n'
                        '[[indicator]]\npath="a"\npoints=100\nremove=true\nrule={kind="judged"}\n')


def test_seed_against_the_national_framework() -> None:
    ev = pr.evaluate(pr.load_rubric(EXAMPLE / "national.toml"), pr.load_data(EXAMPLE / "data.toml"))
    # 在职 21/11 = 190.91% → 0 of 5; 实际完成率 3/3 → 15 of 15. The 14 rows whose
    # figures the report does not give (三公 included) are declared outside the
    # comparison (applicable = "false", not_applicable = "exclude"): 5 × 12 + 10 × 2 = 80
    # points left out, 20 counted; total = 15 / 20 × 100 = 75 → 中.
    assert ev.results["投入/预算配置/在职人员控制率"].score == 0
    assert ev.results["投入/预算配置/在职人员控制率"].shown == Decimal("190.91")
    assert ev.results["投入/预算配置/三公经费变动率"].status == "excluded"
    assert ev.counted_points == 20 and ev.rescaled
    assert ev.total == 75 and ev.grade == "中" and ev.cannot_rate == ()
    assert len(ev.rescaling) == 14
    assert {r.reason for r in ev.rescaling} == {"not_applicable"}
    assert sum(r.points for r in ev.rescaling) == 80


def test_seed_against_the_bare_framework_names_every_unreported_row() -> None:
    # Without the declared scope, the 14 unreported rows stop scoring, all named at once.
    with pytest.raises(pr.EvaluationError) as info:
        pr.evaluate(pr.builtin("mof-2013-department"), pr.load_data(EXAMPLE / "data.toml"))
    national = tomllib.loads((EXAMPLE / "national.toml").read_text(encoding="utf-8"))
    declared_out = {row["path"] for row in national["indicator"]}
    assert len(declared_out) == 14
    assert {p.path for p in info.value.problems} == declared_out


def test_resolved_document_scores_like_the_extending_rubric(tmp_path: Path) -> None:
    from perfrubric.files.tomlwrite import dump_toml

    path = EXAMPLE / "national.toml"
    flat = tmp_path / "flat.toml"
    flat.write_text(dump_toml(resolved_document(path.read_text(encoding="utf-8"),
                                                file=str(path))), encoding="utf-8")
    assert pr.load_rubric(flat).sha256 == pr.load_rubric(path).sha256
