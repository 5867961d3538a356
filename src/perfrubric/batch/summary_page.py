"""The county summary page: one self-contained HTML file with charts.

:func:`summary_html` turns a :class:`~perfrubric.batch.summary.BatchSummary`
into a page a bureau head can read at a glance: the counts, the grade
distribution, the distribution of totals and the indicators that lose the
most points, each as a chart with its figures in a table beside it.  For
project forms that print their own 得分, a 复核 section plots each form's
printed total against the rule's (the forms above the diagonal scored
themselves higher) beside the rows most often departing.

The charts are drawn by matplotlib (the ``charts`` extra) with its SVG
backend and inlined in the page, so the file needs no network and no other
file at view time.  Text in the charts stays text (``svg.fonttype =
"none"``): the browser draws Chinese labels with its own fonts, and the
page's CSS names the usual Chinese fonts of Windows, macOS and Linux.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..errors import MissingDependencyError
from .summary import BatchSummary, PrintedReview

__all__ = ["summary_html"]

_FONTS = ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
          "WenQuanYi Micro Hei", "SimHei", "DejaVu Sans", "sans-serif")
_MOST_LOSSES = 10
_BLUE, _GREY, _RED = "#3b6ea8", "#9aa5b1", "#c0392b"


def summary_html(summary: BatchSummary, *, title: str | None = None) -> str:
    """The summary page of a batch as one self-contained HTML document.

    Needs the ``charts`` extra (matplotlib): without it, a
    :class:`~perfrubric.errors.MissingDependencyError` names
    ``pip install 'perfrubric[charts]'``.
    """
    heading = title or (f"{summary.title} · 汇总" if summary.title else "汇总")
    charts = _Charts()
    parts = [
        _counts(summary),
        _section("等级分布", charts.grades(summary), _grade_table(summary)),
        _section("总分分布", charts.totals(summary), _totals_table(summary)),
    ]
    if summary.losses:
        parts.append(_section("失分最多的指标", charts.losses(summary), _loss_table(summary)))
    if summary.printed is not None:
        parts.append(_section("自评与复核", charts.printed(summary.printed),
                              _printed_table(summary.printed)))
    return _PAGE.format(title=html.escape(heading), fonts=", ".join(
        f'"{f}"' if " " in f else f for f in _FONTS), body="\n".join(parts))


# -- charts ----------------------------------------------------------------------------------


class _Charts:
    """SVG charts drawn with matplotlib's object API (no pyplot, no global state)."""

    def __init__(self) -> None:
        try:
            import matplotlib
            from matplotlib.figure import Figure
        except ImportError:
            raise MissingDependencyError("summary charts", "perfrubric[charts]") from None
        self._matplotlib: Any = matplotlib
        self._figure: Any = Figure

    def _svg(self, draw: Any, size: tuple[float, float]) -> str:
        params = {"svg.fonttype": "none", "svg.hashsalt": "perfrubric",
                  "font.family": ["sans-serif"], "font.sans-serif": list(_FONTS[:-1]),
                  "font.size": 10, "axes.spines.top": False, "axes.spines.right": False}
        with self._matplotlib.rc_context(params), warnings.catch_warnings():
            # Glyphs the layout font lacks (Chinese) are drawn by the browser.
            warnings.simplefilter("ignore")
            figure = self._figure(figsize=size, dpi=96, layout="constrained")
            draw(figure.add_subplot())
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        svg = buffer.getvalue()
        svg = svg[svg.index("<svg"):]                     # drop the XML prolog and doctype
        return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)

    def grades(self, summary: BatchSummary) -> str:
        labels = [g if g is not None else "无法评级" for g, _ in summary.grades]
        counts = [n for _, n in summary.grades]

        def draw(ax: Any) -> None:
            bars = ax.bar(labels, counts, color=_BLUE)
            ax.bar_label(bars, labels=[str(n) for n in counts])
            ax.set_ylabel("单位数")
            ax.yaxis.get_major_locator().set_params(integer=True)
        return self._svg(draw, (5.2, 3.0))

    def totals(self, summary: BatchSummary) -> str:
        values = [float(t) for t in summary.totals]
        top = float(summary.full_marks)
        edges = [top * i / 10 for i in range(11)]

        def draw(ax: Any) -> None:
            ax.hist(values, bins=edges, color=_BLUE, edgecolor="white")
            ax.set_xlim(0, top)
            ax.set_xlabel("总分")
            ax.set_ylabel("单位数")
            ax.yaxis.get_major_locator().set_params(integer=True)
            if summary.mean is not None:
                ax.axvline(float(summary.mean), color=_GREY, linestyle="--")
        return self._svg(draw, (5.2, 3.0))

    def losses(self, summary: BatchSummary) -> str:
        shown = list(summary.losses[:_MOST_LOSSES])[::-1]     # most at the top
        labels = [_short(x.path) for x in shown]

        def draw(ax: Any) -> None:
            bars = ax.barh(labels, [float(x.lost) for x in shown], color=_BLUE)
            ax.bar_label(bars, labels=[f"{_plain(x.lost)}（{x.units}家）" for x in shown],
                         padding=3)
            ax.set_xlabel("失分合计")
            ax.margins(x=0.25)
        return self._svg(draw, (7.0, 0.45 * len(shown) + 1.0))


    def printed(self, printed: PrintedReview) -> str:
        """Each form's printed total against the rule's, the diagonal where they agree."""
        rule = [float(t.rule) for t in printed.totals]
        shown = [float(t.printed) for t in printed.totals]
        high = [t.difference > 0 for t in printed.totals]

        def draw(ax: Any) -> None:
            ends = [min(rule + shown), max(rule + shown)]
            pad = max((ends[1] - ends[0]) * 0.05, 0.5)
            ends = [ends[0] - pad, ends[1] + pad]
            ax.plot(ends, ends, color=_GREY, linestyle="--", linewidth=1)
            ax.scatter(rule, shown, c=[_RED if h else _BLUE for h in high], s=24, zorder=3)
            ax.set_xlim(*ends)
            ax.set_ylim(*ends)
            ax.set_xlabel("复核得分（按规则）")
            ax.set_ylabel("自评得分（填写）")
        return self._svg(draw, (5.2, 4.0))


# -- tables and page -------------------------------------------------------------------------


def _short(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _plain(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _section(title: str, svg: str, table: str) -> str:
    return (f'<section><h2>{html.escape(title)}</h2><div class="pair">'
            f'<figure>{svg}</figure>{table}</div></section>')


def _counts(summary: BatchSummary) -> str:
    who = "参评项目" if summary.noun == "form" else "参评单位"   # a batch of project forms
    figures = [(who, summary.units), ("评分完成", summary.scored),
               ("评分失败", summary.failed), ("平均分", _plain(summary.mean))]
    cards = "".join(f'<div class="card"><span>{html.escape(k)}</span><b>{html.escape(str(v))}'
                    "</b></div>" for k, v in figures)
    return f'<section class="cards">{cards}</section>'


def _grade_table(summary: BatchSummary) -> str:
    rows = []
    for grade, count in summary.grades:
        share = (Decimal(100) * count / summary.scored).quantize(Decimal("0.1")) \
            if summary.scored else None
        rows.append([grade if grade is not None else "无法评级", count,
                     f"{share}%" if share is not None else "—"])
    return _table(["等级", "单位数", "占比"], rows)


def _totals_table(summary: BatchSummary) -> str:
    return _table(["", "分"], [[k, _plain(v)] for k, v in (
        ("平均分", summary.mean), ("中位数", summary.median), ("标准差", summary.stdev),
        ("最低分", summary.minimum), ("最高分", summary.maximum))])


def _loss_table(summary: BatchSummary) -> str:
    return _table(["指标", "分值", "失分合计", "失分单位", "平均失分"],
                  [[x.path, _plain(x.points), _plain(x.lost), f"{x.units}/{x.scored}",
                    _plain(x.mean_lost)] for x in summary.losses])


def _printed_table(printed: PrintedReview) -> str:
    rows: list[list[object]] = [
        ["填写得分的项目", len(printed.totals)], ["自评高于复核", printed.above],
        ["自评低于复核", printed.below], ["差额合计（自评 − 复核）", _plain(printed.difference)]]
    figures = _table(["自评与复核（填写得分的行）", ""], rows)
    if not printed.rows:
        return figures
    departing = _table(["偏离规则最多的行", "偏离项目", "差额合计"],
                       [[r.path, f"{r.forms}/{r.printed}", _plain(r.difference)]
                        for r in printed.rows[:_MOST_LOSSES]])
    return f"<div>{figures}{departing}</div>"


_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: {fonts}; margin: 24px auto; max-width: 1140px; padding: 0 16px;
       color: #1f2933; line-height: 1.5; }}
h1 {{ font-size: 22px; margin: 0 0 16px; }}
h2 {{ font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d9e2ec; }}
.cards {{ display: flex; gap: 12px; flex-wrap: wrap; }}
.card {{ border: 1px solid #d9e2ec; border-radius: 6px; padding: 8px 16px; min-width: 120px; }}
.card span {{ display: block; color: #52606d; font-size: 13px; }}
.card b {{ font-size: 22px; }}
.pair {{ display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }}
figure {{ margin: 0; flex: 0 1 auto; max-width: 100%; }}
figure svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; font-size: 14px; flex: 1 1 320px; }}
th, td {{ border: 1px solid #d9e2ec; padding: 3px 8px; text-align: left; }}
td:not(:first-child), th:not(:first-child) {{ text-align: right; white-space: nowrap; }}
thead {{ background: #f0f4f8; }}
</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""
