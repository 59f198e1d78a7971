"""No input ends in a 500 (issue 16): each input the fuzz and the testers found is a 4xx
naming its field; API errors are problem details; a real failure shows an error id that
the log carries too."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from engine.db import db
from processes.models import Case, Region
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP
from webapp.config import engine_options
from webapp.security import public

from . import test_handoff_api as handoff_api
from .conftest import make_app
from .problem_support import field_errors, is_problem
from .test_handoff_api import _auth, _push, _sender
from .test_intake_window import _form

OTHER_TOWNSHIP = "620702102"
ABOVE_INT4 = "2147483648"

api_engine = handoff_api.api_engine  # the API tests' fixtures: a stub case_main, a court
court = handoff_api.court


def _cases(engine) -> int:
    with engine.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Case))


def _raw_push(client, token: str, text: str):
    return client.post(
        "/api/v1/matters", data=text, content_type="application/json", headers=_auth(token)
    )


# -- the API: text, numbers, JSON, sizes ------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"summary": "院墙漏水\u0000发生争执"}, "summary"),
        ({"parties": [{"role": "申请人", "name": "张\u0000三"}]}, "parties/0/name"),
        ({"place": "x" * 10}, None),  # control: an ordinary push goes through
    ],
)
def test_a_nul_in_any_text_field_is_422_naming_it(client, api_engine, court, changes, field):
    _, token = court
    response = client.post("/api/v1/matters", json=_push(**changes), headers=_auth(token))
    if field is None:
        assert response.status_code == 201
        return
    assert is_problem(response, 422, "invalid")
    assert "空字符" in field_errors(response.json)[field][0]
    assert _cases(api_engine) == 0


def test_a_lone_surrogate_is_422_naming_its_field(client, api_engine, court):
    _, token = court
    text = json.dumps(_push(), ensure_ascii=False).replace('"张三"', '"\\ud800张三"')
    response = _raw_push(client, token, text)
    assert is_problem(response, 422, "invalid")
    assert "代理项" in field_errors(response.json)["parties/0/name"][0]
    assert _cases(api_engine) == 0


@pytest.mark.parametrize("amount", ["1e20", "1e400", "Infinity", "-Infinity", "NaN"])
def test_an_amount_out_of_range_or_not_finite_is_422_naming_amount(
    client, api_engine, court, amount
):
    _, token = court
    text = json.dumps(_push(amount=1)).replace('"amount": 1', f'"amount": {amount}')
    response = _raw_push(client, token, text)
    assert is_problem(response, 422, "invalid")
    assert list(field_errors(response.json)) == ["amount"]
    assert _cases(api_engine) == 0


def test_the_largest_amount_the_column_holds_is_taken(client, api_engine, court):
    _, token = court
    response = client.post(
        "/api/v1/matters", json=_push(amount=999999999999.99), headers=_auth(token)
    )
    assert response.status_code == 201


def test_deeply_nested_json_is_400_not_a_crash(client, api_engine, court):
    _, token = court
    for depth in (100, 100_000):
        nested = '{"external_id": "X-1", "summary": ' + "[" * depth + "]" * depth + "}"
        response = _raw_push(client, token, nested)
        assert is_problem(response, 400, "not_json"), depth
        assert "嵌套" in response.json["detail"]


def test_a_body_over_the_limit_is_413_before_it_is_read(client, api_engine, court):
    _, token = court
    big = b'{"summary": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/v1/matters", data=big, content_type="application/json", headers=_auth(token)
    )
    assert is_problem(response, 413, "too_large")
    assert _cases(api_engine) == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"after={ABOVE_INT4}", "after"),
        ("after=²", "after"),
        ("after=１２", "after"),
        ("limit=²", "limit"),
    ],
)
def test_query_integers_are_ascii_and_within_int4(client, api_engine, court, query, field):
    _, token = court
    response = client.get(f"/api/v1/results?{query}", headers=_auth(token))
    assert is_problem(response, 400, "bad_query")
    assert list(field_errors(response.json)) == [field]
    assert client.get("/api/v1/results?after=2147483647", headers=_auth(token)).status_code == 200


def test_a_nul_in_the_path_or_query_is_400_naming_it(client, api_engine, court):
    _, token = court
    in_path = client.get("/api/v1/matters/GD%00-1", headers=_auth(token))
    assert is_problem(in_path, 400, "bad_input")
    assert list(field_errors(in_path.json)) == ["external_id"]
    in_query = client.get("/api/v1/results?after=1%00", headers=_auth(token))
    assert is_problem(in_query, 400, "bad_input")
    assert list(field_errors(in_query.json)) == ["after"]


def test_api_errors_are_problem_details_never_html(client, api_engine, court):
    _, token = court
    missing = client.get("/api/v1/nothing", headers=_auth(token))
    assert is_problem(missing, 404, "not_found")
    wrong_method = client.delete("/api/v1/matters", headers=_auth(token))
    assert is_problem(wrong_method, 405, "method_not_allowed")
    assert "POST" in wrong_method.headers["Allow"]


# -- senders are held to their region ---------------------------------------------------------
@pytest.fixture
def township_police(api_engine):
    with api_engine.session_factory() as session:
        session.add(Region(code=OTHER_TOWNSHIP, name="沙井镇", level="镇", parent_code=COUNTY))
        session.commit()
    return _sender(api_engine, "police-daman", channel="警调", region_code=TOWNSHIP)


def test_a_sender_cannot_push_into_another_township(client, api_engine, township_police):
    _, token = township_police
    outside = client.post(
        "/api/v1/matters", json=_push(region_code=OTHER_TOWNSHIP), headers=_auth(token)
    )
    assert is_problem(outside, 422, "invalid")
    assert "不在本来源单位的辖区内" in field_errors(outside.json)["region_code"][0]
    county = client.post("/api/v1/matters", json=_push(region_code=COUNTY), headers=_auth(token))
    assert is_problem(county, 422, "invalid")  # above its township is outside it too
    assert _cases(api_engine) == 0
    inside = client.post("/api/v1/matters", json=_push(region_code=GRID), headers=_auth(token))
    assert inside.status_code == 201


# -- pages: path and query integers, text ----------------------------------------------------
@pytest.fixture
def clerk(web_engine, login_as):
    return login_as("wang", "镇综治中心", region=TOWNSHIP)


@pytest.mark.parametrize(
    "url",
    [
        "/cases/99999999999",
        f"/cases/{ABOVE_INT4}",
        "/cases/%C2%B2",
        "/intake/99999999999/receipt",
    ],
)
def test_an_id_beyond_int4_or_not_ascii_is_a_404_page(clerk, url):
    response = clerk.get(url)
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_the_audit_replay_of_an_id_beyond_int4_is_404(web_engine, login_as):
    client = login_as("shen", "审计")
    assert client.get("/audit/cases/99999999999/replay").status_code == 404
    assert client.get(f"/audit/cases/{ABOVE_INT4}/replay").status_code == 404
    assert client.get(f"/audit?version={ABOVE_INT4}&after=²").status_code == 200


@pytest.mark.parametrize("url", ["/tasks/?page=²", "/cases?page=²", "/cases?page=99999999999"])
def test_a_page_number_that_is_not_ascii_digits_is_page_one(clerk, url):
    assert clerk.get(url).status_code == 200


def test_designer_version_numbers_in_superscript_are_400(web_engine, login_as):
    designer = login_as("she", "流程设计")
    assert designer.get("/designer/diff?old=²&new=1").status_code == 400
    assert designer.get(f"/designer/diff?old={ABOVE_INT4}&new=1").status_code == 400


def test_a_report_page_number_in_superscript_is_page_one(web_engine, login_as):
    reports = login_as("tong", "县综治中心", region=COUNTY)
    assert reports.get("/reports/snapshots?page=²").status_code == 200


def test_a_nul_in_the_intake_form_is_400_naming_the_field(clerk, web_engine):
    response = clerk.post("/intake/new", data=_form(summary="两户因院墙\x00漏水发生争执"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and _cases(web_engine) == 0
    assert "「纠纷简要情况」含有空字符" in page
    party = clerk.post("/intake/new", data=_form(**{"party-1-name": "李\x00四"}))
    assert party.status_code == 400
    assert "「当事人 2 · 姓名（名称）」" in party.get_data(as_text=True)


def test_an_amount_beyond_the_column_is_named_on_the_intake_form(clerk, web_engine):
    response = clerk.post("/intake/new", data=_form(amount="1e20"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _cases(web_engine) == 0
    assert 'id="err-amount">不能大于' in page
    for bad in ("NaN", "Infinity", "1e400"):
        response = clerk.post("/intake/new", data=_form(amount=bad))
        assert response.status_code == 422, bad
        assert 'id="err-amount">请输入数字' in response.get_data(as_text=True)


def test_acknowledged_cases_in_superscript_are_ignored(clerk, web_engine):
    response = clerk.post("/intake/new", data=_form(acknowledged="²,99999999999"))
    assert response.status_code == 302


# -- a real failure: an error id on the page and in the log ------------------------------------
@pytest.fixture
def failing_app(tmp_path):
    app = make_app(tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @public
    def explode():
        raise RuntimeError("boom: internal detail")

    app.add_url_rule("/boom", "boom", explode)
    app.add_url_rule("/api/boom", "api_boom", explode)
    return app


def test_an_unexpected_error_shows_an_id_the_log_also_has(failing_app, caplog):
    client = failing_app.test_client()
    with caplog.at_level(logging.ERROR, logger="webapp.errors"):
        page = client.get("/boom")
        api = client.get("/api/boom")
    text = page.get_data(as_text=True)
    assert page.status_code == 500 and "系统出错" in text
    assert "boom" not in text and "RuntimeError" not in text
    assert is_problem(api, 500, "server_error") and "boom" not in api.get_data(as_text=True)
    logged = caplog.text
    assert api.json["error_id"] in logged and api.json["error_id"] in api.json["detail"]
    page_id = text.split('class="error-id">')[1].split("<")[0]
    assert page_id in logged and page_id != api.json["error_id"]
    assert "RuntimeError: boom" in logged


# -- a dropped connection --------------------------------------------------------------------
def test_pooled_connections_are_pinged_before_use(app):
    """SQLite pings every checkout; PostgreSQL only a connection that may be dead
    (``tests/web/test_pool_ping.py`` ends connections under the pool)."""
    assert engine_options("postgresql+psycopg://u@h/db")["pool_pre_ping"] is False
    assert engine_options("sqlite:///x.db")["pool_pre_ping"] is True
    with app.app_context():
        assert db.engine.pool._pre_ping is (db.engine.dialect.name == "sqlite")
