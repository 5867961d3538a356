"""The second worked example: a township's rural-road maintenance form, data only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import perfrubric as pr

D = Decimal
DATA = Path(__file__).parent.parent / "examples" / "rural-road-maintenance-2022" / "project.toml"


@pytest.fixture(scope="module")
def ev() -> pr.Evaluation:
    return pr.evaluate(pr.builtin("mof-2020-project-self"), DATA)


# Each row as worked by hand in the example's README.
ROWS = [
    ("预算执行率", D("9.5")),                                      # 119.7 / 126 = 95% × 10
    ("产出指标/数量指标/养护农村公路里程", D(10)),
    ("产出指标/数量指标/路面坑槽修补面积", D("4.75")),              # 2850 / 3000 × 5
    ("产出指标/质量指标/农村公路优良路率", D(10)),
    ("产出指标/质量指标/养护工程验收合格率", D(5)),
    ("产出指标/时效指标/养护任务完成及时率", D("4.84")),            # 92 / 95 × 5 = 4.8421…
    ("产出指标/时效指标/汛期水毁抢修时限", D(5)),
    ("产出指标/成本指标/每公里年养护成本", D(5)),
    ("产出指标/成本指标/项目总成本", D(5)),                         # 1197000元 = 119.7万元 ≤ 126
    ("效益指标/经济效益指标/降低群众出行成本", D("3.5")),
    ("效益指标/社会效益指标/群众出行条件", D(9)),
    ("效益指标/社会效益指标/公路安全事故发生次数", D(5)),
    ("效益指标/可持续影响指标/农村公路长效管护机制", D(10)),        # band top of 达成
    ("满意度指标/服务对象满意度指标/沿线群众满意度", D(10)),
]


@pytest.mark.parametrize(("path", "score"), ROWS)
def test_each_row(ev: pr.Evaluation, path: str, score: Decimal) -> None:
    assert ev.results[path].score == score


def test_total_and_grade(ev: pr.Evaluation) -> None:
    # 9.5 + 49.59 + 27.5 + 10 = 96.59 → 优
    assert (ev.results["产出指标"].score, ev.results["效益指标"].score) == (D("49.59"),
                                                                            D("27.5"))
    assert ev.total == D("96.59") and ev.grade == "优" and not ev.rescaled


def test_readme_quotes_the_report(ev: pr.Evaluation) -> None:
    readme = (DATA.parent / "README.md").read_text(encoding="utf-8")
    for path in ("产出指标/时效指标/养护任务完成及时率", "产出指标/成本指标/项目总成本",
                 "效益指标/可持续影响指标/农村公路长效管护机制"):
        assert pr.indicator_sentence(ev, path).text in readme


def test_docs_projects_python_blocks_run(tmp_path: Path) -> None:
    import os
    import re
    import subprocess
    import sys

    root = Path(__file__).parent.parent
    text = (root / "docs" / "projects.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 2
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    for i, block in enumerate(blocks):
        script = tmp_path / f"block{i}.py"
        script.write_text(block, encoding="utf-8")
        done = subprocess.run([sys.executable, str(script)], cwd=root, env=env,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
