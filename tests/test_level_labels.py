"""English names of levels: built in for the national level names, `labels` on user levels."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

import perfrubric as pr
from perfrubric import narrative as n
from perfrubric.indicators import LEVEL_NAMES_EN, Level, Levels


@pytest.mark.parametrize(("name", "english"), [
    ("达成", "Achieved"), ("部分达成", "Partly achieved"), ("未达成", "Not achieved"),
    ("好", "Good"), ("较好", "Fairly good"), ("一般", "Average"), ("差", "Poor"),
])
def test_built_in_english_names(name: str, english: str) -> None:
    level = Level(name, Decimal(1), Decimal(1))
    assert level.label("en") == english and level.label("en_US") == english
    assert level.label("zh_CN") == name


def test_every_built_in_name_is_covered() -> None:
    assert set(LEVEL_NAMES_EN) == {"达成", "部分达成", "未达成", "好", "较好", "一般", "差"}


def test_own_labels_win_and_other_names_stay() -> None:
    good = Level("好", Decimal(1), Decimal(1), labels=(("en", "Very good"),))
    assert good.label("en_GB") == "Very good"          # en_GB → en
    assert Level("优秀", Decimal(1), Decimal(1)).label("en") == "优秀"   # no English known


RUBRIC = textwrap.dedent('''\
    [rubric]
    id = "l"
    version = "1"
    title = "t"

    [[indicator]]
    path = "效果"
    points = 20
    name_en = "Effects"

    [[indicator]]
    path = "效果/满意度"
    name_en = "Satisfaction"
    points = 10
    rule = { kind = "levels", levels = [
      { level = "优秀", share = "100%", labels = { en = "Outstanding" } },
      { level = "较好", share = "80%" },
      { level = "差", share = "0%" },
    ] }

    [[indicator]]
    path = "效果/目标"
    name_en = "Goals"
    points = 10
    rule = { kind = "levels", levels = [
      { level = "达成", from = "80%", upto = "100%" },
      { level = "部分达成", from = "60%", upto = "80%" },
      { level = "未达成", from = "0%", upto = "60%" },
    ] }
    ''')


def evaluation(satisfaction: str) -> pr.Evaluation:
    rubric = pr.loads_rubric(RUBRIC.replace("[rubric]", "[rubric]\nfull_marks = 20"))
    return pr.evaluate(rubric, {"department": {"name": "局"}, "assessment": [
        {"indicator": "效果/满意度", "level": satisfaction},
        {"indicator": "效果/目标", "level": "部分达成", "score": 7},
    ]})


def test_english_narrative_uses_the_level_names() -> None:
    ev = evaluation("优秀")
    assert n.indicator_sentence(ev, "效果/满意度", locale="en").text == \
        "Satisfaction rated “Outstanding”: full 10 points"
    # 较好 = 80% × 10 = 8; its built-in English name
    ev = evaluation("较好")
    assert n.indicator_sentence(ev, "效果/满意度", locale="en").text == \
        "Satisfaction rated “Fairly good”: 8 of 10 points"
    # the Chinese narrative keeps the rubric's names
    assert "“较好”" in n.indicator_sentence(ev, "效果/满意度", locale="zh_CN").text


def test_range_level_named_in_english() -> None:
    ev = evaluation("差")
    assert ev.results["效果/目标"].score == 7      # 部分达成 spans 6–8 points; 7 given
    assert "“Partly achieved”" in n.indicator_sentence(ev, "效果/目标", locale="en").text


def test_labels_round_trip_through_params() -> None:
    rule = pr.loads_rubric(RUBRIC.replace("[rubric]", "[rubric]\nfull_marks = 20")) \
        .indicator("效果/满意度").rule
    assert isinstance(rule, Levels)
    assert Levels.from_params(rule.params(), Decimal(10)) == rule
    assert rule.params()["levels"][0]["labels"] == {"en": "Outstanding"}


def test_bad_labels_are_located() -> None:
    bad = RUBRIC.replace('labels = { en = "Outstanding" }', 'labels = "Outstanding"')
    with pytest.raises(pr.RubricError) as info:
        pr.loads_rubric(bad.replace("[rubric]", "[rubric]\nfull_marks = 20"))
    (p,) = info.value.problems
    assert p.path == "indicator[1].rule.levels[0].labels"
    assert p.message == 'expected a table of locale = name, e.g. labels = { en = "Good" }'
