"""The figures a center is judged by, one function each, with its exact definition.

Common to all: a case counts for a region set when its ``region_code`` is in the set
(``regions=None``: every region); a time stamp is in a period when ``period.start <= t
< period.end`` (local Asia/Shanghai days, stored as UTC). Only projection tables are read
(``dispute_case``, ``mediation``, ``callback_record``, ``court_filing``): never workflow
state. A trial run (试运行) writes none of these rows, so it is never counted.

化解率 and 调解成功率 are defined as the province and the cities publish them: over the cases
*received* in the period ("受理 X 件、化解 Y 件"). The 山丹 article (seeds/002) gives both:
the 三调 hand-offs received 2503 matters in January-July 2024 (诉调 1907 + 警调 578 +
访调 18) and resolved 1955 of them (1407 + 530 + 18), "化解率达78.1%" (1955 / 2503); of the
1907 the court diverted to the center (分流率 1907 / 2438 = 78.2%), "调解成功1407件，调解成功率
73.8%" (1407 / 1907). 张掖 (seeds/000): 三调 pushed 9.2万, resolved 7.9万, 化解率 85.9%. The
figures the dashboard showed before, over the cases *concluded* in the period, stay as
second figures under their own names: 办结化解率 (``resolution_rate``) and 结案调解成功率
(``mediation_success_rate``). A figure's key never changes meaning, so a report stored
before keeps the definition it was issued with.

A rate is a ``Rate`` dict ``{"n": numerator, "d": denominator, "value": n / d}`` with
``value`` ``None`` when ``d`` is 0. ``report.build_report`` computes the same figures in
batched queries built from the same conditions (``conditions``).

Each function is registered with ``@figure``: its label, unit and 口径 (the definition in
Chinese) are what the dashboard's 指标口径, the workbook's 说明 sheet and the print version
show, so the words people read are written once, beside the code that counts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict, TypeVar

from sqlalchemy.orm import Session

from ..calendar import WorkCalendar, load_calendar
from . import counts, open_cases, related
from .periods import Period
from .workdays import WorkdayIndex

Regions = Collection[str] | None
COUNT, PERCENT, DAYS = "件", "%", "工作日"
"""The units of figures (a ``PERCENT`` figure is a fraction 0..1)."""


class Rate(TypedDict):
    """A rate with its parts, as reports store it: ``value`` is ``n / d`` or ``None``."""

    n: int
    d: int
    value: float | None


def rate(n: int, d: int) -> Rate:
    return {"n": n, "d": d, "value": n / d if d else None}


@dataclass(frozen=True)
class Figure:
    """A figure as people read it, by the key of its function here."""

    key: str
    label: str
    unit: str
    definition: str
    """口径: what the figure counts, in Chinese, for the people reading a report."""
    variant_of: str | None = None
    """For a second definition kept beside a published figure: that figure's key."""


FIGURES: dict[str, Figure] = {}
"""Every figure by key (its function's name), in the order defined here."""

F = TypeVar("F", bound=Callable[..., Any])


def figure(
    label: str, unit: str, definition: str, *, variant_of: str | None = None
) -> Callable[[F], F]:
    """Register the decorated metric function as the figure ``label`` (see ``Figure``)."""

    def register(function: F) -> F:
        key = function.__name__
        FIGURES[key] = Figure(key, label, unit, definition, variant_of)
        return function

    return register


def cutoff(period: Period, *, report: Period, as_of: datetime) -> datetime:
    """Up to when ``period``'s received cases count as resolved (化解率) or agreed
    (调解成功率) in a report of ``report`` made at ``as_of``.

    For the report's own period: ``as_of``. For a period it is compared with (the one
    before, a year ago, each of the trend's): as long after that period's end as ``as_of``
    is after the end of ``report`` (no time at all while ``report`` is still running), never
    past ``as_of``. Every period compared has so had the same time to resolve its cases:
    a monthly report issued on the 1st compares this month's cases resolved by the 1st
    with last month's resolved by last month's 1st, the figure last month's report gave.
    """
    lag = max(as_of - report.end, timedelta(0))
    return min(period.end + lag, as_of)


def _counts(session: Session, regions: Regions, period: Period) -> counts.CaseCounts:
    return counts.case_counts(session, regions=regions, windows=[(period.start, period.end)])[0]


@figure("受理数", COUNT, "本期受理登记的案件数（按受理时间；已撤销的不计）。")
def received(session: Session, *, regions: Regions, period: Period) -> int:
    """受理数: cases with ``received_at`` in the period, except cancelled ones (已撤销)."""
    return _counts(session, regions, period).received


@figure("化解数", COUNT, "化解时间在本期的案件数（含以前受理、本期化解的）。")
def resolved(session: Session, *, regions: Regions, period: Period) -> int:
    """化解数: cases with ``resolved_at`` in the period (whatever their status now, and
    whenever they were received)."""
    return _counts(session, regions, period).resolved


@figure(
    "办结数",
    COUNT,
    "本期化解的案件，加上未化解而以“已引导”或“已退回”办结、办结时间在本期的案件。",
)
def concluded(session: Session, *, regions: Regions, period: Period) -> int:
    """办结数: cases resolved in the period, plus cases never resolved (``resolved_at``
    empty) whose status is 已引导 (guided) or 已退回 (returned) with ``closed_at`` in the
    period."""
    return _counts(session, regions, period).concluded


@figure(
    "化解率",
    PERCENT,
    "本期受理的案件中，截至统计时点已化解的占比：本期受理且已化解的件数 ÷ 受理数"
    "（“受理X件、化解Y件”，与省、市通报的口径一致）。以前受理、本期化解的不计入；"
    "仍在办理和以“已引导”“已退回”办结的只计入分母。环比、同比和趋势中的各期，"
    "按该期结束后经过同样长时间时的化解情况计算。",
)
def received_resolution_rate(
    session: Session, *, regions: Regions, period: Period, as_of: datetime
) -> Rate:
    """化解率, as published: of the cases received in the period, those resolved by the
    report's moment.

    d = 受理数 (``received``: ``received_at`` in the period, not 已撤销); n = those of them
    whose ``resolved_at`` is set and before ``as_of``, be it in the period or after it.
    A case received before the period and resolved in it is not in n (it counts in 化解数
    and 办结化解率); a case still open, or ended unresolved (已引导, 已退回), is in d only.
    A report counts its own period up to its ``as_of`` and each period it is compared with
    up to that period's ``cutoff``.
    """
    window = (period.start, period.end)
    found = counts.case_counts(session, regions=regions, windows=[window], cutoffs=[as_of])[0]
    return rate(found.received_resolved, found.received)


@figure(
    "办结化解率",
    PERCENT,
    "化解数 ÷ 办结数：本期办结的案件中化解的占比（不含仍在办理的案件）。",
    variant_of="received_resolution_rate",
)
def resolution_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """办结化解率 = 化解数 / 办结数 of the period (the dashboard's 化解率 before the
    published definition became the headline)."""
    figures = _counts(session, regions, period)
    return rate(figures.resolved, figures.concluded)


@figure(
    "调解成功率",
    PERCENT,
    "本期受理的三调对接（诉调、警调、访调）案件中，截至统计时点调解达成协议的占比："
    "达成协议数 ÷ 推送受理数（含签收时即以不宜调解退回的和仍在调解的）。"
    "环比、同比按该期结束后经过同样长时间时的情况计算。",
)
def received_mediation_success_rate(
    session: Session, *, regions: Regions, period: Period, as_of: datetime
) -> Rate:
    """调解成功率, as published: of the 三调 cases received in the period, those whose
    mediation reached an agreement by the report's moment.

    d = cases whose channel is 诉调, 警调 or 访调 with ``received_at`` in the period (not
    已撤销): every matter pushed to the center, also one returned at once as unfit for
    mediation (no ``mediation`` outcome) and one still being mediated (the 山丹 1907 is
    the count the court diverted to the center). n = those of them whose ``mediation``
    has the outcome 达成协议 with ``agreement_at`` before ``as_of``. Only 三调 cases have a
    ``mediation`` row, so they are every case with a mediation outcome. The report shows
    it by hand-off too; compared periods are counted up to their ``cutoff``.
    """
    window = (period.start, period.end)
    found = related.mediation_counts(
        session, regions=regions, windows=[window], cutoffs=[as_of]
    ).received
    total = sum((pairs[0] for pairs in found.values()), related.Pair())
    return rate(total.n, total.d)


@figure(
    "结案调解成功率",
    PERCENT,
    "三调对接案件中本期办结且调解有结果的，达成协议的占比；"
    "签收时即以不宜调解退回的（无调解结果）不计入。",
    variant_of="received_mediation_success_rate",
)
def mediation_success_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """结案调解成功率: among 三调 cases (those with a ``mediation`` row) concluded in the
    period whose mediation has an outcome, those whose outcome is 达成协议.

    d = such cases with any outcome; n = those with 达成协议. A matter returned at once
    as unfit for mediation has no outcome and is in neither.
    """
    window = (period.start, period.end)
    found = related.mediation_counts(
        session, regions=regions, windows=[window], cutoffs=[period.end]
    ).concluded
    total = sum((pairs[0] for pairs in found.values()), related.Pair())
    return rate(total.n, total.d)


@figure("满意率", PERCENT, "本期回访记录中“满意”和“基本满意”的占比（按回访时间）。")
def satisfaction_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """满意率: ``callback_record`` rows (every round of every case) with ``at`` in the
    period; n = those evaluated 满意 or 基本满意, d = all of them."""
    window = (period.start, period.end)
    pair = related.callback_counts(session, regions=regions, windows=[window])[0]
    return rate(pair.n, pair.d)


@figure(
    "平均办理时长",
    DAYS,
    "本期化解案件从受理日到化解日的工作日数的平均值（受理当日不计，"
    "按国家法定节假日安排和管理员的调整计算）。",
)
def avg_handling_days(
    session: Session,
    *,
    regions: Regions,
    period: Period,
    calendar: WorkCalendar | None = None,
) -> float | None:
    """平均办理时长 in working days, over the cases resolved in the period (``None`` when
    there are none).

    Per case: the working days after the local day of ``received_at`` up to and
    including the local day of ``resolved_at`` (the start day is not counted: received
    Monday, resolved Wednesday = 2; resolved the day it came = 0), on the official
    calendar with the admins' overrides (``load_calendar``). Cases are grouped by their
    (received day, resolved day) in SQL and counted with one cumulative index of working
    days over the span.
    """
    calendar = calendar or load_calendar(session)
    window = (period.start, period.end)
    pairs = related.handling_day_pairs(session, regions=regions, windows=[window])[0]
    return average_working_days(pairs, calendar)


def average_working_days(pairs: list[tuple], calendar: WorkCalendar) -> float | None:
    """The mean working days over (received day, resolved day, count) groups."""
    cases = sum(n for _, _, n in pairs)
    if not cases:
        return None
    index = WorkdayIndex.covering(calendar, [day for a, b, _ in pairs for day in (a, b)])
    return sum(n * index.after(a, b) for a, b, n in pairs) / cases


@figure("超期率", PERCENT, "本期办结的案件中，办理超过时限（标记为超期）的占比。")
def overdue_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """超期率: of the cases concluded in the period (see ``concluded``), those whose
    ``overdue`` flag is set (they passed the 7-working-day limit or their deadline)."""
    figures = _counts(session, regions, period)
    return rate(figures.overdue_concluded, figures.concluded)


@figure("超期在办", COUNT, "统计时点仍在办（已受理、办理中）且已超过办理时限的案件数。")
def overdue_open(session: Session, *, regions: Regions, as_of: datetime) -> int:
    """超期在办 as of a moment: cases open now (status 已受理 or 办理中) that are flagged
    ``overdue`` or whose ``due_at`` is before ``as_of``."""
    return open_cases.open_by_colour(session, regions=regions, as_of=as_of)[1]


@figure(
    "镇村化解占比",
    PERCENT,
    "本期化解的案件中，在网格员、村调委会、镇综治中心、镇党委政府层级化解的占比（目标 95%）。",
)
def township_share(session: Session, *, regions: Regions, period: Period) -> Rate:
    """镇村化解占比: of the cases resolved in the period, those whose ``level`` (the level
    holding the case when it was resolved) is 网格员, 村调委会, 镇综治中心 or 镇党委政府.
    The goal is 95%."""
    figures = _counts(session, regions, period)
    return rate(figures.township_resolved, figures.resolved)


@figure(
    "诉前分流率",
    PERCENT,
    "本期受理的诉调案件数 ÷ 同期法院一审民事收案数（由县综治中心录入）；"
    "周期不是整月或未录入收案数时不计算。",
)
def diversion_rate(session: Session, *, regions: Regions, period: Period) -> Rate:
    """诉前分流率: 诉调 cases received in the period (n) / the court's first-instance
    civil filings entered (``court_filing``) for the regions and the period's months (d).

    Only for a period made of whole months, each with at least one figure entered;
    otherwise d = 0 and the value is ``None``.
    """
    n = _counts(session, regions, period).court_received
    return rate(n, court_denominator(session, regions=regions, period=period))


def court_denominator(session: Session, *, regions: Regions, period: Period) -> int:
    """The court filings of the period's months (0 unless every month has a figure)."""
    filed = related.court_filings(session, regions=regions, months=period.months() or [])
    return court_total(filed, period)


def court_total(filed: dict, period: Period) -> int:
    """The sum of ``filed`` (figures by month) over the period's months; 0 when the period
    is not whole months or one of its months has no figure."""
    months = period.months()
    if not months or any(month not in filed for month in months):
        return 0
    return sum(filed[month] for month in months)
