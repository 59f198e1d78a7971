"""督办催办 outside the diagram's form (``processes.chase``) and who holds a case
(``processes.holder``): a chase completes the waiting 督办催办 task when the user may, else
it is a 督办提示单 issued and chased at once, logged on the case's instance."""

from __future__ import annotations

import pytest

from engine import Actor, TaskStatus
from processes.chase import (
    CASE_CHASED,
    ChaseRefused,
    ChaseRequest,
    chase_case,
    chase_summaries,
    pending_chase_task,
)
from processes.enums import ChaseMethod, SupervisionReason
from processes.holder import RegionNode, holder_unit, load_regions
from processes.models import Case, SupervisionRecord
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE, Scenario, deploy

SUPERVISOR = Actor.of("du.ban", ["督办员"])
TOWNSHIP_CLERK = Actor.of("li.zhen", ["镇综治中心"])
CALLED = {
    "supervise_reason": "超期未化解",
    "supervise_target": "村调委会",
    "supervise_due": "",
    "supervise_content": "四级七天超过7个工作日未化解",
}


@pytest.fixture
def engine(case_engine, regions):
    deploy(case_engine, "supervise.bpmn", "plain_case.bpmn")
    return case_engine


def request(s: Scenario, actor: Actor, method=ChaseMethod.PHONE, note: str = "") -> ChaseRequest:
    return ChaseRequest(
        case_id=s.case_id,
        method=method,
        note=note,
        target="大满村调委会",
        reason=SupervisionReason.OVERDUE,
        actor=actor,
    )


def chase(engine, s: Scenario, actor: Actor, **options):
    with engine.session_factory() as session:
        done = chase_case(engine, session, request(s, actor, **options))
        session.commit()
    return done


def chased(s: Scenario) -> list[SupervisionRecord]:
    return [r for r in s.rows(SupervisionRecord) if r.chased_at is not None]


def test_the_supervisor_s_chase_completes_the_waiting_task(engine, clock):
    s = Scenario(engine, clock, "supervise", data=CALLED)
    clock.advance(hours=1)

    done = chase(engine, s, SUPERVISOR, method=ChaseMethod.LETTER, note="已发督办函")

    assert (done.via_task, done.repeated) == (True, False)
    [task] = [t for t in engine.tasks_of(s.instance_id) if t.spec_id == "chase"]
    assert (task.status, task.completed_by) == (TaskStatus.COMPLETED, "du.ban")
    [record] = s.rows(SupervisionRecord)  # the diagram's own notice, now chased
    assert (record.reason, record.target) == ("超期未化解", "村调委会")
    assert (record.chase_method, record.chase_note, record.chased_at) == (
        "函件督办",
        "已发督办函",
        clock.now(),
    )
    assert s.events([CASE_CHASED]) == []
    assert len(s.events(["supervision_chased"])) == 1


@pytest.mark.parametrize(
    ("note", "stored"),
    [("", "已电话督办：大满村调委会"), ("好", "已电话督办：大满村调委会。好")],
    ids=["no-note", "one-character"],
)
def test_a_short_note_meets_the_form_s_minimum_with_the_default(engine, clock, note, stored):
    s = Scenario(engine, clock, "supervise", data=CALLED)
    chase(engine, s, SUPERVISOR, note=note)
    assert s.rows(SupervisionRecord)[0].chase_note == stored


def test_a_user_outside_the_supervisor_lane_records_directly(engine, clock):
    s = Scenario(engine, clock, "supervise", data=CALLED)
    clock.advance(minutes=5)

    done = chase(engine, s, TOWNSHIP_CLERK, note="已电话联系村调委会主任")

    assert done.via_task is False
    assert s.open_tasks() == {"督办员": ["chase"]}  # the 督办员's own task still waits
    diagram_notice, direct = s.rows(SupervisionRecord)
    assert diagram_notice.chased_at is None
    assert (direct.kind, direct.reason, direct.target) == (
        "督办提示单",
        "超期未化解",
        "大满村调委会",
    )
    assert (direct.issued_by, direct.issued_at) == ("li.zhen", clock.now())
    assert (direct.chase_method, direct.chased_by, direct.chased_at) == (
        "电话督办",
        "li.zhen",
        clock.now(),
    )
    assert direct.chase_note == "已电话联系村调委会主任"
    [logged] = s.events([CASE_CHASED])
    assert (logged.actor, logged.instance_id, logged.at) == ("li.zhen", s.instance_id, clock.now())
    assert logged.data == {
        "case_id": s.case_id,
        "supervision_id": direct.id,
        "method": "电话督办",
        "reason": "超期未化解",
        "target": "大满村调委会",
        "note": "已电话联系村调委会主任",
    }
    assert engine.verify_history().ok


def test_a_task_claimed_by_someone_else_is_left_to_them(engine, clock):
    s = Scenario(engine, clock, "supervise", data=CALLED)
    task = s.task("督办员", "chase")
    engine.claim(task.id, actor=Actor.of("other.du", ["督办员"]))
    with engine.session_factory() as session:
        case = session.get(Case, s.case_id)
        assert pending_chase_task(session, case, SUPERVISOR) is None
        assert pending_chase_task(session, case, Actor.of("other.du", [])) == task.id


def test_the_same_chase_again_within_two_minutes_is_a_double_submit(engine, clock):
    s = Scenario(engine, clock, "plain_case")
    assert chase(engine, s, TOWNSHIP_CLERK).repeated is False
    clock.advance(seconds=30)
    assert chase(engine, s, TOWNSHIP_CLERK).repeated is True
    assert chase(engine, s, TOWNSHIP_CLERK, method=ChaseMethod.LETTER).repeated is False
    clock.advance(minutes=3)
    assert chase(engine, s, TOWNSHIP_CLERK).repeated is False
    assert [r.chase_method for r in chased(s)] == ["电话督办", "函件督办", "电话督办"]
    assert len(s.events([CASE_CHASED])) == 3


def test_a_long_note_is_refused_and_nothing_is_stored(engine, clock):
    s = Scenario(engine, clock, "plain_case")
    with pytest.raises(ChaseRefused, match="500"):
        chase(engine, s, TOWNSHIP_CLERK, note="很" * 501)
    assert chased(s) == []


def test_summaries_count_the_chases_and_name_the_last(engine, clock):
    s = Scenario(engine, clock, "plain_case")
    other = Scenario(engine, clock, "plain_case")
    chase(engine, s, TOWNSHIP_CLERK, note="第一次")
    clock.advance(hours=2)
    chase(engine, s, Actor.of("wang.xian", ["县综治中心"]), method=ChaseMethod.LETTER)
    with engine.session_factory() as session:
        found = chase_summaries(session, [s.case_id, other.case_id])
    assert set(found) == {s.case_id}
    summary = found[s.case_id]
    assert (summary.count, summary.last_method, summary.last_by, summary.last_at) == (
        2,
        "函件督办",
        "wang.xian",
        clock.now(),
    )
    with engine.session_factory() as session:
        assert chase_summaries(session, []) == {}


# -- who holds a case ---------------------------------------------------------------------------


def test_the_unit_holding_a_case_is_named_after_its_area(engine):
    with engine.session_factory() as session:
        regions = load_regions(session)

    def unit(level, region=GRID, owner=None):
        return holder_unit(level=level, owner_unit=owner, region_code=region, regions=regions)

    assert unit("网格员") == "大满村第一网格网格员"
    assert unit("村调委会") == "大满村调委会"
    assert unit("镇综治中心") == "大满镇综治中心"
    assert unit("镇党委政府", region=VILLAGE) == "大满镇党委政府"
    assert unit("县综治中心") == "甘州区综治中心"
    assert unit(None) == "大满镇综治中心"  # registered, not yet routed: the township triages
    assert unit("调解员", owner="李调解员") == "李调解员"
    assert unit("中心吹哨", owner="区住建局") == "区住建局"
    assert unit("部门") == "部门"
    # a case registered at the township has no village above it: the township's own name
    assert unit("村调委会", region=TOWNSHIP) == "大满镇调委会"
    assert unit("镇综治中心", region=COUNTY) == "甘州区综治中心"


def test_a_region_loop_does_not_hang():
    regions = {"a": RegionNode("甲", "村", "b"), "b": RegionNode("乙", "村", "a")}
    assert holder_unit(level="镇综治中心", owner_unit=None, region_code="a", regions=regions) == (
        "甲综治中心"
    )
