"""The whole report on the hand-made data set of ``report_data``: headline with 环比 and
同比, breakdowns, hand-offs, risk colours, hotspots, trend, overdue list, roll-up by
region; JSON as stored, and no personal data anywhere in it.

October 2026 for 甘州区 unless a test says otherwise; the per-metric arithmetic is in
``test_report_metrics``; the figures it found are reused here.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy.orm import Session

from processes.reports.periods import Period, PeriodKind
from processes.reports.report import build_report
from tests.processes.report_data import (
    AS_OF,
    CITY,
    COUNTY,
    DAMAN,
    PARTY_NAME,
    PARTY_PHONE,
    SUMMARY,
    seed,
)

OCTOBER = Period.containing(PeriodKind.MONTH, date(2026, 10, 1))


def _rate(n, d):
    return {"n": n, "d": d, "value": n / d if d else None}


@pytest.fixture
def session(sa_engine):
    with Session(sa_engine) as session:
        ids = seed(session)
        session.info["ids"] = ids
        yield session


def _report(session, region=COUNTY, period=OCTOBER):
    report = build_report(session, region_code=region, period=period, as_of=AS_OF)
    return json.loads(json.dumps(report))  # as a snapshot stores it


def _rows(report, dimension):
    return {
        row["key"]: (row["received"], row["concluded"], row["resolved"])
        for row in report["breakdowns"][dimension]
    }


def test_the_header_names_region_period_and_moment(session):
    report = _report(session)
    assert report["region"] == {"code": COUNTY, "name": "甘州区", "level": "县"}
    assert report["period"] == {
        "kind": "月总结", "first": "2026-10-01", "last": "2026-10-31", "key": "2026-10",
        "label": "2026年10月",
    }  # fmt: skip
    assert report["as_of"] == "2026-11-02T02:00:00+00:00"  # 10:00 Beijing


def test_headline_figures_with_month_on_month_and_year_on_year(session):
    headline = {row["key"]: row for row in _report(session)["headline"]}
    assert list(headline) == [
        "received", "concluded", "resolved",
        "received_resolution_rate", "resolution_rate",
        "received_mediation_success_rate", "mediation_success_rate",
        "satisfaction_rate", "avg_handling_days", "overdue_rate", "overdue_open",
        "township_share", "diversion_rate",
    ]  # fmt: skip
    assert [headline[k]["label"] for k in list(headline)[3:7]] == [
        "化解率", "办结化解率", "调解成功率", "结案调解成功率",
    ]  # fmt: skip
    # each figure over concluded cases names the published one it stands beside
    assert [headline[k]["variant_of"] for k in list(headline)[3:7]] == [
        None, "received_resolution_rate", None, "received_mediation_success_rate",
    ]  # fmt: skip

    def row(key):
        r = headline[key]
        return (r["value"], r["previous"], r["year_ago"], r["mom"], r["yoy"])

    # counts: (v - p) / p.  October 11, September 4, October 2025 2
    assert row("received") == (11, 4, 2, (11 - 4) / 4, (11 - 2) / 2)
    assert row("concluded") == (9, 2, 2, (9 - 2) / 2, (9 - 2) / 2)
    assert row("resolved") == (6, 2, 1, (6 - 2) / 2, (6 - 1) / 1)
    # rates: the difference in points (as fractions).
    # 化解率: October's 11 receipts, 4 resolved by the report (K2 K3 K4 K7). The report is
    # 34 hours after October, so September's receipts count up to 2 Oct 10:00: P1, P2
    # of K1 P1 P2 K15 (K1, K15 resolved later); October 2025 up to 2 Nov 2025: Y1 of Y1 Y2
    assert row("received_resolution_rate") == (4 / 11, 0.5, 0.5, 4 / 11 - 0.5, 4 / 11 - 0.5)
    # 办结化解率: 化解数 / 办结数
    assert row("resolution_rate") == (6 / 9, 1.0, 0.5, 6 / 9 - 1.0, 6 / 9 - 0.5)
    # 调解成功率: K4, K7 agreed of the 4 hand-offs received in October; September's K15
    # agreed on 13 October, after its cut-off; no hand-off in October 2025
    assert row("received_mediation_success_rate") == (0.5, 0.0, None, 0.5, None)
    # 结案调解成功率: no mediation concluded in September or October 2025
    assert row("mediation_success_rate") == (0.75, None, None, None, None)
    # no callback in October 2025
    assert row("satisfaction_rate") == (0.75, 0.5, None, 0.25, None)
    # working days: 36/6 = 6.0, September 2.5, October 2025 Y1 Thu 9 -> Fri 10 = 1
    assert row("avg_handling_days") == (6.0, 2.5, 1.0, (6.0 - 2.5) / 2.5, (6.0 - 1.0) / 1.0)
    # K4, K15 of 9; September P2 of 2; October 2025 none of 2
    assert row("overdue_rate") == (2 / 9, 0.5, 0.0, 2 / 9 - 0.5, 2 / 9 - 0.0)
    # as of now only (open status is not kept for the past)
    assert row("overdue_open") == (2, None, None, None, None)
    # 3/6; September 2/2 (P1 网格员, P2 镇综治中心); October 2025 1/1 (Y1 网格员)
    assert row("township_share") == (0.5, 1.0, 1.0, -0.5, -0.5)
    # 3/40; September 0/20; October 2025 no court figure
    assert row("diversion_rate") == (3 / 40, 0.0, None, 3 / 40, None)
    assert [headline[k]["unit"] for k in ("received", "resolution_rate", "avg_handling_days")] == [
        "件", "%", "工作日",
    ]  # fmt: skip


def test_rates_carry_their_numerators_and_denominators(session):
    assert _report(session)["rates"] == {
        "received_resolution_rate": _rate(4, 11),
        "resolution_rate": _rate(6, 9),
        "received_mediation_success_rate": _rate(2, 4),
        "mediation_success_rate": _rate(3, 4),
        "satisfaction_rate": _rate(3, 4),
        "overdue_rate": _rate(2, 9),
        "township_share": _rate(3, 6),
        "diversion_rate": _rate(3, 40),
    }


def test_breakdowns_by_type_channel_level_region_and_colour(session):
    report = _report(session)
    # (received, concluded, resolved) per case in October:
    # K1 02 (-,C,S) K2 02 (R,C,S) K3 14 (R,C,S) K4 04 (R,C,S) K5 04 (R,C,-) K6 04 (R,C,-)
    # K7 06 (R,C,S) K8 10 (R) K9 14 (R) K10 01 (R,C) K11 14 (R) K15 10 (-,C,S) K16 02 (R)
    types = {k: v for k, v in _rows(report, "type").items() if v != (0, 0, 0)}
    assert types == {
        "婚姻家庭纠纷": (1, 1, 0),  # K10
        "邻里纠纷": (2, 2, 2),  # K2, K16 received; K1, K2 concluded and resolved
        "合同纠纷": (3, 3, 1),  # K4, K5, K6
        "损害赔偿纠纷": (1, 1, 1),  # K7
        "劳动争议纠纷": (1, 1, 1),  # K8 received; K15 concluded and resolved
        "物业纠纷": (3, 1, 1),  # K3, K9, K11 received; K3 concluded and resolved
    }
    assert len(report["breakdowns"]["type"]) == 15, "every first-level type is listed"
    assert _rows(report, "channel") == {
        "窗口": (4, 3, 2),  # K2 K8 K10 K16 received; K1 K2 K10 concluded; K1 K2 resolved
        "12345": (1, 1, 1),  # K3
        "网格上报": (1, 0, 0),  # K9
        "诉调": (3, 3, 1),  # K4 K5 K6
        "警调": (1, 1, 1),  # K7
        "访调": (0, 1, 1),  # K15 (received in September)
        "线上": (1, 0, 0),  # K11
    }
    # the ladder's levels first, then the others
    assert list(_rows(report, "level").items()) == [
        ("网格员", (2, 1, 1)),  # K2, K9
        ("村调委会", (1, 1, 1)),  # K16 received; K1 concluded and resolved
        ("镇综治中心", (2, 2, 1)),  # K3, K10 (guided)
        ("镇党委政府", (1, 0, 0)),  # K8
        ("县综治中心", (1, 2, 1)),  # K6 received, returned; K15 resolved
        ("未分级", (1, 0, 0)),  # K11, not routed yet
        ("调解员", (3, 3, 2)),  # K4, K5, K7
    ]
    # 化解率 by channel: of the receipts, those resolved by the report
    assert {
        row["key"]: row["received_resolution_rate"]
        for row in report["breakdowns"]["channel"]
        if row["received"]
    } == {
        "窗口": _rate(1, 4),  # K2 of K2 K8 K10 K16
        "12345": _rate(1, 1),  # K3
        "网格上报": _rate(0, 1),
        "诉调": _rate(1, 3),  # K4 of K4 K5 K6
        "警调": _rate(1, 1),  # K7
        "线上": _rate(0, 1),
    }
    assert report["breakdowns"]["channel"][0]["resolution_rate"] == _rate(2, 3)  # 窗口 办结
    assert _rows(report, "risk") == {
        "红": (2, 1, 1),  # K7, K8
        "黄": (5, 4, 3),  # K2 K3 K5 K9 K16 received; K2 K3 K5 K15 concluded; K2 K3 K15
        "绿": (4, 4, 2),  # K4 K6 K10 K11 received; K1 K4 K6 K10 concluded; K1 K4
    }


def test_regions_roll_up_to_the_report_regions_children(session):
    county = _report(session)
    assert [(r["key"], r["code"]) for r in county["breakdowns"]["region"]] == [
        ("大满镇", DAMAN), ("沙井镇", "620702102"), ("甘州区（本级）", COUNTY),
    ]  # fmt: skip
    # 大满镇 with its villages: K2 K3 K7 K8 K9 K10 K16 received; K1 K2 K3 K7 K10
    # concluded; K1 K2 K3 K7 resolved. 沙井镇: K4 K5 K6 K11; K4 K5 K6; K4.
    # The county itself: K15, concluded and resolved.
    assert _rows(county, "region") == {
        "大满镇": (7, 5, 4), "沙井镇": (4, 3, 1), "甘州区（本级）": (0, 1, 1),
    }  # fmt: skip

    township = _report(session, region=DAMAN)
    assert township["headline"][0]["value"] == 7
    # 大满村: K7 K10 received, K1 K7 K10 concluded, K1 K7 resolved; 新华村: K2 K9 K16,
    # K2, K2; the township itself: K3 K8, K3, K3
    assert _rows(township, "region") == {
        "大满村": (2, 3, 2), "新华村": (3, 1, 1), "大满镇（本级）": (2, 1, 1),
    }  # fmt: skip

    city = _report(session, region=CITY)
    # 临泽县 adds K14 (received, concluded, resolved on 10 and 12 October)
    assert _rows(city, "region") == {"甘州区": (11, 9, 6), "临泽县": (1, 1, 1)}
    assert city["headline"][0]["value"] == 12
    assert city["rates"]["satisfaction_rate"] == _rate(3, 5)  # K14's 不满意 too


def test_hand_offs(session):
    assert _report(session)["handoffs"] == [
        {
            "handoff": "诉调", "pushed": 3, "concluded": 3, "resolved": 1,
            "returned": 2,  # K5 (调解不成), K6 (unfit, returned at once)
            "received_resolution_rate": _rate(1, 3),  # K4 of K4 K5 K6
            "resolution_rate": _rate(1, 3),
            "received_mediation_success_rate": _rate(1, 3),  # K4 agreed of the 3 pushed
            "mediation_success_rate": _rate(1, 2),  # K4 达成协议, K5 调解不成; K6 none
            "diversion_rate": _rate(3, 40),
        },
        {
            "handoff": "警调", "pushed": 1, "concluded": 1, "resolved": 1, "returned": 0,
            "received_resolution_rate": _rate(1, 1), "resolution_rate": _rate(1, 1),
            "received_mediation_success_rate": _rate(1, 1),
            "mediation_success_rate": _rate(1, 1), "diversion_rate": None,
        },
        {  # K15 was pushed in September and settled in October
            "handoff": "访调", "pushed": 0, "concluded": 1, "resolved": 1, "returned": 0,
            "received_resolution_rate": _rate(0, 0), "resolution_rate": _rate(1, 1),
            "received_mediation_success_rate": _rate(0, 0),
            "mediation_success_rate": _rate(1, 1), "diversion_rate": None,
        },
    ]  # fmt: skip


def test_open_cases_by_colour_and_hotspots(session):
    report = _report(session)
    # open (已受理/办理中) now: K8 红, K9 黄, K16 黄, K11 绿, K12 绿 (received in November)
    assert report["risk_open"] == {"红": 1, "黄": 2, "绿": 2}
    # received October vs September by type: 合同 3 vs 0, 物业 3 vs 1 (P1), 婚姻家庭 1
    # vs 0, 损害赔偿 1 vs 0, 邻里 2 vs 2 (K1, P2), 劳动争议 1 vs 1 (K15); largest rise
    # first, then most received, then type code
    assert [
        (h["type"], h["current"], h["previous"], h["change"], h["growth"])
        for h in report["hotspots"]
    ] == [
        ("合同纠纷", 3, 0, 3, None),
        ("物业纠纷", 3, 1, 2, 2.0),
        ("婚姻家庭纠纷", 1, 0, 1, None),
        ("损害赔偿纠纷", 1, 0, 1, None),
        ("邻里纠纷", 2, 2, 0, 0.0),
        ("劳动争议纠纷", 1, 1, 0, 0.0),
    ]


def test_trend_is_twelve_months_ending_with_this_one(session):
    trend = _report(session)["trend"]
    assert [t["label"] for t in trend][:2] == ["2025年11月", "2025年12月"]
    assert (trend[-1]["first"], trend[-1]["last"]) == ("2026-10-01", "2026-10-31")
    # September: 4 received, P1 P2 resolved of 2 concluded, and of its receipts P1 P2
    # resolved by 2 Oct 10:00 (as long after September as the report is after October);
    # October: 11, 6 of 9, 4 of 11. October 2025 (Y1, Y2) lies before the trend; K12
    # (November) after it
    assert [
        (t["received"], t["resolved"], t["received_resolution_rate"], t["resolution_rate"])
        for t in trend[-2:]
    ] == [
        (4, 2, _rate(2, 4), _rate(2, 2)),
        (11, 6, _rate(4, 11), _rate(6, 9)),
    ]
    assert all(t["received"] == t["resolved"] == 0 for t in trend[:-2])


def test_overdue_list_is_most_overdue_first_without_personal_data(session):
    ids = session.info["ids"]
    report = _report(session)
    # as of Mon 2 Nov: K8 due Wed 28 Oct -> Thu 29, Fri 30, (Sat, Sun off), Mon 2 = 3;
    # K16 due Fri 30 Oct -> Mon 2 = 1
    assert report["overdue"] == [
        {
            "case_id": ids["K8"], "code": "K8", "type": "劳动争议纠纷", "region": "大满镇",
            "level": "镇党委政府", "owner_unit": None, "risk_colour": "红",
            "due_at": "2026-10-28T15:59:59+00:00", "overdue_working_days": 3,
        },
        {
            "case_id": ids["K16"], "code": "K16", "type": "邻里纠纷", "region": "新华村",
            "level": "村调委会", "owner_unit": None, "risk_colour": "黄",
            "due_at": "2026-10-30T15:59:59+00:00", "overdue_working_days": 1,
        },
    ]  # fmt: skip
    text = json.dumps(report, ensure_ascii=False)
    assert PARTY_NAME not in text and PARTY_PHONE not in text and SUMMARY not in text


@pytest.mark.parametrize("kind", [PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.QUARTER])
def test_every_kind_builds_and_agrees_with_its_trend(session, kind):
    period = Period.containing(kind, date(2026, 10, 9))
    report = _report(session, period=period)
    assert report["trend"][-1]["received"] == report["headline"][0]["value"]
    assert report["trend"][-2]["received"] == report["headline"][0]["previous"]


def test_a_custom_period_longer_than_a_year_overlaps_its_year_ago(session):
    # 1 Sep 2025 - 31 Oct 2026 (426 days); a year earlier, 1 Sep 2024 - 31 Oct 2025,
    # overlaps it, and so does the 426 days before it: each is counted on its own
    period = Period.custom(date(2025, 9, 1), date(2026, 10, 31))
    headline = {row["key"]: row for row in _report(session, period=period)["headline"]}
    # received: K1-K11 but K12 (November) and K13 (已撤销), K15, K16, P1, P2, Y1, Y2 = 17;
    # a year earlier Y1, Y2; before it nothing
    assert [headline["received"][k] for k in ("value", "previous", "year_ago")] == [17, 0, 2]
    # resolved: K1 K2 K3 K4 K7 K15 (36 working days), P1 (1), P2 (4), Y1 (1): 42 / 9;
    # a year earlier Y1 alone: 1
    assert headline["resolved"]["value"] == 9
    assert headline["avg_handling_days"]["value"] == 42 / 9
    assert headline["avg_handling_days"]["year_ago"] == 1.0
