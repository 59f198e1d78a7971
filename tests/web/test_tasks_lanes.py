"""我的待办 for a user holding several lanes: each lane's tasks and their own claimed tasks are
read apart (one arm each, ``webapp.tasks.arms.page_rows``) and merged into one list in the
order asked, page by page; the count stops at its cap and says 1,000+ past it."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine.db import db
from engine.models import TaskCandidate, TaskRecord
from processes.models import Case
from tests.conftest import MONDAY_9AM
from tests.web.tasks_support import (
    COUNTY,
    OTHER_VILLAGE,
    TOWNSHIP,
    add_other_township,
    receive,
    set_case,
)
from webapp.scope import descendants, in_scope
from webapp.tasks import service

LANES = ("镇综治中心", "县综治中心")


def codes(page: str) -> list[str]:
    return re.findall(r'class="case-code">\s*(?:<a [^>]*>)?([0-9-]+)', page)


def _place(engine, received, *, lane: str, colour: str, days: float | None, assignee=None) -> str:
    """Put the case's ready task in ``lane`` with a deadline ``days`` ahead (none: without
    a deadline); its code."""
    set_case(engine, received.case_id, risk_colour=colour)
    with engine.session_factory() as session:
        session.execute(
            update(TaskRecord)
            .where(TaskRecord.instance_id == received.instance_id, TaskRecord.status == "ready")
            .values(
                candidate_role=lane,
                lane=lane,
                assignee=assignee,
                due_at=None if days is None else MONDAY_9AM + timedelta(days=days),
            )
        )
        session.commit()
    return received.code


@pytest.fixture
def spread(web_engine):
    """Five tasks: two lanes of the user's, both colours, and one claimed by the user in a
    lane they do not hold; in another township too (the county sees every one)."""
    add_other_township(web_engine)
    e = web_engine

    def case(n: int, **where):
        return receive(e, name=f"当事人{n}", phone=f"1390000000{n}", **where)

    return {
        "red_county": _place(e, case(1), lane="县综治中心", colour="红", days=3),
        "yellow_town": _place(e, case(2), lane="镇综治中心", colour="黄", days=1),
        "green_county": _place(
            e, case(3, region=OTHER_VILLAGE), lane="县综治中心", colour="绿", days=2
        ),
        "red_town": _place(e, case(4), lane="镇综治中心", colour="红", days=4),
        "green_mine": _place(e, case(5), lane="村调委会", colour="绿", days=0.5, assignee="duo"),
    }


def test_several_lanes_and_own_claims_merge_in_deadline_order(spread, login_as):
    client = login_as("duo", *LANES, region=COUNTY)

    page = client.get("/tasks/").get_data(as_text=True)

    order = ["green_mine", "yellow_town", "green_county", "red_county", "red_town"]
    assert codes(page) == [spread[key] for key in order]


def test_sorted_by_risk_red_comes_first_then_by_deadline_across_lanes(spread, login_as):
    client = login_as("duo", *LANES, region=COUNTY)

    page = client.get("/tasks/?sort=risk").get_data(as_text=True)

    order = ["red_county", "red_town", "yellow_town", "green_mine", "green_county"]
    assert codes(page) == [spread[key] for key in order]


def test_pages_of_the_merged_list_follow_on(spread, login_as, monkeypatch):
    monkeypatch.setattr(service, "PER_PAGE", 2)
    client = login_as("duo", *LANES, region=COUNTY)

    pages = [
        codes(client.get(f"/tasks/?sort=risk&page={n}").get_data(as_text=True)) for n in (1, 2, 3)
    ]

    order = ["red_county", "red_town", "yellow_town", "green_mine", "green_county"]
    assert pages == [
        [spread[k] for k in order[:2]],
        [spread[k] for k in order[2:4]],
        [spread["green_county"]],
    ]


def test_past_the_count_cap_the_list_says_1000_plus(spread, login_as, monkeypatch):
    monkeypatch.setattr(service, "COUNT_CAP", 3)
    monkeypatch.setattr(service, "PER_PAGE", 2)
    client = login_as("duo", *LANES, region=COUNTY)

    page = client.get("/tasks/").get_data(as_text=True)

    assert "共 3+ 项" in page and 'rel="next"' in page
    assert "共 4 项" not in page and "共 5 项" not in page


def test_a_scope_of_every_region_asks_for_no_codes(app, spread):
    with app.app_context():
        county = descendants(db.session, COUNTY)
        township = descendants(db.session, "620702101")
        whole = db.session.query(Case).filter(in_scope(Case.region_code, county)).count()

    assert county.everything and not township.everything
    assert "IN" not in str(in_scope(Case.region_code, county))
    assert whole == 5


@pytest.fixture
def undated(spread, web_engine):
    """``spread`` and three tasks without a deadline (red, green, green): last in deadline
    order, last of their colour by risk."""
    e = web_engine

    def case(n: int):
        return receive(e, name=f"当事人{n}", phone=f"1390000000{n}")

    return {
        **spread,
        "red_none": _place(e, case(6), lane="县综治中心", colour="红", days=None),
        "green_none": _place(e, case(7), lane="镇综治中心", colour="绿", days=None),
        "green_none2": _place(e, case(8), lane="县综治中心", colour="绿", days=None),
    }


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', page)
    return html.unescape(found.group(1)) if found else None


def _pages_by_next(client, path: str | None) -> list[list[str]]:
    """The case codes of each page, from ``path`` on by 下一页."""
    pages = []
    while path:
        page = client.get(path).get_data(as_text=True)
        pages.append(codes(page))
        path = _link(page, "next")
    return pages


@pytest.mark.parametrize("sort", ["", "received", "risk"])
def test_next_and_previous_pages_walk_the_whole_list_in_order(undated, login_as, monkeypatch, sort):
    """下一页 reads on from the last row shown (its key in the link, not an offset), across
    the tasks without a deadline and from one colour to the next; 上一页 walks back."""
    client = login_as("duo", *LANES, region=COUNTY)
    whole = codes(client.get(f"/tasks/?sort={sort}").get_data(as_text=True))
    monkeypatch.setattr(service, "PER_PAGE", 2)

    pages, path = [], f"/tasks/?sort={sort}"
    while path:
        page = client.get(path).get_data(as_text=True)
        pages.append(codes(page))
        assert f"第 {len(pages)} 页 / 共 4 页" in page
        path = _link(page, "next")
    back, path = [], _link(page, "prev")
    while path:
        page = client.get(path).get_data(as_text=True)
        back.insert(0, codes(page))
        path = _link(page, "prev")

    assert len(whole) == 8 and [code for p in pages for code in p] == whole
    assert back == pages[:-1]
    undated_codes = {undated[k] for k in ("red_none", "green_none", "green_none2")}
    if sort == "":
        assert set(whole[-3:]) == undated_codes
    if sort == "risk":
        assert whole[2] == undated["red_none"]


@pytest.mark.parametrize("sort", ["", "received", "risk"])
def test_a_townships_pages_walk_its_own_tasks_in_order(undated, login_as, monkeypatch, sort):
    """A township user's arms read their lanes' tasks of its regions (the county's other
    township's task is not among them) and join only a page of them to their cases."""
    client = login_as("duo", *LANES, region=TOWNSHIP)
    whole = codes(client.get(f"/tasks/?sort={sort}").get_data(as_text=True))
    monkeypatch.setattr(service, "PER_PAGE", 2)

    pages = _pages_by_next(client, f"/tasks/?sort={sort}")

    assert len(whole) == 7 and undated["green_county"] not in whole
    assert [code for p in pages for code in p] == whole and len(pages) == 4
    if sort == "":
        assert whole[:2] == [undated["green_mine"], undated["yellow_town"]]


def test_a_task_done_meanwhile_neither_hides_nor_repeats_the_next_ones(
    undated, login_as, monkeypatch, web_engine
):
    monkeypatch.setattr(service, "PER_PAGE", 2)
    client = login_as("duo", *LANES, region=COUNTY)
    first = client.get("/tasks/").get_data(as_text=True)
    with web_engine.session_factory() as session:  # the first row leaves the list
        session.execute(
            update(TaskRecord)
            .where(TaskRecord.status == "ready", TaskRecord.assignee == "duo")
            .values(status="completed")
        )
        session.commit()

    second = client.get(_link(first, "next")).get_data(as_text=True)

    order = ["green_mine", "yellow_town", "green_county", "red_county", "red_town"]
    assert codes(first) == [undated[k] for k in order[:2]]
    assert codes(second) == [undated[k] for k in order[2:4]]


def test_a_token_that_cannot_be_read_gives_the_first_page(spread, login_as):
    client = login_as("duo", *LANES, region=COUNTY)
    first = codes(client.get("/tasks/").get_data(as_text=True))
    for token in ("x", "WzEsMl0", "W251bGwsbnVsbCwiYSJd", "%ff" * 3):
        response = client.get(f"/tasks/?after={token}")
        assert response.status_code == 200 and codes(response.get_data(as_text=True)) == first


def _name_candidate(engine, code: str, username: str) -> None:
    """The case's ready task names ``username`` its one candidate (not open to its lane)."""
    with engine.session_factory() as session:
        instance_id = session.scalar(select(Case.instance_id).where(Case.code == code))
        task = session.scalar(
            select(TaskRecord).where(
                TaskRecord.instance_id == instance_id, TaskRecord.status == "ready"
            )
        )
        task.open_to_lane = False
        session.add(TaskCandidate(task_id=task.id, username=username))
        session.commit()


@pytest.mark.parametrize("sort", ["", "received", "risk"])
def test_pages_after_the_first_keep_the_tasks_naming_the_user_in_order(
    undated, web_engine, login_as, monkeypatch, sort
):
    """A task naming its candidates is listed to them alone, on whichever page its place
    falls (a first page walks the lane's named tasks; the pages after read them by id)."""
    _name_candidate(web_engine, undated["green_county"], "duo")
    _name_candidate(web_engine, undated["red_none"], "duo")
    _name_candidate(web_engine, undated["yellow_town"], "someone.else")
    client = login_as("duo", *LANES, region=COUNTY)
    whole = codes(client.get(f"/tasks/?sort={sort}").get_data(as_text=True))
    monkeypatch.setattr(service, "PER_PAGE", 2)

    pages = _pages_by_next(client, f"/tasks/?sort={sort}")

    assert len(whole) == 7 and undated["yellow_town"] not in whole
    assert {undated["green_county"], undated["red_none"]} <= set(whole)
    assert [code for p in pages for code in p] == whole
