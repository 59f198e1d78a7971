"""指派调解员 on the task page: the county center picks from the 调解员名册 the people
serving the case's area, best match first, each shown with kind and organisation; a person
outside the list is refused at the field; the picked mediator's account then finds
确认接受委派 on its list, another mediator does not see it, a supervisor in scope may."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from engine import Actor
from engine.db import db
from processes.enums import RosterKind, UnitKind
from processes.models import RosterEntry, Unit
from tests.processes.conftest import COUNTY, TOWNSHIP
from tests.web.tasks_support import (
    OTHER_TOWNSHIP,
    add_other_township,
    client_for,
    only_ready,
    receive,
)
from webapp.accounts.models import User

COUNTY_CENTER, MEDIATOR, SUPERVISOR = "县综治中心", "调解员", "督办员"
ROSTER = [
    # name, kind, unit, region, skills, account
    ("王调解", RosterKind.PEOPLES_MEDIATOR, "TJ01", TOWNSHIP, [], "wang.tj"),
    ("赵邻里", RosterKind.PEOPLES_MEDIATOR, "TJ01", TOWNSHIP, ["02"], "zhao.tj"),
    ("陈律师", RosterKind.LAWYER, "TJ01", TOWNSHIP, [], None),
    ("钱劳动", RosterKind.PEOPLES_MEDIATOR, "TJ01", TOWNSHIP, ["10"], "qian.tj"),
    ("孙沙井", RosterKind.PEOPLES_MEDIATOR, "TJ02", OTHER_TOWNSHIP, [], "sun.tj"),
    ("周律所", RosterKind.LAWYER, "LS01", COUNTY, [], None),
]
"""赵邻里 takes 邻里纠纷 (the case's type): first; 王调解 takes any; 陈律师 has no account
but his 调委会 has mediators; 钱劳动 takes only labour disputes, 孙沙井 serves another
township, 周律所's firm has no mediator to act for him: none of these three is offered."""


def seed_roster(engine) -> dict[str, int]:
    add_other_township(engine)
    with engine.session_factory() as session:
        for code, name, kind, region in (
            ("TJ01", "大满镇人民调解委员会", UnitKind.MEDIATION_ORGANISATION, TOWNSHIP),
            ("TJ02", "沙井镇人民调解委员会", UnitKind.MEDIATION_ORGANISATION, OTHER_TOWNSHIP),
            ("LS01", "甘州律师事务所", UnitKind.MEDIATION_ORGANISATION, COUNTY),
        ):
            session.add(Unit(code=code, name=name, kind=kind, region_code=region, active=True))
        session.flush()
        ids = {}
        for name, kind, unit, region, skills, account in ROSTER:
            entry = RosterEntry(
                name=name,
                kind=kind,
                unit_code=unit,
                region_code=region,
                skills=skills,
                username=account,
                active=True,
            )
            session.add(entry)
            session.flush()
            ids[name] = entry.id
        session.commit()
    return ids


def _mediator(app, username: str, unit: str = "TJ01"):
    client = client_for(app, username, MEDIATOR, region=TOWNSHIP)
    with app.app_context():
        db.session.execute(update(User).where(User.username == username).values(unit_code=unit))
        db.session.commit()
    return client


@pytest.fixture
def assigning(app, web_engine):
    """A 诉调 hand-off signed for by the county center, 指派调解员 waiting; the roster
    above, the accounts of its people and a clerk of 大满镇人民调解委员会."""
    roster = seed_roster(web_engine)
    mediators = {name: _mediator(app, name) for name in ("wang.tj", "zhao.tj", "tj01.clerk")}
    received = receive(web_engine, channel="诉调")
    receipt = only_ready(web_engine, received.instance_id, "receive")
    web_engine.complete(
        receipt.id, {"receipt_decision": "签收"}, actor=Actor.of("c", [COUNTY_CENTER])
    )
    task = only_ready(web_engine, received.instance_id, "assign_mediator")
    center = client_for(app, "xian", COUNTY_CENTER, region=COUNTY)
    return received, task, center, roster, mediators


def _offered(page: str) -> list[str]:
    picker = page.split('name="mediator_entry"')[1].split("</select>")[0]
    return [label for _value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)<', picker)]


def test_the_roster_of_the_area_is_offered_best_match_first(assigning):
    _received, task, center, _roster, _mediators = assigning
    page = center.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert _offered(page) == [
        "赵邻里（人民调解员，大满镇人民调解委员会）",
        "王调解（人民调解员，大满镇人民调解委员会）",
        "陈律师（律师，大满镇人民调解委员会）：无系统账号，由该单位的调解员代为办理",
    ]


def test_a_mediator_not_offered_is_refused_at_the_field(assigning, web_engine):
    received, task, center, roster, _mediators = assigning
    for name in ("孙沙井", "钱劳动", "周律所"):
        response = center.post(
            f"/tasks/{task.id}",
            data={"assign_decision": "指派", "mediator_entry": str(roster[name])},
        )
        assert response.status_code == 422
        assert "「调解员」请从列表中选择" in response.get_data(as_text=True)
    assert only_ready(web_engine, received.instance_id, "assign_mediator").id == task.id


def test_the_picked_mediator_finds_the_task_and_another_does_not(assigning, web_engine, app):
    received, task, center, roster, mediators = assigning
    response = center.post(
        f"/tasks/{task.id}",
        data={"assign_decision": "指派", "mediator_entry": str(roster["王调解"])},
    )
    assert response.status_code == 302
    accept = only_ready(web_engine, received.instance_id, "accept")
    assert accept.assignee == "wang.tj"

    assert "调解员确认接受委派" in mediators["wang.tj"].get("/tasks/").get_data(as_text=True)
    assert mediators["wang.tj"].get(f"/tasks/{accept.id}").status_code == 200
    for other in ("zhao.tj", "tj01.clerk"):
        assert "调解员确认接受委派" not in mediators[other].get("/tasks/").get_data(as_text=True)
        assert mediators[other].get(f"/tasks/{accept.id}").status_code == 404
    supervisor = client_for(app, "du", SUPERVISOR, region=COUNTY)
    assert supervisor.get(f"/tasks/{accept.id}").status_code == 200  # on wang's behalf

    case_page = center.get(f"/cases/{received.case_id}").get_data(as_text=True)
    assert "调解员：王调解" in case_page
    assert "王调解（人民调解员，大满镇人民调解委员会）" in case_page  # the history's pick


def test_a_lawyer_without_an_account_is_served_by_his_organisations_mediators(
    assigning, web_engine
):
    received, task, center, roster, mediators = assigning
    center.post(
        f"/tasks/{task.id}",
        data={"assign_decision": "指派", "mediator_entry": str(roster["陈律师"])},
    )
    accept = only_ready(web_engine, received.instance_id, "accept")
    assert accept.assignee is None
    for name in ("tj01.clerk", "wang.tj"):  # both of 大满镇人民调解委员会
        assert mediators[name].get(f"/tasks/{accept.id}").status_code == 200
