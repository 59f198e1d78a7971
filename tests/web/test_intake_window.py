"""受理登记 at the window: one screen registers a matter, errors stay at their fields with
the input kept, the region is the clerk's own, a party with an open case is flagged first."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import Actor
from processes.intake import receive_case
from processes.models import Case, DisputeType, Region
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, operation_log
from webapp.intake.service import DUPLICATE_OVERRIDDEN

OTHER_TOWNSHIP = "620702102"
CLERK = Actor.of("window.clerk", ["镇综治中心"])


def _form(**overrides: Any) -> dict[str, str]:
    form = {
        "channel": "窗口",
        "dispute_type": "02",
        "summary": "两户因院墙漏水发生争执，已多次协商未果",
        "request": "请求调解，修缮院墙",
        "region_code": GRID,
        "place": "大满村三社",
        "people_count": "2",
        "amount": "3000",
        "risk_colour": "黄",
        "party-0-role": "申请人",
        "party-0-name": "张三",
        "party-0-phone": "13812345678",
        "party-0-id_number": "620702199001011234",
        "party-0-address": "大满村三社 12 号",
        "party-1-role": "被申请人",
        "party-1-name": "李四",
        "party-1-phone": "",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def _count(engine) -> int:
    with engine.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Case))


@pytest.fixture
def clerk(web_engine, login_as):
    return login_as("wang", "镇综治中心", region=TOWNSHIP)


@pytest.fixture
def other_township(web_engine):
    with web_engine.session_factory() as session:
        session.add(Region(code=OTHER_TOWNSHIP, name="沙井镇", level="镇", parent_code=COUNTY))
        session.commit()


def test_the_form_offers_the_window_channel_active_types_and_the_clerks_regions(clerk):
    page = clerk.get("/intake/new").get_data(as_text=True)

    assert re.search(r'<option value="窗口"\s+selected>', page)
    assert f'<option value="{TOWNSHIP}" selected>' in page
    assert f'value="{GRID}"' in page and f'value="{COUNTY}"' not in page
    assert 'name="party-0-role"' in page and 'name="party-1-role"' in page
    assert "高风险" in page and 'name="csrf_token"' in page


def test_a_walk_in_case_is_registered_and_opens_its_receipt(clerk, web_engine):
    response = clerk.post("/intake/new", data=_form())

    assert response.status_code == 302
    with web_engine.session_factory() as session:
        case = session.scalars(select(Case)).one()
        assert (case.channel, case.region_code, case.received_by) == ("窗口", GRID, "wang")
        assert (case.people_count, float(case.amount), case.collective) == (2, 3000.0, False)
        assert [(p.role, p.name, p.phone) for p in case.parties] == [
            ("申请人", "张三", "13812345678"),
            ("被申请人", "李四", None),
        ]
        assert case.code and case.instance_id
    assert response.headers["Location"].endswith(f"/intake/{case.id}/receipt")
    with clerk.session_transaction() as session:
        assert ("info", f"已受理，案件编号 {case.code}") in session["_flashes"]


def test_a_missing_summary_and_a_bad_phone_are_shown_at_their_fields_with_input_kept(
    clerk, web_engine
):
    response = clerk.post(
        "/intake/new", data=_form(summary="", **{"party-0-phone": "电话号码", "place": "村口"})
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert _count(web_engine) == 0
    assert re.search(r'id="summary"[^>]*aria-invalid="true"', page, re.S)
    assert 'id="err-summary"' in page
    assert re.search(r'id="party-0-phone"[^>]*value="电话号码"[^>]*aria-invalid="true"', page, re.S)
    assert 'id="err-parties/0/phone">格式不正确' in page
    assert 'value="村口"' in page and 'value="张三"' in page and 'value="李四"' in page
    assert 'href="#party-0-phone"' in page  # the error summary links to the field


def test_an_error_after_a_blank_row_is_shown_at_its_own_row(clerk, web_engine):
    response = clerk.post(
        "/intake/new",
        data=_form(
            **{
                "party-1-name": "",
                "party-2-role": "第三人",
                "party-2-name": "王五",
                "party-2-phone": "x",
            }
        ),
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _count(web_engine) == 0
    assert 'id="err-parties/2/phone">格式不正确' in page
    assert 'name="party-1-name"' in page  # the blank row stays where it was
    assert re.search(r'id="party-2-phone"[^>]*value="x"[^>]*aria-invalid="true"', page, re.S)


def test_bad_numbers_and_a_missing_applicant_are_named(clerk, web_engine):
    response = clerk.post(
        "/intake/new",
        data=_form(people_count="很多", **{"party-0-role": "第三人"}),
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _count(web_engine) == 0
    assert 'id="err-people_count">请输入整数' in page
    assert 'id="err-parties">请至少填写一名申请人' in page
    assert 'value="很多"' in page


def test_a_region_outside_the_clerks_scope_is_refused(clerk, web_engine, other_township):
    response = clerk.post("/intake/new", data=_form(region_code=OTHER_TOWNSHIP))

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _count(web_engine) == 0
    assert 'id="err-region_code">发生地不在您的辖区内' in page


def test_a_deactivated_dispute_type_is_refused(clerk, web_engine):
    with web_engine.session_factory() as session:
        session.get(DisputeType, "02").active = False
        session.commit()

    response = clerk.post("/intake/new", data=_form())

    assert response.status_code == 422 and _count(web_engine) == 0
    assert 'id="err-dispute_type">已停用' in response.get_data(as_text=True)


def test_the_no_script_add_party_button_adds_a_row_and_keeps_the_input(clerk, web_engine):
    response = clerk.post("/intake/new", data=_form(add_party="1"))

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _count(web_engine) == 0
    assert 'name="party-2-name"' in page and 'value="张三"' in page
    assert "field-error" not in page


def test_an_open_case_of_the_same_phone_is_flagged_and_the_clerk_may_register_anyway(
    clerk, web_engine, other_township
):
    mine = receive_case(web_engine, _matter(GRID, phone="13812345678"), actor=CLERK)
    theirs = receive_case(
        web_engine, _matter(OTHER_TOWNSHIP, id_number="620702199001011234"), actor=CLERK
    )

    warned = clerk.post("/intake/new", data=_form())

    page = warned.get_data(as_text=True)
    assert warned.status_code == 200 and _count(web_engine) == 2
    assert "该当事人已有未办结的案件（2 件）" in page
    assert mine.code in page and theirs.code in page
    assert f'href="/cases/{mine.case_id}"' in page
    assert f"/cases/{theirs.case_id}" not in page  # out of scope: no link, no details
    assert "辖区外案件" in page and "赵六" not in page and "赵*" not in page
    assert "张*" in page and "138****5678" in page and "张三丰" not in page
    assert 'value="两户因院墙漏水发生争执，已多次协商未果"' not in page  # textarea, not attr
    assert "两户因院墙漏水发生争执，已多次协商未果" in page  # the input is kept

    acknowledged = f"{mine.case_id},{theirs.case_id}"
    registered = clerk.post("/intake/new", data=_form(acknowledged=acknowledged))

    assert registered.status_code == 302 and _count(web_engine) == 3
    with web_engine.session_factory() as session:
        (event,) = operation_log(session, DUPLICATE_OVERRIDDEN)
        assert event.actor == "wang"
        assert event.data["open_cases"] == sorted([mine.case_id, theirs.case_id])


def test_an_acknowledgement_covers_only_the_cases_that_were_shown(clerk, web_engine):
    first = receive_case(web_engine, _matter(GRID, phone="13812345678"), actor=CLERK)
    second = receive_case(web_engine, _matter(GRID, phone="13812345678"), actor=CLERK)

    response = clerk.post("/intake/new", data=_form(acknowledged=str(first.case_id)))

    assert response.status_code == 200 and _count(web_engine) == 2
    assert second.code in response.get_data(as_text=True)


def test_finished_cases_do_not_warn(clerk, web_engine):
    done = receive_case(web_engine, _matter(GRID, phone="13812345678"), actor=CLERK)
    with web_engine.session_factory() as session:
        session.get(Case, done.case_id).status = "已结案"
        session.commit()

    assert clerk.post("/intake/new", data=_form()).status_code == 302


@pytest.mark.parametrize("role", ["调解员", "部门", "督办员", "审计", "管理员", "镇党委政府"])
def test_roles_that_do_not_register_matters_are_refused(web_engine, login_as, role):
    client = login_as("someone", role, region=TOWNSHIP)

    assert client.get("/intake/new").status_code == 403
    assert client.post("/intake/new", data=_form()).status_code == 403
    assert _count(web_engine) == 0


@pytest.mark.parametrize("role", ["网格员", "镇综治中心", "县综治中心"])
def test_intake_roles_open_the_form(web_engine, login_as, role):
    assert login_as("someone", role, region=TOWNSHIP).get("/intake/new").status_code == 200


def test_the_form_needs_a_login(client):
    response = client.get("/intake/new")

    assert response.status_code in (302, 401)


def _matter(region: str, *, phone: str | None = None, id_number: str | None = None) -> dict:
    party: dict[str, str] = {"role": "申请人", "name": "张三丰" if phone else "赵六"}
    if phone:
        party["phone"] = phone
    if id_number:
        party["id_number"] = id_number
    return {
        "channel": "窗口",
        "dispute_type": "02",
        "summary": "此前登记的一件纠纷",
        "region_code": region,
        "risk_colour": "绿",
        "parties": [party],
    }
