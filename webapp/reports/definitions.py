"""The words around the figures: what each metric counts (shown under the dashboard and in
the workbook's 说明 sheet), which way is better, the breakdowns' titles.

The definitions restate ``processes.reports.metrics`` (where each is computed and its
docstring is the reference) for the people reading a report.
"""

from __future__ import annotations

BETTER_WHEN: dict[str, int] = {
    "received": 0,
    "concluded": 1,
    "resolved": 1,
    "resolution_rate": 1,
    "mediation_success_rate": 1,
    "satisfaction_rate": 1,
    "avg_handling_days": -1,
    "overdue_rate": -1,
    "overdue_open": -1,
    "township_share": 1,
    "diversion_rate": 1,
}
"""Whether a rise is good news (1), bad news (-1) or neither (0), by headline key."""

DEFINITIONS: dict[str, str] = {
    "received": "本期受理登记的案件数（按受理时间；已撤销的不计）。",
    "concluded": "本期化解的案件，加上未化解而以“已引导”或“已退回”办结、办结时间在本期的案件。",
    "resolved": "化解时间在本期的案件数。",
    "resolution_rate": "化解数 ÷ 办结数。",
    "mediation_success_rate": (
        "三调对接（诉调、警调、访调）案件中本期办结且调解有结果的，达成协议的占比；"
        "一接收即以不宜调解退回的（无调解结果）不计入。"
    ),
    "satisfaction_rate": "本期回访记录中“满意”和“基本满意”的占比（按回访时间）。",
    "avg_handling_days": (
        "本期化解案件从受理日到化解日的工作日数的平均值（受理当日不计，"
        "按国家法定节假日安排和管理员的调整计算）。"
    ),
    "overdue_rate": "本期办结的案件中，办理超过时限（标记为超期）的占比。",
    "overdue_open": "统计时点仍在办（已受理、办理中）且已超过办理时限的案件数。",
    "township_share": (
        "本期化解的案件中，在网格员、村调委会、镇综治中心、镇党委政府层级化解的占比（目标 95%）。"
    ),
    "diversion_rate": (
        "本期受理的诉调案件数 ÷ 同期法院一审民事收案数（由县综治中心录入）；"
        "周期不是整月或未录入收案数时不计算。"
    ),
}
"""What each headline figure counts, by key."""

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
