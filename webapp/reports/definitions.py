"""The words around the figures: what each metric counts (the dashboard's 指标口径, the
workbook's 说明 sheet, the print version), which way is better, the breakdowns' titles.

Each figure's label and 口径 are written once, beside the function that computes it
(``processes.reports.metrics.FIGURES``); this module only looks them up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from processes.reports.metrics import FIGURES

BETTER_WHEN: dict[str, int] = {
    "received": 0,
    "concluded": 1,
    "resolved": 1,
    "received_resolution_rate": 1,
    "resolution_rate": 1,
    "received_mediation_success_rate": 1,
    "mediation_success_rate": 1,
    "satisfaction_rate": 1,
    "avg_handling_days": -1,
    "overdue_rate": -1,
    "overdue_open": -1,
    "township_share": 1,
    "diversion_rate": 1,
}
"""Whether a rise is good news (1), bad news (-1) or neither (0), by headline key."""

DEFINITIONS: dict[str, str] = {key: figure.definition for key, figure in FIGURES.items()}
"""What each headline figure counts (口径), by key. A key never changes meaning, so a
report stored long ago finds its figures' definitions here too."""

LABELS: dict[str, str] = {key: figure.label for key, figure in FIGURES.items()}
"""Each figure's name, by key (the tables' column heads)."""

ROW_RATES = ("received_resolution_rate", "resolution_rate")
"""The rates of a breakdown's and a trend's rows: 化解率 and 办结化解率."""
HANDOFF_RATES = (
    "received_resolution_rate",
    "resolution_rate",
    "received_mediation_success_rate",
    "mediation_success_rate",
    "diversion_rate",
)
"""The rates of each 三调 hand-off's row."""


def rate_columns(report: Mapping[str, Any], keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(key, label) of the rates of ``keys`` the report holds, labelled as it was issued:
    a report stored before 化解率 followed the published definition has only
    ``resolution_rate``, which it called 化解率."""
    issued = {item["key"]: item["label"] for item in report["headline"]}
    held = report.get("rates", {})
    return [(key, issued.get(key) or LABELS[key]) for key in keys if key in held]


PUBLISHED_NOTE = (
    "化解率、调解成功率按省、市通报的口径，以本期受理的案件为分母；"
    "办结化解率、结案调解成功率以本期办结的案件为分母，供对照。"
)
"""Why two of each: said once above the definitions (page and workbook)."""

CHANGE_NOTES = (
    "环比：与上一个同类周期比较；同比：与去年同一周期比较。",
    "件数和工作日数的变化是相对变化（%）；比率的变化是百分点之差。",
)

BREAKDOWNS: dict[str, str] = {
    "type": "按纠纷类型",
    "channel": "按来源渠道",
    "level": "按化解层级（本期化解的案件）",
    "region": "按下级区域",
    "risk": "按风险等级（本期受理的案件）",
}
"""The breakdowns' titles, in the order the pages and the workbook show them."""

NO_PERSONAL_DATA = "本报表不含当事人姓名、电话、身份证号等个人信息。"
