"""Scenario: a 中心吹哨 whose 四定 deadline passes shows up on its 牵头领导's page
(我包案的案件) as overdue, ahead of their cases still in time."""

from __future__ import annotations

import re
from datetime import datetime

from engine import Actor
from tests.conftest import CST
from tests.processes.conftest import COUNTY
from tests.web.tasks_support import CENTER, client_for, only_ready, ready, receive

COUNTY_CENTER, DEPT, LEADER = "县综治中心", "部门", "包案领导"
FOUR = {
    "lead_leader": "bao",
    "responsible_unit": "justice",
    "responsible_person": "李调解",
    "handle_days": 10,
    "departments": ["司法所"],
}


def complete(engine, instance_id: int, spec_id: str, role: str, data: dict) -> None:
    task = only_ready(engine, instance_id, spec_id)
    engine.complete(task.id, data, actor=Actor.of(f"someone.{role}", [role]))


def whistled(engine, *, lead_leader: str) -> int:
    """A complex dispute sent to 中心吹哨, its 四定 fixed naming ``lead_leader``, every
    summoned department reported; returns the instance."""
    received = receive(engine, summary="三户因宅基地边界与村委会发生争执")
    instance = received.instance_id
    assess = {"matter_nature": "复杂纠纷", "cross_department": True, "risk_colour": "黄"}
    complete(engine, instance, "assess", CENTER, assess)
    complete(engine, instance, "dispatch", COUNTY_CENTER, {**FOUR, "lead_leader": lead_leader})
    for task in ready(engine, instance, "acknowledge"):
        engine.complete(
            task.id, {"liaison": "联络员甲"}, actor=Actor.of("liaison", [DEPT], units=["justice"])
        )
    return received


def rows(page: str) -> list[tuple[str, str]]:
    found = re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S)
    return [
        (re.search(r'class="case-code"[^>]*>([^<]+)<', row).group(1), row)
        for row in found
        if "case-code" in row
    ]


def test_a_missed_whistle_deadline_is_overdue_on_the_leader_s_page(app, web_engine, clock):
    late = whistled(web_engine, lead_leader="bao")
    clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=CST))
    in_time = whistled(web_engine, lead_leader="bao")  # its 10 working days end 3/23
    not_mine = whistled(web_engine, lead_leader="zhou")
    leader = client_for(app, "bao", LEADER, region=COUNTY)

    before = leader.get("/leader").get_data(as_text=True)
    assert [code for code, _ in rows(before)] == [late.code, in_time.code]
    assert "已超期" not in before

    # the 四定 deadline of the first: 10 working days after Mon 3/2 → Mon 3/16 end of day
    clock.set(datetime(2026, 3, 17, 9, 0, tzinfo=CST))
    while web_engine.fire_due_timers():
        pass

    page = leader.get("/leader").get_data(as_text=True)
    listed = rows(page)
    assert [code for code, _ in listed] == [late.code, in_time.code]
    first = listed[0][1]
    assert first.startswith('<tr class="row-overdue">')
    assert "已超期 1 个工作日" in first and "牵头领导" in first and "中心吹哨" in first
    assert "已超期" not in listed[1][1]
    assert '<strong class="late-count">1</strong> 件已超期' in page
    assert not_mine.code not in page
