"""The hand-off API (``/api/v1``) and ``zongzhi senders``: idempotent pushes, field-named
rejections that store nothing, bearer tokens, result polling, the OpenAPI document."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from engine.models import HistoryEvent, Instance
from processes import handoff
from processes.engine_factory import build_engine
from processes.handoff import create_sender, hash_token, push_schema, receive_push
from processes.models import (
    Case,
    CaseCodeCounter,
    HandoffInbound,
    HandoffSender,
    OutboxMessage,
    Party,
    Region,
)
from processes.outbox import enqueue_result
from tests.processes.conftest import COUNTY, GRID, REGIONS
from webapp.cli import cli
from webapp.engine_binding import EXTENSION_KEY

from .problem_support import field_errors, is_problem

STUB = Path(__file__).parent / "fixtures" / "case_main_stub.bpmn"
COURT_CASE_NO = "(2026)甘0702民诉前调123号"


@pytest.fixture
def api_engine(app, sa_engine, clock):
    """The app's engine on the manual clock, with the stub ``case_main`` deployed."""
    engine = build_engine(sessionmaker(bind=sa_engine, expire_on_commit=False), clock=clock)
    with engine.session_factory() as session:
        session.add_all(
            Region(code=c, name=n, level=lv, parent_code=p, active=True) for c, n, lv, p in REGIONS
        )
        session.commit()
    engine.deploy([STUB], actor="tester", note="stub")
    previous = app.extensions.get(EXTENSION_KEY)
    app.extensions[EXTENSION_KEY] = engine
    yield engine
    app.extensions[EXTENSION_KEY] = previous


def _sender(engine, code: str, channel: str = "诉调", **options) -> tuple[HandoffSender, str]:
    with engine.session_factory() as session:
        sender, token = create_sender(
            session,
            code=code,
            name=f"{code} 单位",
            channel=channel,
            region_code=options.pop("region_code", COUNTY),
            **options,
        )
        session.commit()
        return sender, token


@pytest.fixture
def court(api_engine) -> tuple[HandoffSender, str]:
    return _sender(api_engine, "court-ganzhou", callback_url="https://court.example/cb")


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _push(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": COURT_CASE_NO,
        "dispute_type": "04",
        "summary": "买卖合同货款纠纷，申请人要求支付货款",
        "risk_colour": "绿",
        "amount": 30000,
        "parties": [
            {"role": "申请人", "name": "张三", "phone": "13812345678"},
            {"role": "被申请人", "name": "某某商贸有限公司"},
        ],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def _counts(engine) -> dict[str, int]:
    models = (Case, Party, Instance, HandoffInbound, CaseCodeCounter, HistoryEvent)
    with engine.session_factory() as session:
        return {
            m.__name__: session.execute(select(func.count()).select_from(m)).scalar()
            for m in models
        }


# -- idempotency ------------------------------------------------------------------------
def test_a_push_makes_a_case_and_the_same_push_again_returns_it(client, api_engine, court):
    sender, token = court
    first = client.post("/api/v1/matters", json=_push(), headers=_auth(token))
    assert first.status_code == 201, first.json
    body = first.json
    assert body["created"] is True and body["status"] == "已受理"
    assert re.fullmatch(rf"{COUNTY}-20260302-\d{{4}}", body["code"])
    assert body["external_id"] == COURT_CASE_NO
    assert first.headers["Location"].startswith("/api/v1/matters/")
    counts = _counts(api_engine)

    again = client.post(
        "/api/v1/matters", json=_push(summary="重复推送，内容稍有不同"), headers=_auth(token)
    )
    assert again.status_code == 200
    assert again.json["created"] is False
    assert (again.json["case_id"], again.json["code"]) == (body["case_id"], body["code"])
    assert _counts(api_engine) == counts
    assert counts["Case"] == counts["HandoffInbound"] == counts["Instance"] == 1

    with api_engine.session_factory() as session:
        case = session.get(Case, body["case_id"])
        assert (case.channel, case.source_ref, case.sender_id) == ("诉调", COURT_CASE_NO, sender.id)
        assert case.region_code == COUNTY  # the sender's region when the push names none
        assert case.summary == "买卖合同货款纠纷，申请人要求支付货款"  # the first push wins
        assert case.received_by == "handoff:court-ganzhou"


def test_the_same_id_from_another_sender_is_another_case(client, api_engine, court):
    _, court_token = court
    _, police_token = _sender(api_engine, "police-ganzhou", channel="警调")
    a = client.post("/api/v1/matters", json=_push(), headers=_auth(court_token))
    b = client.post("/api/v1/matters", json=_push(region_code=GRID), headers=_auth(police_token))
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json["case_id"] != b.json["case_id"]
    with api_engine.session_factory() as session:
        police_case = session.get(Case, b.json["case_id"])
        assert (police_case.channel, police_case.region_code) == ("警调", GRID)


def test_a_concurrent_double_push_is_one_case(api_engine, court, monkeypatch):
    """Both pushes pass the look-up before either commits; the unique (sender,
    external_id) decides, and the loser gets the winner's case."""
    sender, _ = court
    barrier = threading.Barrier(2, timeout=10)
    seen = threading.local()
    real_existing = handoff._existing

    def existing_after_both_looked(*args):
        result = real_existing(*args)
        if not getattr(seen, "looked", False):
            seen.looked = True
            barrier.wait()
        return result

    monkeypatch.setattr(handoff, "_existing", existing_after_both_looked)
    outcomes: list[tuple[int, bool]] = []
    failures: list[BaseException] = []

    def push() -> None:
        try:
            received, created = receive_push(api_engine, sender, _push())
            outcomes.append((received.case_id, created))
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    assert sorted(created for _, created in outcomes) == [False, True]
    assert len({case_id for case_id, _ in outcomes}) == 1
    counts = _counts(api_engine)
    assert counts["Case"] == counts["HandoffInbound"] == counts["Instance"] == 1


# -- bad input --------------------------------------------------------------------------
def test_a_bad_push_names_each_bad_field_and_stores_nothing(client, api_engine, court):
    _, token = court
    before = _counts(api_engine)
    bad = _push(
        external_id=None,
        summary="太短",
        risk_colour="紫",
        channel="窗口",
        parties=[{"role": "申请人", "name": "张三", "phone": "not a phone"}],
        people_count=0,
    )
    response = client.post("/api/v1/matters", json=bad, headers=_auth(token))
    assert response.status_code == 422
    assert is_problem(response, 422, "invalid")
    errors = field_errors(response.json)
    assert set(errors) == {
        "external_id",
        "summary",
        "risk_colour",
        "channel",
        "parties/0/phone",
        "people_count",
    }
    assert errors["external_id"] == ["必填"]
    assert errors["summary"] == ["至少 5 个字"]
    assert errors["channel"] == ["不是可接受的字段"]
    assert errors["parties/0/phone"] == ["格式不正确"]
    assert _counts(api_engine) == before


def test_unknown_references_are_named_and_roll_back_the_whole_intake(client, api_engine, court):
    """Region and dispute type are checked inside the intake transaction: the instance
    row already written there is rolled back with everything else."""
    _, token = court
    before = _counts(api_engine)
    response = client.post(
        "/api/v1/matters",
        json=_push(region_code="999999", dispute_type="99"),
        headers=_auth(token),
    )
    assert response.status_code == 422
    errors = field_errors(response.json)
    assert set(errors) == {"region_code", "dispute_type"}
    assert "999999" in errors["region_code"][0]
    assert _counts(api_engine) == before
    fixed = client.post("/api/v1/matters", json=_push(), headers=_auth(token))
    assert fixed.status_code == 201  # the rejected push did not claim its external_id


@pytest.mark.parametrize(
    ("data", "content_type", "code"),
    [
        ("{not json", "application/json", "not_json"),
        ("external_id=1", "application/x-www-form-urlencoded", "not_json"),
        ("[1, 2]", "application/json", "not_object"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(
    client, api_engine, court, data, content_type, code
):
    _, token = court
    before = _counts(api_engine)
    response = client.post(
        "/api/v1/matters", data=data, content_type=content_type, headers=_auth(token)
    )
    assert response.status_code == 400
    assert is_problem(response, 400, code)
    assert _counts(api_engine) == before


# -- auth -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer zzh_wrong", "Basic dXNlcjpwYXNz", "zzh_no_scheme"],
)
def test_without_a_valid_token_every_route_is_401(client, api_engine, court, header):
    headers = {"Authorization": header} if header else {}
    before = _counts(api_engine)
    for method, url in (
        ("post", "/api/v1/matters"),
        ("get", f"/api/v1/matters/{COURT_CASE_NO}"),
        ("get", "/api/v1/results"),
    ):
        kwargs = {"json": _push()} if method == "post" else {}
        response = getattr(client, method)(url, headers=headers, **kwargs)
        assert response.status_code == 401, url
        assert is_problem(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _counts(api_engine) == before


def test_only_the_tokens_hash_is_stored(api_engine, court):
    sender, token = court
    with api_engine.session_factory() as session:
        row = session.get(HandoffSender, sender.id)
        assert row.token_hash == hash_token(token) and token not in row.token_hash
        assert handoff.authenticate(session, token).id == sender.id
        assert handoff.authenticate(session, token + "x") is None


# -- reading back -----------------------------------------------------------------------------
def test_matter_status_by_the_senders_own_id(client, api_engine, court):
    _, token = court
    odd_id = "甘公(刑)警情/2026-0001"
    created = client.post("/api/v1/matters", json=_push(external_id=odd_id), headers=_auth(token))
    assert created.status_code == 201
    status = client.get(created.headers["Location"], headers=_auth(token))
    assert status.status_code == 200
    assert status.json["code"] == created.json["code"]
    assert status.json["status"] == "已受理" and status.json["result"] is None
    assert "parties" not in status.json

    _, other_token = _sender(api_engine, "petition", channel="访调")
    assert client.get(created.headers["Location"], headers=_auth(other_token)).status_code == 404
    missing = client.get("/api/v1/matters/nothing-here", headers=_auth(token))
    assert missing.status_code == 404 and "nothing-here" in missing.json["detail"]


def test_results_are_polled_oldest_first_with_a_cursor(client, api_engine, clock, court):
    _, token = court
    _, other_token = _sender(api_engine, "hotline", channel="12345")
    pushed = client.post("/api/v1/matters", json=_push(), headers=_auth(token)).json
    with api_engine.session_factory() as session:
        case = session.get(Case, pushed["case_id"])
        for kind in ("签收", "调解成功", "回访"):
            enqueue_result(session, case, kind=kind, payload={"outcome": kind}, now=clock.now())
        session.commit()

    page = client.get("/api/v1/results?limit=2", headers=_auth(token))
    assert page.status_code == 200
    assert [r["kind"] for r in page.json["results"]] == ["签收", "调解成功"]
    assert page.json["has_more"] is True
    first = page.json["results"][0]
    assert first["external_id"] == COURT_CASE_NO and first["case_code"] == pushed["code"]
    assert first["delivery_status"] == "pending" and first["payload"]["outcome"] == "签收"

    rest = client.get(f"/api/v1/results?after={page.json['next']}", headers=_auth(token))
    assert [r["kind"] for r in rest.json["results"]] == ["回访"]
    assert rest.json["has_more"] is False
    end = client.get(f"/api/v1/results?after={rest.json['next']}", headers=_auth(token))
    assert end.json == {"results": [], "next": rest.json["next"], "has_more": False}

    assert client.get("/api/v1/results", headers=_auth(other_token)).json["results"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("after=-1", "after"), ("after=x", "after"), ("limit=0", "limit"), ("limit=201", "limit")],
)
def test_bad_polling_parameters_are_named(client, api_engine, court, query, field):
    _, token = court
    response = client.get(f"/api/v1/results?{query}", headers=_auth(token))
    assert response.status_code == 400
    assert is_problem(response, 400, "bad_query")
    assert list(field_errors(response.json)) == [field]


# -- the OpenAPI document --------------------------------------------------------------------
def _openapi_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_the_openapi_document_describes_every_route(app, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.json
    assert doc["openapi"].startswith("3.1")
    described = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert described == _openapi_routes(app)
    assert doc["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_the_openapi_schemas_are_valid_and_match_the_push_form(client):
    doc = client.get("/api/openapi.json").json
    schemas = doc["components"]["schemas"]
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    push = schemas["Push"]
    assert list(push["properties"]) == list(push_schema()["properties"])
    assert sorted(push["required"]) == sorted(push_schema()["required"])
    amount = push_schema()["properties"]["amount"]
    assert push["properties"]["amount"]["maximum"] == amount["maximum"]

    registry = Registry().with_resource("urn:api", DRAFT202012.create_resource(doc))
    for media in _examples(doc):
        schema = media["schema"]
        if "$ref" in schema:
            schema = {"$ref": "urn:api" + schema["$ref"]}
        Draft202012Validator(schema, registry=registry).validate(media["example"])


def _examples(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every media entry with an example, in request bodies and (shared) responses."""
    shared = doc["components"]["responses"]
    found = []
    for item in doc["paths"].values():
        for operation in item.values():
            for body in [operation.get("requestBody", {}), *operation["responses"].values()]:
                if "$ref" in body:
                    body = shared[body["$ref"].rsplit("/", 1)[-1]]
                found += [m for m in body.get("content", {}).values() if "example" in m]
    return found


# -- zongzhi senders ---------------------------------------------------------------------------
def test_senders_cli_create_list_disable(app, client, api_engine):
    runner = app.test_cli_runner()
    created = runner.invoke(
        cli,
        [
            "senders",
            "create",
            "court-1",
            "--name",
            "甘州区人民法院",
            "--channel",
            "诉调",
            "--region",
            COUNTY,
            "--callback-url",
            "https://court.example/cb",
        ],
    )
    assert created.exit_code == 0, created.output
    token = created.output.split("：")[-1].strip()
    assert token.startswith("zzh_")
    assert client.get("/api/v1/results", headers=_auth(token)).status_code == 200

    listed = runner.invoke(cli, ["senders", "list"])
    assert (
        "court-1" in listed.output and "甘州区人民法院" in listed.output and "启用" in listed.output
    )

    disabled = runner.invoke(cli, ["senders", "disable", "court-1"])
    assert disabled.exit_code == 0, disabled.output
    assert client.get("/api/v1/results", headers=_auth(token)).status_code == 401
    assert "停用" in runner.invoke(cli, ["senders", "list"]).output

    with api_engine.session_factory() as session:
        events = (
            session.execute(
                select(HistoryEvent)
                .where(HistoryEvent.event_type == "sender_changed")
                .order_by(HistoryEvent.seq)
            )
            .scalars()
            .all()
        )
    assert [e.data["action"] for e in events] == ["create", "disable"]
    assert all(token not in str(e.data) and hash_token(token) not in str(e.data) for e in events)


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["--channel", "窗口", "--region", COUNTY], 2, "窗口"),
        (["--channel", "诉调", "--region", "000000"], 1, "区划代码 000000 不存在"),
        (["--channel", "诉调", "--region", COUNTY, "--callback-url", "ftp://x"], 1, "回调地址"),
    ],
)
def test_senders_cli_rejects_bad_input(app, api_engine, args, exit_code, message):
    result = app.test_cli_runner().invoke(
        cli, ["senders", "create", "x", "--name", "某单位", *args]
    )
    assert result.exit_code == exit_code
    assert message in result.output
    with api_engine.session_factory() as session:
        assert session.execute(select(func.count()).select_from(HandoffSender)).scalar() == 0


def test_senders_cli_refuses_a_duplicate_code(app, api_engine, court):
    result = app.test_cli_runner().invoke(
        cli,
        [
            "senders",
            "create",
            "court-ganzhou",
            "--name",
            "又一个",
            "--channel",
            "诉调",
            "--region",
            COUNTY,
        ],
    )
    assert result.exit_code == 1 and "已存在" in result.output


def test_outbox_rows_survive_for_polling_after_delivery(client, api_engine, clock, court):
    """Delivered results stay readable by polling (with their delivery status)."""
    _, token = court
    pushed = client.post("/api/v1/matters", json=_push(), headers=_auth(token)).json
    with api_engine.session_factory() as session:
        case = session.get(Case, pushed["case_id"])
        message = enqueue_result(
            session, case, kind="退回", payload={"reason": "拒绝调解"}, now=clock.now()
        )
        message.status = "delivered"
        session.commit()
    results = client.get("/api/v1/results", headers=_auth(token)).json["results"]
    assert [(r["kind"], r["delivery_status"]) for r in results] == [("退回", "delivered")]
    with api_engine.session_factory() as session:
        assert session.execute(select(func.count()).select_from(OutboxMessage)).scalar() == 1
