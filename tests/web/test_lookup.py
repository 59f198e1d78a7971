"""进度查询: a party sees their case's progress with its code and the last four digits of
their phone, nobody's personal data, the same answer for a wrong code and wrong digits,
and a rate limit per address and per code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import Actor
from processes.deadlines import local
from processes.intake import receive_case
from processes.models import Case
from tests.processes.conftest import GRID, TOWNSHIP
from webapp.limits import limiter

CLERK = Actor.of("window.clerk", ["镇综治中心"])
CENTER = Actor.of("center.staff", ["镇综治中心"])
SUMMARY = "两户因院墙漏水发生争执，已多次协商未果"
NEUTRAL = "未查到相符的案件"


@pytest.fixture(autouse=True)
def fresh_limits(app):
    with app.app_context():
        limiter.reset()
    yield
    with app.app_context():
        limiter.reset()


@pytest.fixture
def case(web_engine):
    """A window case assessed as an ordinary dispute: on the ladder at the village level."""
    received = receive_case(
        web_engine,
        {
            "channel": "窗口",
            "dispute_type": "02",
            "summary": SUMMARY,
            "region_code": GRID,
            "risk_colour": "黄",
            "parties": [
                {"role": "申请人", "name": "张三", "phone": "138-1234-5678"},
                {"role": "被申请人", "name": "李四", "phone": "13900001111"},
            ],
        },
        actor=CLERK,
    )
    (assess,) = [t for t in web_engine.ready_tasks(CENTER) if t.instance_id == received.instance_id]
    web_engine.complete(
        assess.id,
        {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"},
        actor=CENTER,
    )
    return received


def _ask(client, code: str, tail: str):
    return client.post("/chaxun", data={"code": code, "tail": tail})


def test_the_form_is_public_and_takes_the_code_from_the_link(client, case):
    page = client.get(f"/chaxun?code={case.code}").get_data(as_text=True)

    assert f'value="{case.code}"' in page
    assert 'name="tail"' in page and 'name="csrf_token"' in page
    assert "退出登录" not in page and "我的待办" not in page


def test_a_party_sees_the_progress_of_their_case(client, case, web_engine):
    response = _ask(client, case.code, "5678")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert case.code in page and "2026-03-02" in page and "邻里纠纷" in page
    assert "办理中（村（社区）人民调解委员会办理）" in page
    with web_engine.session_factory() as session:
        due = session.scalar(select(Case.due_at).where(Case.id == case.case_id))
    assert due is not None and f"<dt>办理时限</dt><dd>{local(due):%Y-%m-%d}</dd>" in page
    for milestone in ("受理登记", "分流：按“四级七天”逐级调处", "转由村（社区）人民调解委员会办理"):
        assert milestone in page


def test_the_other_partys_digits_work_too(client, case):
    assert "案件办理进度" in _ask(client, case.code, "1111").get_data(as_text=True)


def test_nobodys_personal_data_staff_or_notes_are_shown(client, case):
    page = _ask(client, case.code, "5678").get_data(as_text=True)

    for secret in ("张三", "李四", "张*", "李*", "13812345678", "138-1234-5678", "138****5678"):
        assert secret not in page
    for internal in ("window.clerk", "center.staff", SUMMARY, "一般纠纷"):
        assert internal not in page


def test_wrong_digits_and_an_unknown_code_get_the_same_answer(client, case):
    wrong_digits = _ask(client, case.code, "0000")
    unknown_code = _ask(client, case.code[:-1] + "9", "5678")

    assert wrong_digits.status_code == unknown_code.status_code == 200
    for response in (wrong_digits, unknown_code):
        page = response.get_data(as_text=True)
        assert NEUTRAL in page and "案件办理进度" not in page
    other = case.code[:-1] + "9"
    pages = [
        r.get_data(as_text=True).replace(case.code, "").replace(other, "")
        for r in (wrong_digits, unknown_code)
    ]
    assert pages[0] == pages[1]


def test_digits_must_be_four(client, case):
    response = _ask(client, case.code, "56789")

    assert response.status_code == 422
    assert "后 4 位数字" in response.get_data(as_text=True)


def test_lookups_from_one_address_are_limited(client, case):
    for _ in range(10):
        assert _ask(client, case.code, "5678").status_code == 200

    limited = _ask(client, case.code, "5678")

    assert limited.status_code == 429
    assert "查询过于频繁" in limited.get_data(as_text=True)
    assert client.get("/chaxun").status_code == 200  # the form itself is not counted


def test_failed_tries_on_one_code_are_limited_whatever_the_address(app, client, case, monkeypatch):
    monkeypatch.setitem(app.config, "ZONGZHI_LOOKUP_CODE_LIMIT", "3 per day")
    for _ in range(4):  # successes do not count
        assert _ask(client, case.code, "5678").status_code == 200
    for number, address in enumerate(("10.0.0.1", "10.0.0.2", "10.0.0.3")):
        response = client.post(
            "/chaxun",
            data={"code": case.code, "tail": f"000{number}"},
            environ_overrides={"REMOTE_ADDR": address},
        )
        assert response.status_code == 200

    blocked = client.post(
        "/chaxun",
        data={"code": case.code, "tail": "5678"},
        environ_overrides={"REMOTE_ADDR": "10.0.0.4"},
    )

    assert blocked.status_code == 429


def test_a_logged_in_user_sees_no_internal_menu(web_engine, login_as, case):
    client = login_as("wang", "镇综治中心", region=TOWNSHIP)

    page = client.get("/chaxun").get_data(as_text=True)

    assert "我的待办" not in page and "受理登记" not in page and "退出登录" not in page
