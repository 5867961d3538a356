"""Generated long tables of project forms (one row per indicator), for tests and benchmarks.

:func:`forms` draws N project forms of the 2020 national self-evaluation
form (产出 50, 效益 30, 满意度 10, 预算执行率 10); :func:`long_rows` lays them
out as the budget management system exports them, Sichuan's way (the
target split into 指标性质 / 指标值 / 度量单位, the funds repeated on every
row); :func:`project_toml` writes one form as a project's own data file.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

HEADERS = ["项目编码", "实施单位", "年度", "年初预算数", "全年预算数", "全年执行数", "一级指标",
           "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "分值", "得分"]

MAPPING = """
layout = "long"
key = "项目编码"

[columns]
"项目编码" = "department.code"
"实施单位" = "department.name"
"年度" = "department.year"
"年初预算数" = { name = "budget.initial", unit = "万元" }
"全年预算数" = { name = "budget.adjusted", unit = "万元" }
"全年执行数" = { name = "budget.final", unit = "万元" }
"一级指标" = "target.level1"
"二级指标" = "target.level2"
"三级指标" = "target.name"
"指标性质" = "target.comparison"
"指标值" = "target.target"
"度量单位" = "target.unit"
"完成值" = "target.actual"
"分值" = "target.points"
"得分" = "target.score"
"""

# (一级, 二级, points) of the 12 rows of a full form: 产出 50, 效益 30, 满意度 10.
SHAPE = [("产出指标", "数量指标", 10), ("产出指标", "数量指标", 5), ("产出指标", "质量指标", 10),
         ("产出指标", "质量指标", 5), ("产出指标", "时效指标", 5), ("产出指标", "时效指标", 5),
         ("产出指标", "成本指标", 10), ("效益指标", "经济效益指标", 10),
         ("效益指标", "社会效益指标", 5), ("效益指标", "社会效益指标", 5),
         ("效益指标", "可持续影响指标", 10), ("满意度指标", "服务对象满意度指标", 10)]
UNITS = ["个", "%", "万元", "天", "公里", "人次"]
LEVELS = [("达成预期指标", Decimal("0.8"), Decimal(1)),
          ("部分达成预期指标", Decimal("0.6"), Decimal("0.8")),
          ("未达成预期指标", Decimal(0), Decimal("0.6"))]


def forms(n: int, seed: int = 2023) -> list[dict[str, Any]]:
    """*n* project forms: code, unit, funds and rows (dicts of the split columns)."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        adjusted = Decimal(rng.randint(500, 20000)) / 10
        final = (adjusted * Decimal(rng.randint(60, 105)) / 100).quantize(Decimal("0.01"))
        rows = []
        no_benefits = k % 7 == 3  # a form without 效益 rows: the tier is left out
        for i, (level1, level2, points) in enumerate(SHAPE):
            if no_benefits and level1 == "效益指标":
                continue
            row: dict[str, Any] = {"level1": level1, "level2": level2, "name": f"指标{i + 1}",
                                   "points": points, "score": None}
            if i == 10:  # one qualitative row, judged with a score inside its band
                name, low, high = LEVELS[rng.randrange(3)]
                score = (points * (low + (high - low) * Decimal(rng.randint(0, 4)) / 4))
                row.update(comparison="定性", target="明显改善", unit=None, actual=name,
                           score=score.quantize(Decimal("0.1")))
            else:
                sign = rng.choice(["≥", "≥", "≤", "="])
                unit = UNITS[rng.randrange(len(UNITS))]
                value = Decimal(rng.randint(10, 500))
                actual = (value * Decimal(rng.randint(70, 130)) / 100).quantize(Decimal("0.1"))
                row.update(comparison=sign, target=value, unit=unit, actual=actual)
            rows.append(row)
        out.append({"code": f"51{k:06d}", "unit": f"项目实施单位{k}", "year": 2023,
                    "initial": adjusted, "adjusted": adjusted, "final": final, "rows": rows})
    return out


def long_rows(drawn: list[dict[str, Any]]) -> list[list[Any]]:
    """The forms as a long table's rows (in :data:`HEADERS` order), funds on every row."""
    out = []
    for form in drawn:
        for row in form["rows"]:
            out.append([form["code"], form["unit"], form["year"], form["initial"],
                        form["adjusted"], form["final"], row["level1"], row["level2"],
                        row["name"], row["comparison"], row["target"], row["unit"],
                        row["actual"], row["points"], row["score"]])
    return out


def _q(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def project_toml(form: dict[str, Any]) -> str:
    """One form as a project's data file (``[[target]]`` rows with printed targets)."""
    lines = ["[department]", f"name = {_q(form['unit'])}", f"code = {_q(form['code'])}",
             f"year = {form['year']}", "", "[budget]",
             f"initial = {_q(str(form['initial']) + '万元')}",
             f"adjusted = {_q(str(form['adjusted']) + '万元')}",
             f"final = {_q(str(form['final']) + '万元')}"]
    for row in form["rows"]:
        lines += ["", "[[target]]", f"name = {_q(row['name'])}",
                  f"indicator = {_q(row['level1'] + '/' + row['level2'])}",
                  f"points = {row['points']}"]
        if row["comparison"] == "定性":
            lines += [f"target = {_q(row['target'])}", f"level = {_q(row['actual'])}",
                      f"score = {row['score']}"]
        else:
            lines += [f"target = {_q(row['comparison'] + str(row['target']) + row['unit'])}",
                      f"actual = {_q(str(row['actual']) + row['unit'])}"]
    return "\n".join(lines) + "\n"
