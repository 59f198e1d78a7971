"""受理分流 (``bpmn/case_main.bpmn`` + ``bpmn/triage.dmn``): every route of the triage
table, the red-case rule, the hand-off bypass and what follows each route."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import InstanceStatus
from processes.models import Mediation, SupervisionRecord
from tests.conftest import CST
from tests.processes.conftest import Scenario, deploy
from tests.processes.handoff_support import assign

CENTER, COUNTY, DEPT, SUPERVISOR = "镇综治中心", "县综治中心", "部门", "督办员"


@pytest.fixture
def library(case_engine, regions):
    deploy(case_engine)
    return case_engine


def assess(s: Scenario, nature: str, *, cross: bool = False, colour: str = "黄", **extra) -> None:
    s.complete(
        CENTER,
        "assess",
        {"matter_nature": nature, "cross_department": cross, "risk_colour": colour, **extra},
    )


def lanes(s: Scenario) -> set[str]:
    return set(s.open_tasks())


def test_a_case_is_coded_then_assessed(library, clock):
    s = Scenario(library, clock, "case_main")
    assert s.ready_ids(CENTER) == ["assess"]
    assert s.case().code.endswith("-20260302-0001")


@pytest.mark.parametrize(
    ("case", "nature", "cross", "route", "start_lane"),
    [
        ({"channel": "窗口"}, "简单诉求", False, "当场办结", CENTER),
        ({"channel": "窗口", "collective": True}, "简单诉求", False, "中心吹哨", COUNTY),
        ({"channel": "窗口"}, "一般纠纷", False, "四级七天", "村调委会"),
        ({"channel": "网格上报"}, "一般纠纷", False, "四级七天", "网格员"),
        ({"channel": "12345"}, "一般纠纷", False, "四级七天", "网格员"),
        ({"channel": "线上"}, "一般纠纷", True, "中心吹哨", COUNTY),
        ({"channel": "窗口"}, "复杂纠纷", False, "中心吹哨", COUNTY),
        ({"channel": "窗口", "collective": True}, "一般纠纷", False, "中心吹哨", COUNTY),
        ({"channel": "窗口"}, "法律问题", False, "法律服务", DEPT),
        ({"channel": "窗口"}, "不宜调解", False, "不宜调解", CENTER),
    ],
)
def test_the_triage_table_routes_each_kind_of_matter(
    library, clock, case, nature, cross, route, start_lane
):
    s = Scenario(library, clock, "case_main", **case)
    assess(s, nature, cross=cross)

    stored = s.case()
    assert (stored.route, stored.status) == (route, "办理中")
    assert stored.route_reason
    assert start_lane in lanes(s), s.open_tasks()
    [routed] = s.events(["case_routed"])
    assert routed.data["route"] == route


def test_on_the_spot_settlement_goes_straight_to_callback(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "简单诉求")
    s.complete(CENTER, "on_spot", {"on_spot_note": "当场答复并协调解决"})

    stored = s.case()
    assert (stored.status, stored.result, stored.result_note) == (
        "已化解",
        "当场办结",
        "当场答复并协调解决",
    )
    assert s.ready_ids(CENTER) == ["call_back"]
    s.complete(CENTER, "call_back", {"evaluation": "满意"})
    assert s.case().status == "已结案"


def test_not_for_mediation_is_guided_elsewhere_and_ends(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "不宜调解")
    s.complete(
        CENTER, "guide", {"remedy": "仲裁", "guide_reason": "劳动合同争议，依法申请劳动仲裁"}
    )

    stored = s.case()
    assert (stored.status, stored.remedy, stored.result_note) == (
        "已引导",
        "仲裁",
        "劳动合同争议，依法申请劳动仲裁",
    )
    assert s.instance().status == InstanceStatus.COMPLETED


def test_legal_service_resolved_goes_to_callback(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "法律问题")
    s.complete(DEPT, "legal_service", {"legal_outcome": "已解决", "legal_note": "解答继承份额问题"})
    assert (s.case().status, s.case().result) == ("已化解", "法律服务解决")
    assert s.ready_ids(CENTER) == ["call_back"]


def test_legal_service_not_solved_is_guided_elsewhere(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "法律问题")
    s.complete(DEPT, "legal_service", {"legal_outcome": "需其他途径", "legal_note": "需诉讼解决"})
    assert s.ready_ids(CENTER) == ["guide"]


def test_overdue_legal_service_is_supervised(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "法律问题")
    # legal.handle: 5 working days after Mon 3/2 → Mon 3/9 23:59:59
    s.advance_to(datetime(2026, 3, 9, 23, 59, 59, tzinfo=CST))
    assert s.ready_ids(SUPERVISOR) == []
    s.advance(seconds=2)
    assert s.ready_ids(SUPERVISOR) == ["chase"]
    assert s.ready_ids(DEPT) == ["legal_service"]
    [notice] = s.rows(SupervisionRecord)
    assert (notice.kind, notice.reason, notice.target) == (
        "督办提示单",
        "超期未化解",
        "法律服务承办单位",
    )


def test_a_red_case_gets_a_case_leader_and_starts_at_the_township(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "一般纠纷", colour="红", risk_reason="当事人扬言报复，有民转刑风险")
    assert s.ready_ids(CENTER) == ["assign_leader"]
    s.complete(CENTER, "assign_leader", {"case_leader": "王某某（副镇长）"})

    stored = s.case()
    assert (stored.risk_colour, stored.case_leader, stored.route) == (
        "红",
        "王某某（副镇长）",
        "四级七天",
    )
    [change] = s.events(["case_risk_changed"])
    assert (change.data["from"], change.data["to"]) == ("黄", "红")
    assert change.data["reason"] == "当事人扬言报复，有民转刑风险"
    assert CENTER in lanes(s) and "网格员" not in lanes(s)


def test_an_unchanged_colour_is_not_a_change(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "一般纠纷", colour="黄")
    assert s.events(["case_risk_changed"]) == []


@pytest.mark.parametrize("handoff", ["诉调", "警调", "访调"])
def test_hand_offs_skip_assessment_and_enter_the_hand_off_process(library, clock, handoff):
    s = Scenario(library, clock, "case_main", channel=handoff)
    stored = s.case()
    assert (stored.route, stored.route_reason) == ("三调对接", f"{handoff}移交，按三调对接办理")
    assert "assess" not in s.ready_ids(CENTER)
    assert COUNTY in lanes(s)


def test_a_red_hand_off_still_gets_a_case_leader_first(library, clock):
    s = Scenario(library, clock, "case_main", channel="警调", risk_colour="红")
    assert s.ready_ids(CENTER) == ["assign_leader"]
    s.complete(CENTER, "assign_leader", {"case_leader": "李某（派出所所长）"})
    assert s.case().route == "三调对接"


# -- whole cases through the called processes ----------------------------------------------

LEVELS = [
    ("网格员", "grid"),
    ("村调委会", "village"),
    ("镇综治中心", "township"),
    ("镇党委政府", "leadership"),
]
CANNOT = {"level_outcome": "无法化解", "level_notes": "双方分歧较大，本级无法化解"}
FOUR = {
    "lead_leader": "wang.fuxianzhang",
    "responsible_unit": "justice",
    "responsible_person": "li.tiaojie",
    "handle_days": 10,
    "departments": ["司法所"],
}
FEEDBACK = {"feedback_text": "已告知当事人结果", "citizen_informed": True, "inform_method": "电话"}


def climb_the_whole_ladder(s: Scenario) -> None:
    for role, task in LEVELS:
        s.complete(role, task, CANNOT)


def whistle_through(s: Scenario, outcome: str) -> None:
    s.complete(COUNTY, "dispatch", FOUR)
    s.complete(DEPT, "acknowledge", {"liaison": "联络员甲"}, units=["justice"])
    person = FOUR["responsible_person"]
    mediated = {"mediation_outcome": outcome, "mediation_note": "联合调解"}
    s.complete(DEPT, "mediate", mediated, user=person)
    s.complete(DEPT, "feedback", FEEDBACK, user=person)


def test_a_ladder_resolution_goes_to_callback(library, clock):
    s = Scenario(library, clock, "case_main", channel="网格上报")
    assess(s, "一般纠纷")
    s.complete(
        "网格员",
        "grid",
        {"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "当面调解"},
    )
    assert (s.case().status, s.case().level) == ("已化解", "网格员")
    assert s.ready_ids(CENTER) == ["call_back"]


def test_unresolved_after_four_levels_the_center_blows_the_whistle(library, clock):
    s = Scenario(library, clock, "case_main", channel="网格上报")
    assess(s, "一般纠纷")
    climb_the_whole_ladder(s)
    assert s.ready_ids(COUNTY) == ["dispatch"]

    whistle_through(s, "化解")
    assert s.case().status == "已化解"
    assert s.ready_ids(CENTER) == ["call_back"]
    s.complete(CENTER, "call_back", {"evaluation": "满意"})
    assert s.case().status == "已结案"


def test_an_unresolved_whistle_is_guided_to_other_remedies(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "复杂纠纷")
    whistle_through(s, "未化解")
    assert s.ready_ids(CENTER) == ["guide"]
    s.complete(CENTER, "guide", {"remedy": "诉讼", "guide_reason": "涉及土地权属，需诉讼确权"})
    assert s.case().status == "已引导"
    assert s.instance().status == InstanceStatus.COMPLETED


def test_a_red_ladder_runs_on_the_shorter_limits(library, clock):
    s = Scenario(library, clock, "case_main", risk_colour="红")
    assess(s, "一般纠纷", colour="红")
    s.complete(CENTER, "assign_leader", {"case_leader": "王某某（副镇长）"})
    # red: the township slice is 1 working day, Mon 3/2 → Tue 3/3 end of day
    assert s.case().due_at == datetime(2026, 3, 3, 23, 59, 59, tzinfo=CST)


def test_a_hand_off_agreement_is_called_back_with_the_confirmation_reminder_beside(library, clock):
    """The callback does not wait 30 days for the 司法确认 window: both start together."""
    s = Scenario(library, clock, "case_main", channel="警调")
    s.complete(COUNTY, "receive", {"receipt_decision": "签收"})
    assign(s)  # 王调解员 from the roster: their account does the mediator's part
    s.complete("调解员", "accept", {"accept_decision": "接受委派"})
    s.complete("调解员", "contact_party", {"contact_result": "同意调解", "contact_note": "同意"})
    s.complete(
        "调解员", "mediate", {"mediation_outcome": "达成协议", "mediation_note": "签署调解协议"}
    )
    assert s.case().status == "已化解"
    assert s.ready_ids(CENTER) == ["call_back"]
    assert s.ready_ids("调解员") == ["remind_mediator"]
    # Mon 3/2 + 30 days = Wed 4/1: the window the mediator reminds of
    window = datetime(2026, 4, 1, 23, 59, 59, tzinfo=CST)
    assert s.task("调解员", "remind_mediator").due_at == window
    (notice,) = s.rows(SupervisionRecord, reason="交办")
    assert (notice.target, notice.due_at) == ("王调解员", window)
    (row,) = s.rows(Mediation)
    assert row.confirmation_due_at == window
    s.complete(CENTER, "call_back", {"evaluation": "满意"})
    assert s.case().status == "已结案"
    s.complete(
        "调解员",
        "remind_mediator",
        {"confirmation_status": "已提醒，当事人将申请", "remind_note": "当场提醒"},
    )
    assert s.ready_ids("调解员") == []
    [recorded] = s.events(["confirmation_recorded"])
    assert recorded.data["status"] == "已提醒，当事人将申请"


def test_a_returned_hand_off_ends_without_callback(library, clock):
    s = Scenario(library, clock, "case_main", channel="诉调")
    s.complete(
        COUNTY,
        "receive",
        {"receipt_decision": "退回", "return_reason": "不属于调解范围", "remedies": ["诉讼"]},
    )
    assert s.case().status == "已退回"
    assert s.instance().status == InstanceStatus.COMPLETED


def test_history_tells_a_step_in_the_order_it_happened(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "一般纠纷", colour="红", risk_reason="当事人扬言报复")
    s.complete(CENTER, "assign_leader", {"case_leader": "王某某（副镇长）"})
    # One step: the person's task completes, then the service tasks after it record the
    # leader and the route, then the next people's task becomes ready.
    events = [(e.event_type, e.spec_id) for e in s.events()]
    done = events.index(("task_completed", "assign_leader"))
    after = [kind for kind, _ in events[done + 1 :] if kind != "task_completed"]
    assert after[:2] == ["case_leader_set", "case_routed"]
    assert after[-1] == "task_ready"


def test_history_names_the_process_that_ran_each_step(library, clock):
    """A step of the called ladder is the ladder's, its service tasks' records too; the
    case's own steps are case_main's (the audit filters and the replay read this)."""
    s = Scenario(library, clock, "case_main")
    assess(s, "一般纠纷")
    by_step = {(e.event_type, e.spec_id): e.step_process_id for e in s.events()}
    assert by_step[("task_completed", "assess")] == "case_main"
    assert by_step[("instance_started", None)] == "case_main"
    ladder_ready = [k for k in by_step if k[0] == "task_ready" and k[1] != "assess"]
    assert ladder_ready and {by_step[k] for k in ladder_ready} == {"ladder"}
    assert by_step[("case_level_changed", None)] == "ladder"  # recorded by a ladder action
    assert by_step[("case_routed", None)] == "case_main"
