"""Write forms.xlsx: two project forms as Sichuan's export lays them out.

Sichuan's 部门预算项目支出绩效自评表 splits each target into 指标性质 (=, ≥,
≤), 指标值 and 度量单位, gives each row a 权重, and the system exports the
funds on a sheet of their own (one row per project).  The figures are
invented for the example.  Run from the repository's root:

    python examples/project-forms-sichuan/make_workbook.py
"""

from pathlib import Path

import openpyxl

INDICATORS = [
    ("项目编码", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值",
     "权重", "得分", "偏差原因分析及改进措施"),
    ("5101-2023-017", "产出指标", "数量指标", "培训农民人次", "≥", 1200, "人次", 1260, 20, None,
     None),
    (None, "产出指标", "数量指标", "建设高标准农田面积", "≥", 5000, "亩", 4600, 15, None,
     "2个村土地流转未完成，顺延至次年"),
    (None, "产出指标", "质量指标", "农田工程验收合格率", "=", 100, "%", 100, 10, None, None),
    (None, "产出指标", "成本指标", "农田建设成本", "≤", 1500, "万元", 1380, 5, None, None),
    (None, "效益指标", "经济效益指标", "新增粮食产能", "≥", 250, "吨", 275, 15, None, None),
    (None, "效益指标", "可持续影响指标", "农田设施管护机制", "定性", "健全", None,
     "部分达成预期指标", 15, 11, "管护资金未落实到村"),
    (None, "满意度指标", "服务对象满意度指标", "受益农户满意度", "≥", 90, "%", 92, 10, None,
     None),
    ("5101-2023-042", "产出指标", "数量指标", "更新公交车辆数", "=", 30, "台", 30, 25, None,
     None),
    ("5101-2023-042", "产出指标", "时效指标", "车辆投入运营时间", "≤", 10, "月", 11, 25, None,
     "车辆交付延迟一个月"),
    ("5101-2023-042", "效益指标", "生态效益指标", "年减少碳排放", "≥", 800, "吨", 860, 30, None,
     None),
    ("5101-2023-042", "满意度指标", "服务对象满意度指标", "乘客满意度", "≥", 85, "%", 88, 10,
     None, None),
]

FUNDS = [
    ("项目编码", "项目名称", "主管部门", "实施单位", "年初预算数（万元）", "全年预算数（万元）",
     "全年执行数（万元）"),
    ("5101-2023-017", "高标准农田建设及农民培训", "市农业农村局", "市农业综合服务中心", 1500,
     1500, 1380),
    ("5101-2023-042", "新能源公交车辆更新", "市交通运输局", "市公共交通集团", 1800, 1650, 1650),
]


def main() -> None:
    """Write forms.xlsx beside this script."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "绩效指标"
    for row in INDICATORS:
        sheet.append(row)
    funds = book.create_sheet("项目资金")
    for row in FUNDS:
        funds.append(row)
    book.save(Path(__file__).with_name("forms.xlsx"))


if __name__ == "__main__":
    main()
