"""``zongzhi reports issue`` / ``list``, and the scheduler's report job issuing at start-up
what fell due while nothing ran."""

from __future__ import annotations

import time
from datetime import datetime

import click
import pytest
from sqlalchemy import func, select

from engine.models import HistoryEvent
from engine.scheduler import start_background
from processes.models import ReportSnapshot
from tests.conftest import CST
from tests.processes.snapshot_support import add_cases
from webapp.cli import cli
from webapp.cli.server import REPORT_JOB_ID, report_job

DUE_NOW = 5 * 3  # 27 Feb – 1 Mar, week 9 and February, for county, township and village


def _run(app, *args):
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def _seed(engine) -> None:
    with engine.session_factory() as session:
        add_cases(session, 2, at=datetime(2026, 2, 27, 10, tzinfo=CST))
        session.commit()


def _count(engine, **filters) -> int:
    with engine.session_factory() as session:
        query = select(func.count()).select_from(ReportSnapshot).filter_by(**filters)
        return session.scalar(query)


def test_issue_without_options_issues_every_due_report_once(app, web_engine):
    _seed(web_engine)
    first = _run(app, "reports", "issue")
    assert first.exit_code == 0, first.output
    assert f"已签发 {DUE_NOW} 份到期的定时报表" in first.output
    again = _run(app, "reports", "issue")
    assert again.exit_code == 0 and "没有到期未签发的定时报表" in again.output
    assert _count(web_engine, scheduled=True) == DUE_NOW


def test_issue_on_demand_as_often_as_asked_and_logged(app, web_engine):
    _seed(web_engine)
    args = ["reports", "issue", "--kind", "月总结", "--region", "620702", "--period", "2026-02"]
    for _ in range(2):
        result = _run(app, *args)
        assert result.exit_code == 0, result.output
        assert "甘州区 2026年2月（月总结）" in result.output
    custom = ["--kind", "按需", "--region", "620702101", "--period", "2026-02-20..2026-03-01"]
    result = _run(app, "reports", "issue", *custom)
    assert result.exit_code == 0 and "2026年02月20日—2026年03月01日" in result.output
    assert _count(web_engine, scheduled=False) == 3 and _count(web_engine, scheduled=True) == 0
    with web_engine.session_factory() as session:
        events = session.scalars(select(HistoryEvent).filter_by(event_type="report_issued")).all()
        hashes = set(session.scalars(select(ReportSnapshot.content_hash)))
    assert len(events) == 3 and {e.data["content_hash"] for e in events} == hashes
    assert all(e.actor.startswith("cli:") for e in events)


def test_issue_refuses_incomplete_or_wrong_options(app, web_engine):
    partial = _run(app, "reports", "issue", "--kind", "月总结")
    assert partial.exit_code == 2 and "同时给出" in partial.output
    bad_period = _run(
        app, "reports", "issue", "--kind", "周研判", "--region", "620702", "--period", "2026-13"
    )
    assert bad_period.exit_code == 1 and "无法识别的周研判周期" in bad_period.output
    bad_region = _run(
        app, "reports", "issue", "--kind", "月总结", "--region", "999999", "--period", "2026-02"
    )
    assert bad_region.exit_code == 1 and "区划 999999 不存在" in bad_region.output
    assert _count(web_engine) == 0


def test_list_shows_the_issued_reports_newest_first(app, web_engine, clock):
    assert "没有已签发的报表" in _run(app, "reports", "list").output
    _seed(web_engine)
    _run(app, "reports", "issue")
    clock.advance(hours=1)
    _run(app, "reports", "issue", "--kind", "季汇报", "--region", "620702", "--period", "2026-Q1")
    listed = _run(app, "reports", "list", "--limit", "3").output.splitlines()
    assert len(listed) == 3
    assert "季汇报  甘州区  2026年第一季度  按需  2026-03-02 10:00" in listed[0]
    weekly = _run(app, "reports", "list", "--kind", "周研判").output.splitlines()
    assert len(weekly) == 3 and all("2026年第9周（02月23日—03月01日）  定时" in w for w in weekly)
    county = _run(app, "reports", "list", "--region", "620702").output.splitlines()
    assert len(county) == 6 and all("甘州区" in line for line in county)


def test_the_scheduler_issues_missed_reports_at_start_up(app, web_engine, monkeypatch):
    monkeypatch.setenv("ZONGZHI_REPORT_POLL_SECONDS", "3600")
    _seed(web_engine)
    job = report_job(web_engine)
    assert (job.id, job.seconds) == (REPORT_JOB_ID, 3600)
    scheduler = start_background(web_engine, poll_seconds=3600, jobs=[job])
    try:
        deadline = time.monotonic() + 60
        while _count(web_engine) < DUE_NOW and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        scheduler.shutdown(wait=True)
    assert _count(web_engine, scheduled=True) == DUE_NOW


def test_a_bad_report_poll_setting_is_a_usage_error(web_engine, monkeypatch):
    monkeypatch.setenv("ZONGZHI_REPORT_POLL_SECONDS", "often")
    with pytest.raises(click.UsageError, match="ZONGZHI_REPORT_POLL_SECONDS 应为正整数"):
        report_job(web_engine)
