"""受理回执: what the window hands the citizen after registering a walk-in (center, case
code and QR code, when, what, the applicant's name masked, how to look the case up, the
center's phone), in an A4 and an 80 mm layout; reprinted from the case page. It carries no
phone, ID number, address or summary of anyone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from processes.models import Case
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP
from tests.web.tasks_support import OTHER_TOWNSHIP, add_other_township, client_for
from webapp.config import ConfigError, center_phones, load_config

PHONE, ID_NUMBER, ADDRESS = "13812345678", "620702199001011234", "大满村三社 12 号"
WALK_IN = {
    "channel": "窗口",
    "dispute_type": "02",
    "summary": "张三与李四因院墙漏水发生争执",
    "request": "请求调解，修缮院墙",
    "region_code": GRID,
    "people_count": "2",
    "risk_colour": "黄",
    "party-0-role": "申请人",
    "party-0-name": "张三丰",
    "party-0-phone": PHONE,
    "party-0-id_number": ID_NUMBER,
    "party-0-address": ADDRESS,
    "party-1-role": "被申请人",
    "party-1-name": "李四",
    "party-1-phone": "13900001111",
}


@pytest.fixture
def clerk(web_engine, login_as):
    return login_as("wang", "镇综治中心", region=TOWNSHIP)


@pytest.fixture
def phones(app):
    """Sets ``ZONGZHI_CENTER_PHONE`` (as parsed) for one test."""
    before = app.config.get("ZONGZHI_CENTER_PHONE")

    def configure(raw: str) -> None:
        app.config["ZONGZHI_CENTER_PHONE"] = center_phones(raw)

    yield configure
    app.config["ZONGZHI_CENTER_PHONE"] = before


def register(clerk, web_engine, **changes: Any) -> tuple[Case, Any]:
    response = clerk.post("/intake/new", data={**WALK_IN, **changes})
    assert response.status_code == 302
    with web_engine.session_factory() as session:
        case = session.scalars(select(Case).order_by(Case.id.desc())).first()
    return case, response


def text(response) -> str:
    return response.get_data(as_text=True)


def receipt_text(page: str) -> str:
    found = re.search(r'<article class="receipt.*?</article>', page, re.S)
    assert found, "no receipt on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip()


def test_a_walk_in_lands_on_its_receipt(clerk, web_engine, phones):
    phones("0936-8212345")
    case, response = register(clerk, web_engine)

    assert response.headers["Location"] == f"/intake/{case.id}/receipt"
    page = text(clerk.get(response.headers["Location"]))
    slip = receipt_text(page)
    assert slip.startswith("大满镇综治中心 受理回执")
    assert f"案件编号（一案一码） {case.code}" in slip
    assert "受理时间 2026-03-02 09:00" in slip and "来源渠道 窗口" in slip
    assert "纠纷类型 邻里纠纷" in slip and "申请人 张**" in slip
    assert "http://localhost/chaxun" in slip and "案件编号 + 手机号后 4 位" in slip
    assert "咨询电话： 0936-8212345" in slip
    assert re.search(r'<svg [^>]*class="case-qr"', page)  # the QR code, drawn inline
    assert f'href="/cases/{case.id}"' in page  # on to the case


def test_the_receipt_carries_no_personal_data_beyond_the_masked_name(clerk, web_engine):
    case, _response = register(clerk, web_engine)
    page = text(clerk.get(f"/intake/{case.id}/receipt"))
    slip = receipt_text(page)
    for kept_out in (PHONE, "138****5678", "5678", ID_NUMBER, "6207**", ADDRESS, "李四", "李*"):
        assert kept_out not in slip, kept_out
    assert "张三丰" not in page and "院墙漏水" not in slip


@pytest.mark.parametrize(
    ("paper", "layout"), [("a4", "a4"), ("80mm", "80mm"), ("", "a4"), ("letter", "a4")]
)
def test_two_layouts_one_chosen_by_the_paper_link(clerk, web_engine, paper, layout):
    case, _response = register(clerk, web_engine)
    page = text(clerk.get(f"/intake/{case.id}/receipt?paper={paper}"))
    assert f'<article class="receipt receipt-{layout}"' in page
    assert f"css/receipt-{layout}.css" in page
    other = "80mm" if layout == "a4" else "a4"
    assert f"css/receipt-{other}.css" not in page
    assert f'href="/intake/{case.id}/receipt?paper=80mm"' in page  # both offered
    assert f'href="/intake/{case.id}/receipt?paper=a4"' in page


def test_the_print_styles_size_each_paper(app):
    static = app.static_folder
    with open(f"{static}/css/receipt-a4.css", encoding="utf-8") as a4:
        assert "size: A4;" in a4.read()
    with open(f"{static}/css/receipt-80mm.css", encoding="utf-8") as roll:
        css = roll.read()
    assert "size: 80mm 297mm;" in css and "width: 72mm;" in css


def test_no_phone_configured_the_clerk_is_told_and_nothing_printed(clerk, web_engine, phones):
    phones("")
    case, _response = register(clerk, web_engine)
    page = text(clerk.get(f"/intake/{case.id}/receipt"))
    assert "咨询电话" not in receipt_text(page)
    assert "未设置中心咨询电话" in page and "ZONGZHI_CENTER_PHONE" in page


def test_a_regions_own_phone_wins_over_the_default(clerk, web_engine, phones):
    phones(f"0936-1111111;{COUNTY}=0936-2222222;{TOWNSHIP}=0936-3333333")
    case, _response = register(clerk, web_engine)
    assert "0936-3333333" in receipt_text(text(clerk.get(f"/intake/{case.id}/receipt")))
    phones(f"0936-1111111;{COUNTY}=0936-2222222")
    assert "0936-2222222" in receipt_text(text(clerk.get(f"/intake/{case.id}/receipt")))


def test_a_county_clerk_receipt_names_the_county_center(web_engine, login_as):
    county = login_as("xian", "县综治中心", region=COUNTY)
    case, _response = register(county, web_engine)
    assert receipt_text(text(county.get(f"/intake/{case.id}/receipt"))).startswith(
        "甘州区综治中心 受理回执"
    )


def test_other_channels_open_the_case_page(clerk, web_engine):
    case, response = register(clerk, web_engine, channel="网格上报")
    assert response.headers["Location"] == f"/cases/{case.id}"


def test_the_case_page_offers_a_reprint_to_the_window(clerk, web_engine, app):
    case, _response = register(clerk, web_engine, channel="网格上报")
    assert f'href="/intake/{case.id}/receipt">打印受理回执' in text(clerk.get(f"/cases/{case.id}"))
    village = client_for(app, "cun", "村调委会", region=TOWNSHIP)
    assert "打印受理回执" not in text(village.get(f"/cases/{case.id}"))
    assert village.get(f"/intake/{case.id}/receipt").status_code == 403


def test_a_case_outside_the_clerks_area_has_no_receipt(clerk, web_engine, app):
    case, _response = register(clerk, web_engine)
    add_other_township(web_engine)
    other = client_for(app, "sha", "镇综治中心", region=OTHER_TOWNSHIP)
    assert other.get(f"/intake/{case.id}/receipt").status_code == 404


def test_a_bad_phone_setting_is_refused_with_the_reason():
    assert center_phones("") == {}
    assert center_phones("0936-1") == {"": "0936-1"}
    assert center_phones(" 620702 = 0936-2 ; 0936-1 ") == {"620702": "0936-2", "": "0936-1"}
    for bad in ("620702=", "大满镇=0936-1", "0936-1;0936-2", "620702=1;620702=2"):
        with pytest.raises(ConfigError, match="ZONGZHI_CENTER_PHONE 无效"):
            center_phones(bad)


def test_the_phone_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ZONGZHI_CENTER_PHONE", f"0936-1;{TOWNSHIP}=0936-2")
    config = load_config(str(tmp_path), {"SECRET_KEY": "k"})
    assert config["ZONGZHI_CENTER_PHONE"] == {"": "0936-1", TOWNSHIP: "0936-2"}
    monkeypatch.setenv("ZONGZHI_CENTER_PHONE", "=")
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), {"SECRET_KEY": "k"})
