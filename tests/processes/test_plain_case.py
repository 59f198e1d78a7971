"""一般案件办理 (``bpmn/plain_case.bpmn``) end to end, through the engine's public verbs only.

Each test plays the people in the three lanes — 镇综治中心 (登记、回访、结案), 调解员 (处置),
督办员 (督办) — and checks what they would see: whose work list a task lands in, which
form it asks for, when it falls due, how the case ends and what it records.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from engine import Actor, FormInvalid, InstanceStatus, PermissionDenied, TaskStatus, TaskView
from tests.conftest import FORMS_DIR

PROCESS = "plain_case"
CENTER_ROLE, MEDIATOR_ROLE, SUPERVISOR_ROLE = "镇综治中心", "调解员", "督办员"
CENTER = Actor.of("zhang.center", [CENTER_ROLE])
MEDIATOR = Actor.of("wang.mediator", [MEDIATOR_ROLE])
SUPERVISOR = Actor.of("zhao.supervisor", [SUPERVISOR_ROLE])
EVERYONE = (CENTER, MEDIATOR, SUPERVISOR)

INTAKE = {
    "summary": "张某与李某因宅基地边界发生争执",
    "dispute_type": "房屋宅基地",
    "handle_limit_days": 5,
}
HANDLED = {"result": "调解成功", "handling_notes": "双方当面协商，重新确认了界桩位置"}
SUPERVISED = {"method": "电话督办", "remarks": "请于三日内办结并报送结果"}
CLOSED = {"closing_summary": "调解成功，当事人评价满意，予以结案"}


# -- helpers ------------------------------------------------------------------------------


def start_case(engine, **data) -> int:
    return engine.start(PROCESS, actor=CENTER, data=data)


def ready_of(engine, actor: Actor, instance_id: int) -> list[TaskView]:
    """``actor``'s work list, narrowed to one case."""
    return [t for t in engine.ready_tasks(actor) if t.instance_id == instance_id]


def work_lists(engine, instance_id: int) -> dict[str, list[str]]:
    """What each lane's person sees for this case: role -> ready element ids."""
    return {
        next(iter(actor.roles)): sorted(t.spec_id for t in ready_of(engine, actor, instance_id))
        for actor in EVERYONE
    }


def lists(center=(), mediator=(), supervisor=()) -> dict[str, list[str]]:
    """The expected ``work_lists``: each lane's ready element ids (empty unless given)."""
    return {
        CENTER_ROLE: sorted(center),
        MEDIATOR_ROLE: sorted(mediator),
        SUPERVISOR_ROLE: sorted(supervisor),
    }


def only_ready(engine, actor: Actor, instance_id: int, spec_id: str) -> TaskView:
    """The single ready ``spec_id`` task on ``actor``'s work list for this case."""
    matching = [t for t in ready_of(engine, actor, instance_id) if t.spec_id == spec_id]
    assert len(matching) == 1, f"{actor.user} should see one {spec_id}, sees {matching}"
    return matching[0]


def complete_next(engine, actor: Actor, instance_id: int, spec_id: str, data) -> TaskView:
    """Complete the ready ``spec_id`` task from ``actor``'s work list; return it as it was."""
    task = only_ready(engine, actor, instance_id, spec_id)
    engine.complete(task.id, data, actor=actor)
    return task


def handle_and_call_back(engine, instance_id: int, evaluation: str) -> None:
    complete_next(engine, MEDIATOR, instance_id, "handle", HANDLED)
    complete_next(engine, CENTER, instance_id, "callback", {"evaluation": evaluation})


def registered_case(engine, **start_data) -> int:
    """A case started and registered; its 处置 task is waiting for the 调解员."""
    instance_id = start_case(engine, **start_data)
    complete_next(engine, CENTER, instance_id, "intake", INTAKE)
    return instance_id


def event_count(engine, instance_id: int) -> int:
    """How many history events the case has (each one verified against its hash)."""
    result = engine.verify_history(instance_id=instance_id)
    assert result.ok, result
    return result.checked


def assert_completed_and_verified(engine, instance_id: int) -> dict:
    case = engine.instance(instance_id, with_data=True)
    assert case.status == InstanceStatus.COMPLETED
    assert case.ended_at == engine.clock.now()
    assert all(t.status != TaskStatus.READY for t in engine.tasks_of(instance_id))
    assert all(not ready_of(engine, actor, instance_id) for actor in EVERYONE)
    assert engine.verify_history().ok
    assert event_count(engine, instance_id) > 0
    return case.data


def spec_ids(engine, instance_id: int) -> list[str]:
    return [t.spec_id for t in engine.tasks_of(instance_id)]


def schema_file(form_key: str) -> dict:
    return json.loads((FORMS_DIR / form_key).read_text(encoding="utf-8"))


# -- the happy path -----------------------------------------------------------------------


@pytest.mark.parametrize("evaluation", ["满意", "基本满意"])
def test_satisfied_first_time_goes_through_each_lane_and_closes(deployed, clock, evaluation):
    engine = deployed
    case = start_case(engine)
    assert engine.instance(case).status == InstanceStatus.RUNNING
    assert work_lists(engine, case) == lists(center=["intake"])
    clock.advance(minutes=30)
    intake = complete_next(engine, CENTER, case, "intake", INTAKE)
    assert (intake.name, intake.lane, intake.candidate_role) == (
        "受理登记",
        CENTER_ROLE,
        CENTER_ROLE,
    )

    assert work_lists(engine, case) == lists(mediator=["handle"])
    clock.advance(days=1)
    handle = complete_next(engine, MEDIATOR, case, "handle", HANDLED)
    assert (handle.name, handle.lane) == ("处置", MEDIATOR_ROLE)

    assert work_lists(engine, case) == lists(center=["callback"])
    clock.advance(hours=1)
    callback = complete_next(engine, CENTER, case, "callback", {"evaluation": evaluation})
    assert (callback.name, callback.lane) == ("回访", CENTER_ROLE)

    assert work_lists(engine, case) == lists(center=["close"])
    clock.advance(hours=2)
    close = complete_next(engine, CENTER, case, "close", CLOSED)
    assert (close.name, close.lane) == ("结案", CENTER_ROLE)

    data = assert_completed_and_verified(engine, case)
    assert data == {
        **INTAKE,
        **HANDLED,
        **CLOSED,
        "evaluation": evaluation,
        "callback_round": 1,
    }
    done = engine.tasks_of(case)
    assert [(t.spec_id, t.status, t.completed_by) for t in done] == [
        ("intake", TaskStatus.COMPLETED, CENTER.user),
        ("handle", TaskStatus.COMPLETED, MEDIATOR.user),
        ("callback", TaskStatus.COMPLETED, CENTER.user),
        ("close", TaskStatus.COMPLETED, CENTER.user),
    ]
    assert done[-1].completed_at == clock.now()
    clock.advance(days=60)
    assert engine.fire_due_timers() == 0


def test_a_lane_cannot_do_another_lanes_task(deployed):
    engine = deployed
    case = start_case(engine)
    intake = only_ready(engine, CENTER, case, "intake")
    with pytest.raises(PermissionDenied, match=CENTER_ROLE):
        engine.complete(intake.id, INTAKE, actor=MEDIATOR)
    complete_next(engine, CENTER, case, "intake", INTAKE)
    handle = only_ready(engine, MEDIATOR, case, "handle")
    with pytest.raises(PermissionDenied, match=MEDIATOR_ROLE):
        engine.complete(handle.id, HANDLED, actor=CENTER)
    assert only_ready(engine, MEDIATOR, case, "handle").id == handle.id


# -- 不满意: back to the 调解员, up to the cap --------------------------------------------------


def test_dissatisfied_once_sends_the_case_back_to_the_mediator(deployed):
    engine = deployed
    case = registered_case(engine)
    first_handle = only_ready(engine, MEDIATOR, case, "handle")
    handle_and_call_back(engine, case, "不满意")

    assert work_lists(engine, case) == lists(mediator=["handle"])
    second_handle = only_ready(engine, MEDIATOR, case, "handle")
    assert second_handle.id != first_handle.id
    running = engine.instance(case, with_data=True)
    assert running.status == InstanceStatus.RUNNING
    assert running.data["callback_round"] == 1
    assert running.data["evaluation"] == "不满意"

    handle_and_call_back(engine, case, "满意")
    complete_next(engine, CENTER, case, "close", CLOSED)
    data = assert_completed_and_verified(engine, case)
    assert (data["callback_round"], data["evaluation"]) == (2, "满意")
    assert sorted(spec_ids(engine, case)) == sorted(
        ["intake", "handle", "callback", "handle", "callback", "close"]
    )


def test_dissatisfied_three_times_closes_at_the_default_cap(deployed):
    engine = deployed
    case = registered_case(engine)
    for round_ in (1, 2):
        handle_and_call_back(engine, case, "不满意")
        assert work_lists(engine, case) == lists(mediator=["handle"]), f"after round {round_}"
        assert engine.instance(case, with_data=True).data["callback_round"] == round_

    handle_and_call_back(engine, case, "不满意")
    assert work_lists(engine, case) == lists(center=["close"])
    complete_next(
        engine, CENTER, case, "close", {"closing_summary": "已回访三次，当事人仍不满意，依规结案"}
    )
    data = assert_completed_and_verified(engine, case)
    assert (data["callback_round"], data["evaluation"]) == (3, "不满意")
    assert spec_ids(engine, case).count("handle") == 3
    assert spec_ids(engine, case).count("callback") == 3


@pytest.mark.parametrize("cap", [1, 2])
def test_cap_from_start_data_closes_after_that_many_callbacks(deployed, cap):
    engine = deployed
    case = registered_case(engine, max_callback_rounds=cap)
    for _ in range(cap - 1):
        handle_and_call_back(engine, case, "不满意")
        assert work_lists(engine, case) == lists(mediator=["handle"])

    handle_and_call_back(engine, case, "不满意")
    assert work_lists(engine, case) == lists(center=["close"])
    complete_next(engine, CENTER, case, "close", CLOSED)
    data = assert_completed_and_verified(engine, case)
    assert (data["callback_round"], data["evaluation"], data["max_callback_rounds"]) == (
        cap,
        "不满意",
        cap,
    )
    assert spec_ids(engine, case).count("handle") == cap


# -- 处置超期: the non-interrupting timer ----------------------------------------------------


def test_handle_falls_due_handle_limit_days_after_it_starts(deployed, clock):
    engine = deployed
    case = start_case(engine)
    assert only_ready(engine, CENTER, case, "intake").due_at is None
    clock.advance(hours=2, minutes=17)
    handle_started = clock.now()
    complete_next(engine, CENTER, case, "intake", {**INTAKE, "handle_limit_days": 3})

    handle = only_ready(engine, MEDIATOR, case, "handle")
    assert handle.due_at == handle_started + timedelta(days=3)
    assert handle.created_at == handle_started

    clock.advance(days=1, hours=4)
    reopened = clock.now()
    handle_and_call_back(engine, case, "不满意")
    again = only_ready(engine, MEDIATOR, case, "handle")
    assert again.due_at == reopened + timedelta(days=3)


def test_nothing_fires_before_the_handle_is_due(deployed, clock):
    engine = deployed
    case = registered_case(engine)
    handle = only_ready(engine, MEDIATOR, case, "handle")
    clock.set(handle.due_at - timedelta(minutes=1))
    events = event_count(engine, case)

    assert engine.fire_due_timers() == 0
    assert work_lists(engine, case) == lists(mediator=["handle"])
    assert "supervise" not in spec_ids(engine, case)
    assert event_count(engine, case) == events


def test_overdue_handle_is_supervised_while_the_mediator_keeps_the_task(deployed, clock):
    engine = deployed
    case = registered_case(engine)
    handle = only_ready(engine, MEDIATOR, case, "handle")
    clock.set(handle.due_at + timedelta(minutes=1))

    assert engine.fire_due_timers() == 1
    assert work_lists(engine, case) == lists(mediator=["handle"], supervisor=["supervise"])
    assert only_ready(engine, MEDIATOR, case, "handle").id == handle.id  # not interrupted
    supervise = only_ready(engine, SUPERVISOR, case, "supervise")
    assert (supervise.name, supervise.lane, supervise.candidate_role) == (
        "督办",
        SUPERVISOR_ROLE,
        SUPERVISOR_ROLE,
    )
    assert supervise.created_at == clock.now()

    clock.advance(days=10)
    assert engine.fire_due_timers() == 0  # fired once, not again
    assert spec_ids(engine, case).count("supervise") == 1

    complete_next(engine, SUPERVISOR, case, "supervise", SUPERVISED)
    assert work_lists(engine, case) == lists(mediator=["handle"])
    assert engine.instance(case).status == InstanceStatus.RUNNING

    handle_and_call_back(engine, case, "满意")
    complete_next(engine, CENTER, case, "close", CLOSED)
    data = assert_completed_and_verified(engine, case)
    assert {k: data[k] for k in SUPERVISED} == SUPERVISED
    assert data["callback_round"] == 1


def test_case_can_be_finished_before_supervision_is_done(deployed, clock):
    engine = deployed
    case = registered_case(engine)
    clock.set(only_ready(engine, MEDIATOR, case, "handle").due_at + timedelta(hours=1))
    assert engine.fire_due_timers() == 1

    handle_and_call_back(engine, case, "满意")
    complete_next(engine, CENTER, case, "close", CLOSED)
    assert engine.instance(case).status == InstanceStatus.RUNNING  # 督办 still open
    assert work_lists(engine, case) == lists(supervisor=["supervise"])

    complete_next(engine, SUPERVISOR, case, "supervise", SUPERVISED)
    assert_completed_and_verified(engine, case)


def test_handle_completed_in_time_is_never_supervised(deployed, clock):
    engine = deployed
    case = registered_case(engine)
    clock.advance(days=4, hours=23)
    complete_next(engine, MEDIATOR, case, "handle", HANDLED)

    clock.advance(days=30)
    assert engine.fire_due_timers() == 0
    assert work_lists(engine, case) == lists(center=["callback"])
    complete_next(engine, CENTER, case, "callback", {"evaluation": "满意"})
    complete_next(engine, CENTER, case, "close", CLOSED)
    assert_completed_and_verified(engine, case)
    assert "supervise" not in spec_ids(engine, case)


def test_reopened_handle_gets_its_own_deadline_and_supervision(deployed, clock):
    engine = deployed
    case = registered_case(engine)
    clock.advance(days=2)
    handle_and_call_back(engine, case, "不满意")
    reopened = clock.now()
    assert engine.fire_due_timers() == 0

    clock.set(reopened + timedelta(days=5, minutes=1))
    assert engine.fire_due_timers() == 1
    assert work_lists(engine, case) == lists(mediator=["handle"], supervisor=["supervise"])


def test_firing_at_the_exact_due_instant_is_counted_honestly(deployed, clock):
    """Due means strictly past ``due_at``; what is reported is what actually happened."""
    engine = deployed
    case = registered_case(engine)
    clock.set(only_ready(engine, MEDIATOR, case, "handle").due_at)
    assert (engine.fire_due_timers(), spec_ids(engine, case).count("supervise")) == (0, 0)
    clock.advance(seconds=1)
    assert (engine.fire_due_timers(), spec_ids(engine, case).count("supervise")) == (1, 1)


# -- forms ---------------------------------------------------------------------------------


def test_invalid_intake_is_refused_field_by_field_and_changes_nothing(deployed):
    engine = deployed
    case = start_case(engine)
    intake = only_ready(engine, CENTER, case, "intake")
    events = event_count(engine, case)

    with pytest.raises(FormInvalid) as caught:
        engine.complete(
            intake.id,
            {"dispute_type": "吵架", "handle_limit_days": 0, "phone": "123"},
            actor=CENTER,
        )
    errors = caught.value.errors
    assert errors["summary"] == ["必填"]
    [enum_message] = errors["dispute_type"]
    assert enum_message.startswith("请从以下选项中选择：") and "房屋宅基地" in enum_message
    assert errors["handle_limit_days"] == ["不能小于 1"]
    assert "phone" in "".join(errors[""]) and "未定义" in "".join(errors[""])
    assert "表单填写有误" in str(caught.value)

    assert only_ready(engine, CENTER, case, "intake").id == intake.id
    assert work_lists(engine, case) == lists(center=["intake"])
    assert event_count(engine, case) == events
    assert "summary" not in engine.instance(case, with_data=True).data


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "evaluation", "必填"),
        ({"evaluation": "还行"}, "evaluation", "请从以下选项中选择：满意、基本满意、不满意"),
        ({"evaluation": "满意", "callback_notes": 3}, "callback_notes", "应为文本"),
    ],
)
def test_invalid_callback_is_refused_and_the_case_waits(deployed, data, field, message):
    engine = deployed
    case = registered_case(engine)
    complete_next(engine, MEDIATOR, case, "handle", HANDLED)
    callback = only_ready(engine, CENTER, case, "callback")
    events = event_count(engine, case)

    with pytest.raises(FormInvalid) as caught:
        engine.complete(callback.id, data, actor=CENTER)
    assert caught.value.errors == {field: [message]}

    assert only_ready(engine, CENTER, case, "callback").id == callback.id
    assert event_count(engine, case) == events
    running = engine.instance(case, with_data=True)
    assert (running.status, running.data["callback_round"]) == (InstanceStatus.RUNNING, 0)


def test_invalid_handle_report_is_refused(deployed):
    engine = deployed
    case = registered_case(engine)
    handle = only_ready(engine, MEDIATOR, case, "handle")
    events = event_count(engine, case)
    with pytest.raises(FormInvalid) as caught:
        engine.complete(handle.id, {"result": "成功", "handling_notes": "好"}, actor=MEDIATOR)
    assert caught.value.errors == {
        "handling_notes": ["至少 2 个字"],
        "result": ["请从以下选项中选择：调解成功、部分达成、调解不成"],
    }
    assert only_ready(engine, MEDIATOR, case, "handle").id == handle.id
    assert event_count(engine, case) == events


def test_every_task_names_its_form_and_serves_the_schema(deployed, clock):
    engine = deployed
    case = start_case(engine)
    seen: dict[str, str] = {}

    def check_ready() -> None:
        for actor in EVERYONE:
            for task in ready_of(engine, actor, case):
                assert task.form_key == f"plain_case/{task.spec_id}.schema.json"
                schema = engine.form_schema(task.id)
                assert schema == schema_file(task.form_key)
                assert schema["title"] == task.name
                seen[task.spec_id] = task.form_key

    check_ready()
    complete_next(engine, CENTER, case, "intake", INTAKE)
    check_ready()
    clock.advance(days=6)
    assert engine.fire_due_timers() == 1
    check_ready()
    complete_next(engine, SUPERVISOR, case, "supervise", SUPERVISED)
    complete_next(engine, MEDIATOR, case, "handle", HANDLED)
    check_ready()
    complete_next(engine, CENTER, case, "callback", {"evaluation": "基本满意"})
    check_ready()
    assert sorted(seen) == ["callback", "close", "handle", "intake", "supervise"]
