"""Trial runs on small diagrams: operators never run (their simulations answer, the call is
logged with its evaluated parameters), writes from a step are refused, timers are
fast-forwarded on the trial's own clock, messages delivered, a broken set refused, and a
trial is its creator's alone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker

from engine import (
    Actor,
    ConflictError,
    Engine,
    FormInvalid,
    NotFound,
    OperatorRegistry,
    SourceFile,
    StepFailed,
    current_step,
)
from engine.models import HistoryHead
from engine.trial import (
    EntryKind,
    StepKind,
    TrialRefused,
    TrialRun,
    TrialStatus,
    complete_trial_task,
    delete_trial,
    fire_trial_timer,
    restart_trial,
    send_trial_message,
    start_trial,
    trial_trail,
    trial_view,
    trials_of,
)

from .diagrams import (
    HEAD,
    SIMPLE_FORM,
    message_catch,
    message_definition,
    script_task,
    sequence,
    timer_catch,
    user_task,
)

DESIGNER = Actor.of("designer.wang", ["流程设计员"])
OTHER = Actor.of("designer.li", ["流程设计员"])
FORM = SourceFile("t/a.json", "form", json.dumps(SIMPLE_FORM).encode())


def _never(params, data):
    raise AssertionError("a trial must not run an operator")


def _write_a_row() -> int:
    session = current_step().session
    session.add(HistoryHead(id=99, last_seq=0, last_hash="x"))
    session.flush()
    return 1


def _insert_a_row() -> int:
    current_step().session.execute(insert(HistoryHead).values(id=98, last_seq=0, last_hash="x"))
    return 1


def _count_heads() -> int:
    return current_step().session.execute(select(func.count(HistoryHead.id))).scalar_one()


@pytest.fixture
def trial_engine(sa_engine, clock) -> Engine:
    operators = OperatorRegistry()
    operators.register(
        "notice.send",
        _never,
        params={"to": "收件人", "days": "天数"},
        description="发送通知",
        simulate=lambda params, data: {"sent": True, "to": params["to"]},
    )
    operators.register("record.write", _never, description="写记录")
    return Engine(
        sessionmaker(bind=sa_engine, expire_on_commit=False),
        clock=clock,
        operators=operators,
        helpers={
            "write_a_row": _write_a_row,
            "insert_a_row": _insert_a_row,
            "count_heads": _count_heads,
        },
    )


def _service(task_id: str, operator: str, params: dict[str, str], result: str) -> str:
    items = "".join(
        f'<spiffworkflow:parameter id="{k}" type="str" value="{v}"/>' for k, v in params.items()
    )
    return (
        f'<bpmn:serviceTask id="{task_id}" name="{task_id}名"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="{result}">'
        f"<spiffworkflow:parameters>{items}</spiffworkflow:parameters>"
        "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
    )


def _bpmn(name: str, text: str) -> SourceFile:
    return SourceFile(name, "bpmn", text.encode())


SERVICES = _bpmn(
    "s.bpmn",
    sequence(
        "s",
        ("a", user_task("a", "登记", form="t/a.json")),
        (
            "send",
            _service("send", "notice.send", {"to": "&quot;镇&quot; + note", "days": "2"}, "sent"),
        ),
        ("write", _service("write", "record.write", {}, "written")),
        ("after", user_task("after", "核对", form="t/a.json")),
    ),
)


def _start(engine, files, **kwargs) -> int:
    return start_trial(engine, files, actor=DESIGNER, data={}, source="草稿", **kwargs)


def _view(engine, trial_id, actor=DESIGNER):
    return trial_view(engine, trial_id, user=actor.user)


def _rows(engine, model) -> int:
    with engine.session_factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_service_calls_are_logged_and_simulated_never_run(trial_engine):
    trial_id = _start(trial_engine, [SERVICES, FORM])
    [task] = _view(trial_engine, trial_id).tasks
    assert (task.name, task.lane, task.schema["title"]) == ("登记", "镇综治中心", "测试表单")

    complete_trial_task(trial_engine, trial_id, task.id, {"note": "中心"}, actor=DESIGNER)

    view = _view(trial_engine, trial_id)
    step = view.steps[-1]
    assert (step.kind, step.subject, step.submitted) == (StepKind.TASK, "登记", {"note": "中心"})
    calls = {e.element: e.details for e in step.entries if e.kind == EntryKind.SERVICE_SIMULATED}
    assert calls["send"]["params"] == {"to": "镇中心", "days": 2}
    assert calls["send"]["result"] == {"sent": True, "to": "镇中心"} and calls["send"]["simulated"]
    assert calls["write"]["result"] is None and not calls["write"]["simulated"]
    assert view.data["sent"] == {"sent": True, "to": "镇中心"} and view.data["written"] is None
    assert [t.element for t in view.tasks] == ["after"]


@pytest.mark.parametrize("writer", ["write_a_row", "insert_a_row"])
def test_a_helper_that_writes_fails_the_step_and_nothing_is_written(trial_engine, writer):
    reads = _bpmn(
        "r.bpmn",
        sequence(
            "r",
            ("count", script_task("count", "heads = count_heads()")),
            ("a", user_task("a", "登记", form="t/a.json")),
            ("evil", script_task("evil", f"done = {writer}()")),
        ),
    )
    heads = _rows(trial_engine, HistoryHead)
    trial_id = _start(trial_engine, [reads, FORM])
    [task] = _view(trial_engine, trial_id).tasks

    with pytest.raises(StepFailed, match="试运行不能写入数据库"):
        complete_trial_task(trial_engine, trial_id, task.id, {"note": "试试"}, actor=DESIGNER)

    view = _view(trial_engine, trial_id)
    assert view.data["heads"] == heads, "reads work"
    failed = view.steps[-1]
    assert failed.error and failed.error_element == "evil" and failed.entries == ()
    assert [t.id for t in view.tasks] == [task.id], "the trial stays where it was"
    assert _rows(trial_engine, HistoryHead) == heads


def test_fast_forward_moves_the_trial_clock_past_the_timer(trial_engine, clock):
    waits = _bpmn(
        "w.bpmn",
        sequence("w", ("wait", timer_catch("wait", '"P2D"')), ("a", user_task("a", "登记"))),
    )
    trial_id = _start(trial_engine, [waits])
    view = _view(trial_engine, trial_id)
    [timer] = view.timers
    assert timer.due == clock.now() + timedelta(days=2) and view.tasks == ()
    armed = [e for e in view.steps[0].entries if e.kind == EntryKind.TIMER_ARMED]
    assert armed[0].details["due"] == timer.due.isoformat()

    fire_trial_timer(trial_engine, trial_id, timer.id, actor=DESIGNER)

    view = _view(trial_engine, trial_id)
    assert view.clock_at > timer.due and clock.now() < timer.due, "the engine's clock stays"
    assert view.steps[-1].kind == StepKind.TIMER and view.steps[-1].subject == "等待"
    assert [e.kind for e in view.steps[-1].entries][:2] == [
        EntryKind.TIMER_FIRED,
        EntryKind.TASK_READY,
    ]
    assert view.timers == () and [t.element for t in view.tasks] == ["a"]
    with pytest.raises(ConflictError):
        fire_trial_timer(trial_engine, trial_id, timer.id, actor=DESIGNER)


def test_a_waiting_message_is_delivered(trial_engine):
    text = sequence(
        "m", ("got", message_catch("got", "回执", "receipt")), ("a", user_task("a", "登记"))
    ).replace("</bpmn:definitions>", message_definition("回执") + "</bpmn:definitions>")
    trial_id = _start(trial_engine, [_bpmn("m.bpmn", text)])
    assert [m.name for m in _view(trial_engine, trial_id).messages] == ["回执"]

    send_trial_message(trial_engine, trial_id, "回执", {"ok": True}, actor=DESIGNER)

    view = _view(trial_engine, trial_id)
    assert view.data["receipt"] == {"ok": True} and view.messages == ()
    assert view.steps[-1].kind == StepKind.MESSAGE


def test_a_set_with_errors_is_refused_with_its_problems_and_nothing_stored(trial_engine):
    broken = _bpmn("b.bpmn", sequence("b", ("x", _service("x", "no.such", {}, "r"))))
    with pytest.raises(TrialRefused) as refused:
        _start(trial_engine, [broken])
    assert any(p.element == "x" and "no.such" in p.message for p in refused.value.problems)
    assert _rows(trial_engine, TrialRun) == 0


def test_the_process_is_told_by_id_or_by_the_edited_file(trial_engine):
    with pytest.raises(TrialRefused, match="没有可执行的流程 nope"):
        _start(trial_engine, [SERVICES, FORM], process_id="nope")
    other = _bpmn("o.bpmn", sequence("o", ("a", user_task("a", "办理"))))
    with pytest.raises(TrialRefused, match="多个流程"):
        _start(trial_engine, [SERVICES, other, FORM])
    trial_id = _start(trial_engine, [SERVICES, other, FORM], prefer_file="o.bpmn")
    assert _view(trial_engine, trial_id).summary.process_id == "o"


def test_form_data_is_validated_like_the_real_task(trial_engine):
    trial_id = _start(trial_engine, [SERVICES, FORM])
    [task] = _view(trial_engine, trial_id).tasks
    with pytest.raises(FormInvalid) as invalid:
        complete_trial_task(trial_engine, trial_id, task.id, {"note": "x"}, actor=DESIGNER)
    assert "note" in invalid.value.errors
    assert len(_view(trial_engine, trial_id).steps) == 1, "a refused form is no step"


def test_a_failed_start_is_kept_and_restarted_with_other_data(trial_engine):
    gated = HEAD.format(pid="g") + (
        '<bpmn:process id="g" name="分支" isExecutable="true">'
        '<bpmn:laneSet id="ls"><bpmn:lane id="l" name="镇综治中心">'
        "<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>gw</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>a</bpmn:flowNodeRef><bpmn:flowNodeRef>b</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        '<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="gw" name="红色？" default="fb"/>'
        '<bpmn:userTask id="a" name="包案"/><bpmn:userTask id="b" name="一般办理"/>'
        '<bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>'
        '<bpmn:sequenceFlow id="fa" name="红色" sourceRef="gw" targetRef="a">'
        '<bpmn:conditionExpression>colour == "红"</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="fb" name="其他" sourceRef="gw" targetRef="b"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="a" targetRef="end"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="b" targetRef="end"/>'
        "</bpmn:process></bpmn:definitions>"
    )
    trial_id = _start(trial_engine, [_bpmn("g.bpmn", gated)])
    view = _view(trial_engine, trial_id)
    assert view.summary.status == TrialStatus.FAILED
    assert view.steps[0].error_element == "gw" and "colour" in view.steps[0].error
    assert view.tasks == ()

    restart_trial(trial_engine, trial_id, actor=DESIGNER, data={"colour": "红"})

    view = _view(trial_engine, trial_id)
    assert view.summary.status == TrialStatus.RUNNING and len(view.steps) == 1
    [gateway] = [e for e in view.steps[0].entries if e.kind == EntryKind.GATEWAY_TAKEN]
    assert gateway.details == {"targets": ["包案"], "flows": ["红色"]}
    [marks] = trial_trail(trial_engine, trial_id, user=DESIGNER.user)
    assert marks.current == ("a",) and "fa" in marks.flows and "fb" not in marks.flows
    assert '<bpmn:process id="g"' in marks.xml


def test_a_trial_is_its_creators_alone(trial_engine):
    trial_id = _start(trial_engine, [SERVICES, FORM])
    [task] = _view(trial_engine, trial_id).tasks
    with pytest.raises(NotFound):
        _view(trial_engine, trial_id, actor=OTHER)
    with pytest.raises(NotFound):
        complete_trial_task(trial_engine, trial_id, task.id, {"note": "他人"}, actor=OTHER)
    assert [t.id for t in trials_of(trial_engine, DESIGNER.user)] == [trial_id]
    assert trials_of(trial_engine, OTHER.user) == []

    delete_trial(trial_engine, trial_id, actor=DESIGNER)
    with pytest.raises(NotFound):
        _view(trial_engine, trial_id)
