"""排查: a round is recorded once however often it is sent; a finding reported from the
phone counts in the 排查台账 of its grid, village, township and county."""

from __future__ import annotations

import uuid
from datetime import date

from engine.db import db
from processes.reports.periods import Period, PeriodKind
from processes.reports.report import build_report
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP

from .mobile_support import report_body


def _round(**changes):
    body = {
        "client_id": str(uuid.uuid4()),
        "kind": "日常",
        "held_on": "2026-03-02",
        "region_code": GRID,
        "visited": 12,
        "visited_note": "三社 12 户",
        "findings": ["王家与李家因灌溉用水起争执", "村口路灯损坏"],
    }
    body.update(changes)
    return body


def test_a_round_and_a_reported_finding_show_in_the_ledgers(app, web_engine, clock, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    body = _round()
    first = client.post("/m/api/screenings", json=body).get_json()
    assert [f["text"] for f in first["findings"]] == body["findings"]
    assert client.post("/m/api/screenings", json=body).get_json() == first
    client.post("/m/api/screenings", json=_round(kind="专项", findings=[], visited=3))
    report = report_body(finding={"round": body["client_id"], "position": 0})
    assert client.post("/m/api/reports", json=report).status_code == 201

    page = client.get(f"/screening/ledger?region={GRID}&from=2026-03-01&to=2026-03-31")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    summary = "共排查 <strong>2</strong> 次，走访 15 户（场所），发现 2 条，其中转为案件 1 条"
    assert summary + "（50%）" in text

    other = login_as("zhen", "镇综治中心", region=TOWNSHIP)
    township = other.get("/screening/ledger?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert "大满村" in township and "50%" in township


def test_a_round_outside_the_workers_area_and_a_bad_day_are_refused(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    outside = client.post("/m/api/screenings", json=_round(region_code=COUNTY))
    assert outside.status_code == 422
    assert outside.get_json()["fields"] == {"region_code": ["所选网格不在您的辖区内"]}
    bad_day = client.post("/m/api/screenings", json=_round(held_on="2026-02-30"))
    assert bad_day.status_code == 422


def test_a_grid_worker_cannot_open_another_areas_ledger(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    assert client.get(f"/screening/ledger?region={COUNTY}").status_code == 404


def test_the_weekly_report_counts_each_grids_screenings(app, web_engine, clock, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    client.post("/m/api/screenings", json=_round())
    client.post("/m/api/screenings", json=_round(held_on="2026-03-03", findings=[]))
    client.post("/m/api/screenings", json=_round(held_on="2026-03-09"))  # the week after
    week = Period.containing(PeriodKind.WEEK, date(2026, 3, 2))
    with app.app_context():
        report = build_report(db.session, region_code=COUNTY, period=week, as_of=clock.now())
        month = Period.containing(PeriodKind.MONTH, date(2026, 3, 2))
        monthly = build_report(db.session, region_code=COUNTY, period=month, as_of=clock.now())
    assert report["screenings"] == [
        {
            "code": GRID,
            "name": "大满村第一网格",
            "rounds": 2,
            "visited": 24,
            "findings": 2,
            "cases": 0,
        }
    ]
    assert "screenings" not in monthly
