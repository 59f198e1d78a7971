"""A small hand-made data set for the report tests, and the calendar facts it relies on.

Report period: October 2026 (月总结) for 甘州区; 环比 September 2026; 同比 October 2025.
``as_of`` (the moment open cases are counted) is Monday 2 November 2026, 10:00 Beijing.

The official 2026 calendar (``chinese_calendar``) around it, W = working day:

    Sep 20 Sun  W (make-up day)     Sep 25 Fri - 26 Sat - 27 Sun -  (中秋节)
    Oct 1 Thu … Oct 7 Wed  -  (国庆节)   Oct 8 Thu W  Oct 9 Fri W  Oct 10 Sat W (make-up)
    Oct 11 Sun -   then ordinary weeks; Oct 31 Sat -, Nov 1 Sun -, Nov 2 Mon W

Regions: 张掖市 (市) → 甘州区 (县) → 大满镇 (镇: 大满村, 新华村), 沙井镇 (镇: 沙井村);
张掖市 → 临泽县 (县) → 沙河镇 (镇). Times are Beijing wall time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from processes.models import CallbackRecord, Case, CourtFiling, Mediation, Party, Region

BJ = timezone(timedelta(hours=8))
CITY, COUNTY, OTHER_COUNTY = "6207", "620702", "620723"
DAMAN, SHAJING, SHAHE = "620702101", "620702102", "620723101"
DAMAN_V, XINHUA_V, SHAJING_V = "620702101201", "620702101202", "620702102201"
REGIONS = [
    (CITY, "张掖市", "市", None),
    (COUNTY, "甘州区", "县", CITY),
    (DAMAN, "大满镇", "镇", COUNTY),
    (DAMAN_V, "大满村", "村", DAMAN),
    (XINHUA_V, "新华村", "村", DAMAN),
    (SHAJING, "沙井镇", "镇", COUNTY),
    (SHAJING_V, "沙井村", "村", SHAJING),
    (OTHER_COUNTY, "临泽县", "县", CITY),
    (SHAHE, "沙河镇", "镇", OTHER_COUNTY),
]
AS_OF = datetime(2026, 11, 2, 10, 0, tzinfo=BJ)
PARTY_NAME, PARTY_PHONE = "赵铁柱", "13800001234"
SUMMARY = "赵家与钱家因排水沟堵塞争执"


def bj(y: int, m: int, d: int, h: int = 10, minute: int = 0, s: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, s, tzinfo=BJ)


def _time(text: str) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=BJ) if text else None


# code: channel, type, region, colour, status, level (at resolution or now), overdue flag
CASES = {
    "K1": ("窗口", "02", DAMAN_V, "绿", "已结案", "村调委会", False),
    "K2": ("窗口", "02", XINHUA_V, "黄", "已化解", "网格员", False),
    "K3": ("12345", "14", DAMAN, "黄", "已结案", "镇综治中心", False),
    "K4": ("诉调", "04", SHAJING_V, "绿", "已化解", "调解员", True),
    "K5": ("诉调", "04", SHAJING_V, "黄", "已退回", "调解员", False),
    "K6": ("诉调", "04", SHAJING_V, "绿", "已退回", "县综治中心", False),
    "K7": ("警调", "06", DAMAN_V, "红", "已化解", "调解员", False),
    "K8": ("窗口", "10", DAMAN, "红", "办理中", "镇党委政府", True),
    "K9": ("网格上报", "14", XINHUA_V, "黄", "办理中", "网格员", False),
    "K10": ("窗口", "01", DAMAN_V, "绿", "已引导", "镇综治中心", False),
    "K11": ("线上", "14", SHAJING, "绿", "已受理", None, False),
    "K12": ("线上", "14", SHAJING, "绿", "已受理", None, False),
    "K13": ("窗口", "02", DAMAN_V, "绿", "已撤销", None, False),
    "K14": ("窗口", "14", SHAHE, "绿", "已化解", "网格员", False),  # 临泽县
    "K15": ("访调", "10", COUNTY, "黄", "已化解", "县综治中心", True),
    "K16": ("窗口", "02", XINHUA_V, "黄", "办理中", "村调委会", False),
    "P1": ("窗口", "14", DAMAN_V, "绿", "已结案", "网格员", False),  # September (环比)
    "P2": ("窗口", "02", DAMAN_V, "绿", "已结案", "镇综治中心", True),
    "Y1": ("窗口", "02", DAMAN_V, "绿", "已结案", "网格员", False),  # October 2025 (同比)
    "Y2": ("窗口", "14", XINHUA_V, "绿", "已引导", "镇综治中心", False),
}
# code: received, resolved, closed, due (Beijing; "" = none)
TIMES = {
    # resolved across the National Day holiday: received Wed 30 Sep, resolved Fri 9 Oct
    "K1": ("2026-09-30 10:00", "2026-10-09 15:00", "2026-10-12 10:00", ""),
    # received 23:30 Mon 12 Oct, resolved 00:30 Wed 14 Oct (in UTC: Mon 15:30, Tue 16:30)
    "K2": ("2026-10-12 23:30", "2026-10-14 00:30", "", ""),
    "K3": ("2026-10-08 09:00", "2026-10-12 16:00", "2026-10-13 10:00", ""),
    "K4": ("2026-10-09 10:00", "2026-10-30 10:00", "", ""),
    "K5": ("2026-10-15 10:00", "", "2026-10-20 10:00", ""),
    "K6": ("2026-10-16 10:00", "", "2026-10-16 15:00", ""),
    "K7": ("2026-10-20 10:00", "2026-10-22 10:00", "", ""),
    "K8": ("2026-10-19 10:00", "", "", "2026-10-28 23:59:59"),
    "K9": ("2026-10-26 10:00", "", "", "2026-11-20 23:59:59"),
    "K10": ("2026-10-10 10:00", "", "2026-10-10 11:00", ""),
    # the month's last half hour, and the next month's first minutes
    "K11": ("2026-10-31 23:30", "", "", ""),
    "K12": ("2026-11-01 00:10", "", "", ""),
    "K13": ("2026-10-05 10:00", "", "2026-10-06 10:00", ""),
    "K14": ("2026-10-10 10:00", "2026-10-12 10:00", "", ""),
    "K15": ("2026-09-21 10:00", "2026-10-13 10:00", "", ""),
    # past its deadline (Fri 30 Oct) but not flagged yet: overdue because due_at < as_of
    "K16": ("2026-10-27 10:00", "", "", "2026-10-30 23:59:59"),
    "P1": ("2026-09-10 10:00", "2026-09-11 10:00", "2026-09-12 10:00", ""),
    "P2": ("2026-09-14 10:00", "2026-09-18 10:00", "2026-09-20 10:00", ""),
    "Y1": ("2025-10-09 10:00", "2025-10-10 10:00", "2025-10-11 10:00", ""),
    "Y2": ("2025-10-20 10:00", "", "2025-10-21 10:00", ""),
}
MEDIATIONS = {"K4": ("诉调", "达成协议"), "K5": ("诉调", "调解不成"), "K6": ("诉调", None),
              "K7": ("警调", "达成协议"), "K15": ("访调", "达成协议")}  # fmt: skip
CALLBACKS = [  # case, round, at, evaluation
    ("K1", 1, bj(2026, 10, 12), "满意"),
    ("K3", 1, bj(2026, 10, 13), "基本满意"),
    ("K2", 1, bj(2026, 10, 15), "不满意"),
    ("K2", 2, bj(2026, 10, 20), "满意"),
    ("K14", 1, bj(2026, 10, 13), "不满意"),  # 临泽县
    ("P1", 1, bj(2026, 9, 12), "满意"),
    ("P2", 1, bj(2026, 9, 19), "不满意"),
]
COURT_FILINGS = [(COUNTY, date(2026, 10, 1), 40), (COUNTY, date(2026, 9, 1), 20)]


def seed(session) -> dict[str, int]:
    """Insert the data set (not committed); returns case ids by code."""
    session.add_all(
        Region(code=c, name=n, level=lv, parent_code=p, active=True) for c, n, lv, p in REGIONS
    )
    session.flush()
    ids = {}
    for code, row in CASES.items():
        channel, kind, region, colour, status, level, overdue = row
        received, resolved, closed, due = (_time(t) for t in TIMES[code])
        case = Case(
            code=code, channel=channel, dispute_type=kind, summary=SUMMARY, region_code=region,
            risk_colour=colour, status=status, level=level, received_at=received,
            received_by="clerk", resolved_at=resolved, closed_at=closed, overdue=overdue,
            due_at=due,
        )  # fmt: skip
        case.parties.append(Party(role="申请人", name=PARTY_NAME, phone=PARTY_PHONE))
        session.add(case)
        session.flush()
        ids[code] = case.id
    for code, (handoff, outcome) in MEDIATIONS.items():
        agreed = _time(TIMES[code][1]) if outcome == "达成协议" else None  # when resolved
        session.add(
            Mediation(case_id=ids[code], handoff=handoff, outcome=outcome, agreement_at=agreed)
        )
    for code, round_, at, evaluation in CALLBACKS:
        session.add(
            CallbackRecord(
                case_id=ids[code], round=round_, at=at, by="回访员", evaluation=evaluation
            )
        )
    for region, month, civil in COURT_FILINGS:
        session.add(
            CourtFiling(
                region_code=region, month=month, civil_cases=civil, entered_by="县综治中心",
                entered_at=bj(2026, 11, 1),
            )
        )  # fmt: skip
    session.flush()
    return ids
