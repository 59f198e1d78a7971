"""节假日 in the browser: importing a year's notice (checked, previewed, confirmed, logged,
deadlines re-timed), the banner admins and center staff see from 1 November until next
year is in, and 暂定 on every deadline counted into a year not yet imported."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, select

from engine import Actor
from engine.db import db
from processes.intake import receive_case
from processes.models import CalendarYear, Case
from tests.conftest import CST
from tests.processes.conftest import GRID
from tests.web.admin_helpers import log_entries

SAMPLE_2027 = Path(__file__).parents[1] / "fixtures" / "calendar" / "2027-sample.json"
DECEMBER = datetime(2026, 12, 28, 9, 0, tzinfo=CST)
CLERK = Actor.of("window.clerk", ["镇综治中心"])


@pytest.fixture
def admin(login_as, web_engine, clock):
    clock.set(DECEMBER)
    return login_as("root", "管理员")


def _upload(client, text: str, name: str = "2027.json"):
    return client.post(
        "/admin/calendar/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), name), "year": "2027"},
        content_type="multipart/form-data",
    )


def _ladder_case(engine, clock) -> int:
    """A window case on the ladder from 31 December 2026: the village's two working days
    end in January 2027, counted before anyone imported the year."""
    clock.set(datetime(2026, 12, 31, 9, 0, tzinfo=CST))
    received = receive_case(
        engine,
        {
            "channel": "窗口",
            "dispute_type": "02",
            "summary": "两户因院墙漏水发生争执",
            "region_code": GRID,
            "risk_colour": "黄",
            "parties": [{"role": "申请人", "name": "张三", "phone": "13812345678"}],
        },
        actor=CLERK,
    )
    (assess,) = [t for t in engine.ready_tasks(CLERK) if t.instance_id == received.instance_id]
    engine.complete(
        assess.id,
        {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"},
        actor=CLERK,
    )
    return received.case_id


def test_a_year_is_previewed_then_imported_and_its_deadlines_retimed(app, admin, sa_engine):
    page = admin.get("/admin/calendar?year=2027").get_data(as_text=True)
    assert 'id="coverage-warning"' in page and "暂定" in page

    preview = _upload(admin, SAMPLE_2027.read_text(encoding="utf-8"))
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "导入 2027 年放假安排 · 预览" in html and "测试样例（非官方通知，仅供测试）" in html
    assert "2027-02-11（星期四）" in html and 'id="confirm-import"' in html
    with app.app_context():
        assert db.session.get(CalendarYear, 2027) is None  # a preview stores nothing

    done = admin.post("/admin/calendar/import/confirm", data={"content": SAMPLE_2027.read_text()})
    assert done.status_code == 302 and done.headers["Location"].endswith("year=2027")
    page = admin.get("/admin/calendar?year=2027").get_data(as_text=True)
    assert "已导入 2027 年放假安排" in page and "已按新日历重新计算" in page
    assert 'id="year-source"' in page and 'id="coverage-warning"' not in page
    assert 'data-day="2027-02-11"' in page and 'class="cal-off" title="2027-02-11' in page
    assert 'class="cal-makeup" title="2027-02-20' in page
    [entry] = log_entries(sa_engine, "calendar_year_imported")
    assert entry["actor"] == "root" and entry["year"] == 2027


def test_a_file_with_mistakes_is_refused_naming_line_and_date(app, admin):
    bad = SAMPLE_2027.read_text(encoding="utf-8").replace('"2027-02-20"', '"2027-02-17"')
    refused = _upload(admin, bad)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "第 13 行（2027-02-17）：调休上班日必须是周六或周日，这天是星期三" in html
    assert "2027-02-17" in html.split('id="calendar-content"')[1]  # the text is kept to fix
    with app.app_context():
        assert db.session.get(CalendarYear, 2027) is None
    empty = admin.post("/admin/calendar/import", data={"content": "  ", "year": "2027"})
    assert empty.status_code == 422 and "请选择放假安排文件" in empty.get_data(as_text=True)


def test_the_banner_warns_admins_and_centers_until_next_year_is_in(
    app, client, login_as, web_engine, clock
):
    clock.set(datetime(2026, 10, 20, 9, 0, tzinfo=CST))
    login_as("root", "管理员")
    assert 'id="calendar-notice"' not in client.get("/admin/").get_data(as_text=True)
    clock.set(datetime(2026, 11, 1, 9, 0, tzinfo=CST))
    html = client.get("/admin/").get_data(as_text=True)
    assert 'id="calendar-notice"' in html and "2027 年的放假和调休安排尚未导入" in html
    assert "去导入" in html
    client.post("/logout")

    login_as("center", "镇综治中心")
    html = client.get("/tasks/").get_data(as_text=True)
    assert 'id="calendar-notice"' in html and "请联系系统管理员导入" in html
    client.post("/logout")
    login_as("grid", "网格员")
    assert 'id="calendar-notice"' not in client.get("/tasks/").get_data(as_text=True)
    client.post("/logout")

    login_as("root2", "管理员")
    client.post("/admin/calendar/import/confirm", data={"content": SAMPLE_2027.read_text()})
    assert 'id="calendar-notice"' not in client.get("/admin/").get_data(as_text=True)


def test_a_center_s_work_list_reads_the_calendar_once_for_deadlines_and_banner(
    client, login_as, clock, sa_engine
):
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=CST))
    login_as("center", "镇综治中心")
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(sa_engine, "before_cursor_execute", note)
    try:
        html = client.get("/tasks/").get_data(as_text=True)
    finally:
        event.remove(sa_engine, "before_cursor_execute", note)
    assert 'id="calendar-notice"' in html and "我的待办" in html
    overrides = [s for s in seen if "FROM holiday_override" in s]
    assert len(overrides) == 1, "the page's deadlines and the banner share one reading"


def test_deadlines_into_an_uncovered_year_show_as_provisional_everywhere(
    app, admin, client, login_as, web_engine, clock
):
    case_id = _ladder_case(web_engine, clock)
    client.post("/logout")
    login_as("county", "县综治中心", "村调委会")
    with app.app_context():
        code = db.session.get(Case, case_id).code
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "provisional-tag" in case_page  # the village's slice ends in January 2027
    lookup = client.post("/chaxun", data={"code": code, "tail": "5678"}).get_data(as_text=True)
    assert "暂定" in lookup
    client.post("/logout")

    login_as("root2", "管理员")
    client.post("/admin/calendar/import/confirm", data={"content": SAMPLE_2027.read_text()})
    client.post("/logout")
    login_as("county2", "县综治中心", "村调委会")
    assert "provisional-tag" not in client.get(f"/cases/{case_id}").get_data(as_text=True)
    lookup = client.post("/chaxun", data={"code": code, "tail": "5678"}).get_data(as_text=True)
    assert "暂定" not in lookup
    with app.app_context():
        due = db.session.scalar(select(Case.due_at).where(Case.id == case_id))
    assert due is not None and due.date() == date(2027, 1, 5)  # 1–3 January off, both ways
