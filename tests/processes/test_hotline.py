"""12345工单答复 (bpmn/hotline.bpmn): the 5-working-day reply clock (D18), the reply to the
hotline through the outbox, the hotline's verdict, 退回再办 to whoever handled the case
with a new clock, the cap on 退回再办 rounds, overdue → 督办, and a verdict that never
comes. Dates are real: Mon 2026-03-02 09:00 Beijing time unless a test says otherwise."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine import Actor, ConflictError, FormInvalid, InstanceStatus
from engine.bundle import collect_set
from engine.trial import complete_trial_task, send_trial_message, start_trial, trial_view
from processes.hotline import VERDICT_MESSAGE
from processes.models import (
    DeadlineRule,
    HandoffSender,
    HandoffVerdict,
    OutboxMessage,
    ProgressReport,
    SupervisionRecord,
)
from processes.trial_samples import trial_start_data
from tests.conftest import BPMN_DIR, CST, FORMS_DIR
from tests.processes.conftest import COUNTY, Scenario, deploy

CENTER, COUNTY_CENTER, SUPERVISOR = "镇综治中心", "县综治中心", "督办员"
HOTLINE = Actor.of("handoff:hotline-gz")
DONE = {"reply_kind": "办结答复", "reply_text": "已协调疏通排水沟，诉求已解决"}
EXPLAINED = {
    "reply_kind": "解释说明",
    "reply_text": "需镇政府协调宅基地界址，5个工作日内无法办结",
    "solution_plan": "镇综治中心牵头、国土所测量界址后组织双方调解",
    "plan_due": "2026-03-20",
}


def at(month: int, day: int, hour: int = 23, minute: int = 59, second: int = 59) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=CST)


@pytest.fixture
def hotline(case_engine, regions):
    deploy(case_engine, "hotline.bpmn", "supervise.bpmn")
    return case_engine


@pytest.fixture
def sender_id(case_engine, regions) -> int:
    """The hotline as a registered sender (its results go to the outbox)."""
    with case_engine.session_factory() as session:
        sender = HandoffSender(
            code="hotline-gz",
            name="甘州区12345热线",
            channel="12345",
            region_code=COUNTY,
            token_hash="0" * 64,
            active=True,
        )
        session.add(sender)
        session.commit()
        return sender.id


@pytest.fixture
def order(hotline, clock, sender_id):
    """Start the reply clock of a 12345 work order the hotline pushed, now."""

    def start(**case) -> Scenario:
        case = {"channel": "12345", "source_ref": "GD20260302000123", **case}
        return Scenario(hotline, clock, "hotline", sender_id=sender_id, **case)

    return start


def verdict(s: Scenario, verdict_id: str, value: str, reason: str = "", **extra: Any) -> None:
    payload = {"verdict_id": verdict_id, "verdict": value, "reason": reason, "evaluation": ""}
    s.engine.send_message(s.instance_id, VERDICT_MESSAGE, {**payload, **extra}, actor=HOTLINE)


def replies(s: Scenario) -> list[dict[str, Any]]:
    return [m.payload for m in s.rows(OutboxMessage) if m.kind == "答复工单"]


def orders(s: Scenario) -> list[tuple]:
    return [
        (r.kind, r.reason, r.target, r.due_at, r.issued_at)
        for r in s.rows(SupervisionRecord)
        if r.kind == "工作任务交办单"
    ]


# -- accepted ---------------------------------------------------------------------------------


def test_a_reply_in_time_that_the_hotline_accepts_ends_the_work_order(hotline, clock, order):
    s = order()
    reply = s.task(CENTER, "reply")
    assert reply.due_at == at(3, 9)  # 5 working days after Mon 3/2
    _, data = hotline.task_instructions(reply.id)
    assert (data["hotline_due"], data["hotline_round"]) == (at(3, 9).isoformat(), 1)

    s.advance_to(at(3, 4, 10, 0, 0))
    s.complete(CENTER, "reply", DONE, user="zhao.center")
    [sent] = replies(s)
    assert (sent["outcome"], sent["reason"], sent["round"]) == ("办结答复", DONE["reply_text"], 1)
    assert "plan" not in sent and sent["source_ref"] == "GD20260302000123"
    assert s.open_tasks() == {}

    s.advance_to(at(3, 5, 15, 0, 0))
    verdict(s, "HF-1", "认可", evaluation="满意")
    [row] = s.rows(HandoffVerdict)
    assert (row.verdict_id, row.verdict, row.evaluation, row.round) == ("HF-1", "认可", "满意", 1)
    assert row.received_at == clock.now()
    assert s.rows(ProgressReport)[-1].text == "12345 热线回访：认可（第 1 次答复）"
    [heard] = s.events(["handoff_verdict_received"])
    assert (heard.actor, heard.data["verdict"], heard.data["round"]) == (HOTLINE.user, "认可", 1)
    assert s.instance().status == InstanceStatus.COMPLETED
    assert s.rows(SupervisionRecord) == [] and not s.case().overdue


def test_a_reply_explaining_why_it_cannot_be_solved_in_time_carries_its_plan(hotline, order):
    s = order()
    task = s.task(CENTER, "reply")
    with pytest.raises(FormInvalid) as refused:
        hotline.complete(task.id, {**DONE, "reply_kind": "解释说明"}, actor=Actor.of("z", [CENTER]))
    assert refused.value.errors == {"solution_plan": ["必填"], "plan_due": ["必填"]}

    s.complete(CENTER, "reply", EXPLAINED)
    [sent] = replies(s)
    assert (sent["outcome"], sent["plan"], sent["plan_due"]) == (
        "解释说明",
        EXPLAINED["solution_plan"],
        "2026-03-20",
    )
    verdict(s, "HF-1", "认可")
    assert s.instance().status == InstanceStatus.COMPLETED


# -- rejected: 退回再办 to whoever handled it -------------------------------------------------


@pytest.mark.parametrize(
    ("case", "lane", "task"),
    [
        ({"level": "网格员", "route": "四级七天"}, "网格员", "redo_grid"),
        ({"level": "村调委会", "route": "四级七天"}, "村调委会", "redo_village"),
        ({"level": "镇综治中心", "route": "四级七天"}, CENTER, "reply"),
        ({"level": "镇党委政府", "route": "四级七天"}, "镇党委政府", "redo_leadership"),
        ({"level": "中心吹哨", "route": "中心吹哨"}, "部门", "redo_department"),
        ({"route": "中心吹哨"}, COUNTY_CENTER, "reply_county"),
        ({"route": "法律服务"}, "部门", "redo_department"),
        ({"route": "当场办结"}, CENTER, "reply"),
    ],
    ids=["grid", "village", "township", "leadership", "whistle", "whistle-undispatched",
         "legal", "on-the-spot"],
)  # fmt: skip
def test_a_rejected_reply_goes_back_to_whoever_handled_the_case(
    hotline, clock, order, case, lane, task
):
    s = order(**case)
    s.complete(CENTER, "reply", DONE)
    s.advance_to(at(3, 5, 10, 0, 0))  # Thu
    verdict(s, "HF-1", "退回", "群众反映排水沟仍未疏通", evaluation="不满意")

    assert s.open_tasks() == {lane: [task]}
    redo = s.task(lane, task)
    assert redo.due_at == at(3, 12)  # a new 5 working days from Thu 3/5
    assert orders(s) == [("工作任务交办单", "回访不满意", lane, at(3, 12), clock.now())]
    [notice] = [r for r in s.rows(SupervisionRecord) if r.kind == "工作任务交办单"]
    assert notice.content == "12345热线退回第1次答复：群众反映排水沟仍未疏通。请重新办理并再次答复"
    _, data = hotline.task_instructions(redo.id)
    assert data["hotline_round"] == 2


def test_rejected_then_accepted(order):
    s = order(level="村调委会", route="四级七天")
    s.complete(CENTER, "reply", DONE)
    s.advance_to(at(3, 5, 10, 0, 0))
    verdict(s, "HF-1", "退回", "调解协议未履行")
    s.advance_to(at(3, 9, 16, 0, 0))
    s.complete("村调委会", "redo_village", {**DONE, "reply_text": "已督促被申请人履行协议"})
    assert [(r["round"], r["reason"]) for r in replies(s)] == [
        (1, DONE["reply_text"]),
        (2, "已督促被申请人履行协议"),
    ]
    verdict(s, "HF-2", "认可", evaluation="基本满意")

    assert [(v.verdict_id, v.verdict, v.round) for v in s.rows(HandoffVerdict)] == [
        ("HF-1", "退回", 1),
        ("HF-2", "认可", 2),
    ]
    assert s.instance().status == InstanceStatus.COMPLETED
    assert not s.case().overdue


def test_redo_rounds_are_capped_then_the_county_center_answers_finally(hotline, order):
    s = order(level="网格员", route="四级七天")
    s.complete(CENTER, "reply", DONE)
    for n, task in ((1, "redo_grid"), (2, "redo_grid")):
        verdict(s, f"HF-{n}", "退回", f"第{n}次仍不满意")
        s.complete("网格员", task, DONE)
    verdict(s, "HF-3", "退回", "第3次仍不满意")  # two 退回再办 rounds used up

    assert s.open_tasks() == {COUNTY_CENTER: ["reply_county"]}
    county = s.task(COUNTY_CENTER, "reply_county")
    template, data = hotline.task_instructions(county.id)
    assert "最终答复" in template and data["hotline_escalated"] is True
    assert orders(s)[-1][2] == COUNTY_CENTER
    notice = s.rows(SupervisionRecord)[-1]
    assert notice.content.endswith("退回再办已达上限，报县综治中心办理并作最终答复")

    s.complete(COUNTY_CENTER, "reply_county", EXPLAINED)
    assert [r["round"] for r in replies(s)] == [1, 2, 3, 4]
    assert s.instance().status == InstanceStatus.COMPLETED  # the final answer awaits no verdict
    with pytest.raises(ConflictError):
        verdict(s, "HF-4", "退回", "仍不满意")


# -- clocks -------------------------------------------------------------------------------------


def test_a_missed_clock_is_warned_then_overdue_with_supervision(order):
    s = order()
    # hotline.handle warns 24 hours before its due: Sun 3/8 23:59:59
    s.advance_to(at(3, 8, 23, 59, 58))
    assert s.rows(SupervisionRecord) == []
    s.advance(seconds=2)
    [warning] = s.rows(SupervisionRecord)
    assert (warning.kind, warning.reason, warning.target, warning.due_at) == (
        "督办提示单",
        "临期预警",
        CENTER,
        at(3, 9),
    )

    s.advance_to(at(3, 9))
    assert not s.case().overdue
    s.advance(seconds=2)
    assert s.case().overdue
    [flagged] = s.events(["case_overdue"])
    assert flagged.data["reason"] == "12345工单超过答复时限（2026-03-09）未答复"
    assert s.ready_ids(SUPERVISOR) == ["chase"]
    overdue = s.rows(SupervisionRecord)[-1]
    assert (overdue.reason, overdue.target, overdue.due_at) == ("超期未化解", CENTER, at(3, 9))
    assert s.ready_ids(CENTER) == ["reply"]  # the reply is still owed

    s.complete(CENTER, "reply", EXPLAINED)
    assert len(replies(s)) == 1


def test_a_red_work_order_has_three_working_days(order):
    s = order(risk_colour="红")
    assert s.task(CENTER, "reply").due_at == at(3, 5)


def test_the_clock_counts_working_days_over_a_holiday(clock, order):
    clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=CST))  # Thu before 清明 (4/4-4/6)
    s = order()
    assert s.task(CENTER, "reply").due_at == at(4, 10)  # 4/3, 4/7, 4/8, 4/9, 4/10


def test_a_new_clock_after_a_rejection_runs_and_lapses_like_the_first(order):
    s = order(level="网格员", route="四级七天")
    s.complete(CENTER, "reply", DONE)
    s.advance_to(at(3, 5, 10, 0, 0))
    verdict(s, "HF-1", "退回", "未解决")
    s.advance_to(at(3, 12))
    assert not s.case().overdue
    s.advance(seconds=2)
    assert s.case().overdue
    overdue = s.rows(SupervisionRecord)[-1]
    assert (overdue.reason, overdue.target) == ("超期未化解", "网格员")


def test_a_verdict_that_never_comes_counts_as_acceptance(order):
    s = order()
    s.advance_to(at(3, 3, 10, 0, 0))
    s.complete(CENTER, "reply", DONE)
    # hotline.verdict: 5 working days after Tue 3/3 → Tue 3/10
    s.advance_to(at(3, 10))
    assert s.instance().status == InstanceStatus.RUNNING
    s.advance(seconds=2)
    assert s.instance().status == InstanceStatus.COMPLETED
    assert s.rows(ProgressReport)[-1].text == (
        "12345热线未在回访反馈期限（2026-03-10）内反馈回访结果，第1次答复视为认可"
    )
    with pytest.raises(ConflictError):
        verdict(s, "HF-1", "退回", "迟到的回访")


def test_a_verdict_before_any_reply_is_not_awaited(order):
    s = order()
    with pytest.raises(ConflictError, match="热线回访结果"):
        verdict(s, "HF-1", "认可")
    assert s.rows(HandoffVerdict) == []
    assert s.ready_ids(CENTER) == ["reply"]


# -- beside the route, in 受理分流 ---------------------------------------------------------------


@pytest.fixture
def library(case_engine, regions):
    deploy(case_engine)
    return case_engine


def test_a_12345_order_runs_its_reply_clock_beside_the_ladder(library, clock, sender_id):
    s = Scenario(library, clock, "case_main", channel="12345", sender_id=sender_id)
    assert s.open_tasks() == {CENTER: ["assess", "reply"]}
    s.complete(CENTER, "assess", {"matter_nature": "一般纠纷", "cross_department": False,
                                  "risk_colour": "黄"})  # fmt: skip
    assert s.open_tasks() == {"网格员": ["grid"], CENTER: ["reply"]}
    s.complete("网格员", "grid", {"level_outcome": "无法化解", "level_notes": "双方分歧较大"})
    s.advance_to(at(3, 3, 10, 0, 0))
    s.complete(CENTER, "reply", EXPLAINED)  # the ladder still runs: explain and plan
    s.advance_to(at(3, 4, 10, 0, 0))
    verdict(s, "HF-1", "退回", "群众要求尽快解决")

    # 退回再办 goes to the level holding the case now, beside its ladder task
    assert s.open_tasks() == {"村调委会": ["redo_village", "village"]}
    assert s.task("村调委会", "redo_village").due_at == at(3, 11)
    s.complete(
        "村调委会",
        "village",
        {
            "level_outcome": "化解",
            "level_result": "书面调解协议",
            "agreement_at": "2026-03-04",
            "level_notes": "签订书面调解协议",
        },
    )
    s.complete("村调委会", "redo_village", DONE)
    verdict(s, "HF-2", "认可", evaluation="满意")
    assert s.open_tasks() == {CENTER: ["call_back", "remind_township"]}
    assert [r["round"] for r in replies(s)] == [1, 2]
    assert s.case().status == "已化解" and not s.case().overdue


def test_other_channels_have_no_reply_clock(library, clock):
    s = Scenario(library, clock, "case_main", channel="窗口")
    assert s.open_tasks() == {CENTER: ["assess"]}


def test_a_designer_tries_a_rejection_without_writing_anything(case_engine, regions):
    files, problems = collect_set([BPMN_DIR], [FORMS_DIR])
    assert problems == []
    designer = Actor.of("designer.wang", ["流程设计"])
    trial_id = start_trial(
        case_engine,
        files,
        actor=designer,
        data=trial_start_data("hotline"),
        source="测试",
        process_id="hotline",
    )
    [reply] = trial_view(case_engine, trial_id, user=designer.user).tasks
    complete_trial_task(case_engine, trial_id, reply.id, EXPLAINED, actor=designer)
    view = trial_view(case_engine, trial_id, user=designer.user)
    assert [m.name for m in view.messages] == [VERDICT_MESSAGE]
    send_trial_message(
        case_engine,
        trial_id,
        VERDICT_MESSAGE,
        {"verdict_id": "T-1", "verdict": "退回", "reason": "试运行退回", "evaluation": ""},
        actor=designer,
    )
    view = trial_view(case_engine, trial_id, user=designer.user)
    assert [t.element for t in view.tasks] == ["reply"]  # the simulated handler: the center
    assert view.steps[-1].data["hotline_round"] == 2
    with case_engine.session_factory() as session:
        assert session.scalars(select(HandoffVerdict)).all() == []


def test_the_rules_behind_the_clocks_name_their_basis(case_engine):
    with case_engine.session_factory() as session:
        handle = session.get(DeadlineRule, "hotline.handle")
        wait = session.get(DeadlineRule, "hotline.verdict")
    assert (handle.amount, handle.unit, handle.red_amount) == (5, "工作日", 3)
    assert "济南" in handle.basis and "潍坊" in handle.basis and "解释说明" in handle.basis
    assert (wait.amount, wait.unit) == (5, "工作日") and "视为认可" in wait.basis
