"""The 12345 hotline over the hand-off API: a pushed work order gets its reply as a result
(kind 答复工单), and ``POST /api/v1/matters/<工单号>/verdicts`` takes the hotline's verdict
once (same ``verdict_id`` twice is one), names bad fields (422), refuses a verdict no reply
awaits (409) and a work order the sender never pushed (404)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import Actor
from processes import hotline as verdicts
from processes.handoff import create_sender
from processes.hotline import VERDICT_SCHEMA
from processes.models import Case, HandoffSender, HandoffVerdict, SupervisionRecord
from tests.processes.conftest import COUNTY

from .problem_support import field_errors, is_problem

ORDER_NO = "GD20260302000123"
CENTER = "镇综治中心"
REPLY = {"reply_kind": "办结答复", "reply_text": "已协调疏通排水沟，诉求已解决"}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _sender(engine, code: str, channel: str = "12345") -> str:
    with engine.session_factory() as session:
        _, token = create_sender(
            session, code=code, name=f"{code} 单位", channel=channel, region_code=COUNTY
        )
        session.commit()
    return token


@pytest.fixture
def hotline(web_engine) -> str:
    return _sender(web_engine, "hotline-gz")


def _push(client, token: str, external_id: str = ORDER_NO) -> dict[str, Any]:
    body = {
        "external_id": external_id,
        "dispute_type": "02",
        "summary": "邻居排水沟堵塞，污水漫入院内",
        "risk_colour": "黄",
        "parties": [{"role": "申请人", "name": "张三", "phone": "13812345678"}],
    }
    response = client.post("/api/v1/matters", json=body, headers=_auth(token))
    assert response.status_code == 201, response.json
    return response.json


def _reply(engine, case_id: int) -> None:
    """The township center answers the work order."""
    with engine.session_factory() as session:
        instance_id = session.get(Case, case_id).instance_id
    actor = Actor.of("zhao.center", [CENTER])
    [task] = [
        t
        for t in engine.ready_tasks(actor)
        if t.spec_id == "reply" and t.instance_id == instance_id
    ]
    engine.complete(task.id, REPLY, actor=actor)


@pytest.fixture
def awaiting(client, web_engine, hotline) -> dict[str, Any]:
    """A pushed work order whose first reply went to the hotline and awaits its verdict."""
    pushed = _push(client, hotline)
    _reply(web_engine, pushed["case_id"])
    return pushed


def _verdict(client, token: str, external_id: str = ORDER_NO, **body: Any):
    body = {"verdict_id": "HF-1", "verdict": "认可", **body}
    return client.post(f"/api/v1/matters/{external_id}/verdicts", json=body, headers=_auth(token))


def _count(engine, model) -> int:
    with engine.session_factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar()


def test_the_reply_is_a_result_the_hotline_polls(client, awaiting, hotline):
    results = client.get("/api/v1/results", headers=_auth(hotline)).json["results"]
    [reply] = [r for r in results if r["kind"] == "答复工单"]
    assert reply["external_id"] == ORDER_NO and reply["case_code"] == awaiting["code"]
    payload = reply["payload"]
    assert (payload["outcome"], payload["reason"], payload["round"]) == (
        "办结答复",
        REPLY["reply_text"],
        1,
    )


def test_a_verdict_is_taken_once(client, web_engine, awaiting, hotline):
    first = _verdict(client, hotline, evaluation="满意")
    assert first.status_code == 201, first.json
    body = first.json
    assert body["created"] is True
    assert (body["verdict_id"], body["verdict"], body["evaluation"], body["round"]) == (
        "HF-1",
        "认可",
        "满意",
        1,
    )
    assert (body["external_id"], body["case_code"]) == (ORDER_NO, awaiting["code"])

    again = _verdict(client, hotline, verdict="退回", reason="换了主意")
    assert again.status_code == 200
    assert again.json == {**body, "created": False}  # the verdict as first taken
    assert _count(web_engine, HandoffVerdict) == 1


def test_a_rejection_sends_the_order_back_for_another_reply(client, web_engine, awaiting, hotline):
    response = _verdict(client, hotline, verdict="退回", reason="群众反映仍未解决")
    assert response.status_code == 201
    with web_engine.session_factory() as session:
        [order] = session.scalars(
            select(SupervisionRecord).where(SupervisionRecord.kind == "工作任务交办单")
        ).all()
    assert (order.reason, order.target) == ("回访不满意", CENTER)  # not yet routed: the center
    _reply(web_engine, awaiting["case_id"])
    second = _verdict(client, hotline, verdict_id="HF-2")
    assert (second.status_code, second.json["round"]) == (201, 2)


def test_a_verdict_when_no_reply_awaits_one_is_a_clear_409(client, web_engine, hotline):
    _push(client, hotline)
    response = _verdict(client, hotline)
    assert response.status_code == 409
    assert is_problem(response, 409, "not_awaited")
    assert response.json["detail"] == (
        f"工单 {ORDER_NO} 当前没有等待热线回访结果的答复："
        "答复推送热线之后、回访结果反馈之前才能提交认可或退回"
    )
    assert _count(web_engine, HandoffVerdict) == 0


def test_a_second_verdict_on_an_accepted_reply_is_a_409(client, awaiting, hotline):
    assert _verdict(client, hotline).status_code == 201
    response = _verdict(client, hotline, verdict_id="HF-2", verdict="退回", reason="补充意见")
    assert is_problem(response, 409, "not_awaited")


def test_a_verdict_id_used_for_another_order_is_refused(client, web_engine, awaiting, hotline):
    assert _verdict(client, hotline).status_code == 201
    other = _push(client, hotline, "GD20260302000124")
    _reply(web_engine, other["case_id"])
    response = _verdict(client, hotline, "GD20260302000124")
    assert response.status_code == 409
    assert is_problem(response, 409, "verdict_id_taken")
    assert response.json["detail"] == "回访结果编号 HF-1 已用于另一工单，请使用新的编号"


def test_a_verdict_for_an_unknown_order_is_404(client, web_engine, awaiting, hotline):
    response = _verdict(client, hotline, "GD-NONE")
    assert response.status_code == 404
    assert is_problem(response, 404, "not_found")
    assert response.json["detail"] == "未找到来源编号为 GD-NONE 的推送"
    court = _sender(web_engine, "court-gz", channel="诉调")
    assert _verdict(client, court).status_code == 404  # another sender's order is unknown to it


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"verdict_id": ""}, {"verdict_id": ["至少 1 个字"]}),
        ({"verdict": "不行"}, {"verdict": ["请从以下选项中选择：认可、退回"]}),
        ({"verdict": "退回"}, {"reason": ["必填"]}),
        ({"verdict": "退回", "reason": "差"}, {"reason": ["至少 2 个字"]}),
        ({"evaluation": "很好"}, {"evaluation": ["请从以下选项中选择：满意、基本满意、不满意"]}),
        ({"score": 5}, {"score": ["不是可接受的字段"]}),
    ],
)
def test_bad_fields_are_named_in_chinese_and_nothing_is_taken(
    client, web_engine, awaiting, hotline, body, errors
):
    response = _verdict(client, hotline, **body)
    assert response.status_code == 422
    assert is_problem(response, 422, "invalid") and field_errors(response.json) == errors
    assert _count(web_engine, HandoffVerdict) == 0
    assert _verdict(client, hotline).status_code == 201  # still awaited


def test_missing_fields_and_bodies_that_are_no_object(client, awaiting, hotline):
    response = client.post(f"/api/v1/matters/{ORDER_NO}/verdicts", json={}, headers=_auth(hotline))
    assert response.status_code == 422
    assert field_errors(response.json) == {"verdict_id": ["必填"], "verdict": ["必填"]}
    listed = client.post(f"/api/v1/matters/{ORDER_NO}/verdicts", json=[1], headers=_auth(hotline))
    assert is_problem(listed, 400, "not_object")
    text = client.post(f"/api/v1/matters/{ORDER_NO}/verdicts", data="认可", headers=_auth(hotline))
    assert is_problem(text, 400, "not_json")


def test_a_verdict_needs_a_valid_token(client, web_engine, awaiting):
    url = f"/api/v1/matters/{ORDER_NO}/verdicts"
    body = {"verdict_id": "HF-1", "verdict": "认可"}
    assert client.post(url, json=body).status_code == 401
    wrong = client.post(url, json=body, headers=_auth("zzh_not-a-token"))
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert _count(web_engine, HandoffVerdict) == 0


def test_the_openapi_verdict_matches_what_is_checked(client):
    doc = client.get("/api/openapi.json").json
    described = doc["components"]["schemas"]["Verdict"]
    assert list(described["properties"]) == list(VERDICT_SCHEMA["properties"])
    assert described["required"] == VERDICT_SCHEMA["required"]
    for name, prop in VERDICT_SCHEMA["properties"].items():
        assert described["properties"][name].get("enum") == prop.get("enum"), name
    assert set(doc["paths"]["/api/v1/matters/{external_id}/verdicts"]["post"]["responses"]) == {
        "200",
        "201",
        "400",
        "401",
        "404",
        "409",
        "413",
        "422",
        "500",
    }


def test_a_concurrent_double_verdict_is_taken_once(web_engine, awaiting, hotline, monkeypatch):
    """Both posts find no verdict before either is delivered; the message reaches the case
    once, and the other post answers with the verdict the first one stored."""
    with web_engine.session_factory() as session:
        sender = session.scalars(select(HandoffSender)).one()
    barrier = threading.Barrier(2, timeout=10)
    seen = threading.local()
    real_taken = verdicts._taken

    def taken_after_both_looked(*args):
        result = real_taken(*args)
        if not getattr(seen, "looked", False):
            seen.looked = True
            barrier.wait()
        return result

    monkeypatch.setattr(verdicts, "_taken", taken_after_both_looked)
    outcomes: list[tuple[str, bool]] = []
    failures: list[BaseException] = []

    def post() -> None:
        try:
            body, created = verdicts.receive_verdict(
                web_engine, sender, ORDER_NO, {"verdict_id": "HF-1", "verdict": "认可"}
            )
            outcomes.append((body["verdict_id"], created))
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    assert sorted(outcomes) == [("HF-1", False), ("HF-1", True)]
    assert _count(web_engine, HandoffVerdict) == 1
