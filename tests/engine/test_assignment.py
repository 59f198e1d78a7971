"""A user task's assignee and candidates (``assignee``, ``candidateUsers``,
``candidateUnits``) evaluated when it becomes ready; the multi-instance item; who may then
see and complete it; a failing expression fails the step and stores nothing."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from engine import Actor, ConflictError, PermissionDenied, SourceFile, StepFailed
from engine.models import HistoryEvent, Instance, TaskCandidate
from engine.replay import data_after_each
from engine.trial import EntryKind, start_trial, trial_view

from .diagrams import sequence

FIXTURES = Path(__file__).parent / "fixtures"
ZHANG = Actor.of("zhang", ["镇综治中心"])
LI = Actor.of("li", ["镇综治中心"])
ZHOU = Actor.of("zhou", ["镇综治中心"])
WANG = Actor.of("wang", ["镇综治中心"])
RENSHE = Actor.of("ren", ["部门"], units=["renshe"])
ZHUJIAN = Actor.of("zhu", ["部门"], units=["zhujian"])
MINZHENG = Actor.of("min", ["部门"], units=["minzheng"])
START = {
    "responsible_person": "zhang",
    "reviewers": ["li", "zhou"],
    "units": ["renshe", "zhujian"],
    "settle_unit": "minzheng",
    "settle_user": "zhu",
}


@pytest.fixture
def assigning(engine):
    engine.deploy([FIXTURES / "assignment.bpmn", FIXTURES / "summons.bpmn"], actor="t", note="")
    return engine


def _ready(engine, instance_id, spec_id):
    return [t for t in engine.tasks_of(instance_id) if t.status == "ready" and t.spec_id == spec_id]


def _only(engine, instance_id, spec_id):
    [task] = _ready(engine, instance_id, spec_id)
    return task


def _events(engine, instance_id, event_type):
    with engine.session_factory() as session:
        rows = session.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.instance_id == instance_id, HistoryEvent.event_type == event_type)
            .order_by(HistoryEvent.seq)
        )
        return [(row.spec_id, row.actor, row.data) for row in rows]


def _ids(engine, actor):
    return [t.spec_id for t in engine.ready_tasks(actor)]


def _walk_to(engine, spec_id, data=START):
    """Start ``assignment`` and complete its tasks in turn until ``spec_id`` is ready."""
    instance = engine.start("assignment", actor=ZHANG, data=data)
    doers = {"handle": ZHANG, "review": LI, "report": RENSHE, "settle": ZHUJIAN}
    for step in ("handle", "review", "report", "settle"):
        if step == spec_id:
            break
        engine.complete(_only(engine, instance, step).id, {}, actor=doers[step])
    return instance, _only(engine, instance, spec_id)


def test_an_assignee_gets_the_task_and_nobody_else_of_the_lane_does(assigning):
    instance, handle = _walk_to(assigning, "handle")
    assert (handle.assignee, handle.candidate_role, handle.open_to_lane) == (
        "zhang",
        "镇综治中心",
        True,
    )
    assert _ids(assigning, ZHANG) == ["handle"]
    assert _ids(assigning, LI) == []
    with pytest.raises(PermissionDenied, match="已交由 zhang 办理"):
        assigning.complete(handle.id, {}, actor=LI)
    with pytest.raises(ConflictError, match="zhang"):
        assigning.claim(handle.id, actor=LI)
    assert assigning.offered(handle.id, actor=ZHANG) and not assigning.offered(handle.id, actor=LI)
    assigning.complete(handle.id, {}, actor=ZHANG)
    assert _events(assigning, instance, "task_ready")[0] == (
        "handle",
        "zhang",
        {"assignee": "zhang"},
    )


def test_candidate_users_share_a_task_until_one_claims_it(assigning):
    instance, review = _walk_to(assigning, "review")
    assert (review.assignee, review.open_to_lane) == (None, False)
    assert assigning.candidates(review.id).users == ("li", "zhou")
    assert _ids(assigning, LI) == _ids(assigning, ZHOU) == ["review"]
    assert _ids(assigning, WANG) == []
    with pytest.raises(PermissionDenied, match="只交给流程指定的人员或单位"):
        assigning.complete(review.id, {}, actor=WANG)
    with pytest.raises(PermissionDenied, match="需要角色"):
        assigning.claim(review.id, actor=Actor.of("li", ["部门"]))  # a candidate, not of the lane
    assigning.claim(review.id, actor=LI)
    assert _ids(assigning, ZHOU) == []
    assigning.unclaim(review.id, actor=LI)  # handed back: to the candidates, not the lane
    assert _ids(assigning, ZHOU) == ["review"] and _ids(assigning, WANG) == []
    data = _events(assigning, instance, "task_ready")[1][2]
    assert data == {"candidate_users": ["li", "zhou"]}


def test_candidate_units_give_the_task_to_the_lane_holders_in_them(assigning):
    _instance, report = _walk_to(assigning, "report")
    assert (report.candidate_unit, report.open_to_lane) == ("renshe", False)
    assert assigning.candidates(report.id).units == ("renshe", "zhujian")
    assert _ids(assigning, RENSHE) == _ids(assigning, ZHUJIAN) == ["report"]
    assert _ids(assigning, MINZHENG) == []
    with pytest.raises(PermissionDenied, match="您不在其中"):
        assigning.complete(report.id, {}, actor=MINZHENG)
    assigning.complete(report.id, {}, actor=ZHUJIAN)
    assert assigning.candidates(report.id).units == (), "candidate rows are for ready tasks"


def test_a_candidate_unit_or_a_candidate_user_suffices(assigning):
    _instance, _settle = _walk_to(assigning, "settle")
    assert _ids(assigning, MINZHENG) == ["settle"]  # in the candidate unit
    assert _ids(assigning, ZHUJIAN) == ["settle"]  # the candidate user ``zhu``
    assert _ids(assigning, RENSHE) == []


def test_nothing_named_leaves_the_task_open_to_its_lane(assigning):
    data = {**START, "settle_unit": None, "settle_user": ""}
    instance, settle = _walk_to(assigning, "settle", data)
    assert settle.open_to_lane and _ids(assigning, RENSHE) == ["settle"]
    assigning.complete(settle.id, {}, actor=RENSHE)
    close = _only(assigning, instance, "close")
    assert (close.assignee, close.candidate_unit, close.open_to_lane) == (None, None, True)
    assert _ids(assigning, WANG) == ["close"]


def test_each_summoned_department_gets_its_own_acknowledgement(assigning):
    instance = assigning.start(
        "summons",
        actor=ZHANG,
        data={
            "departments": ["人社局", "住建局"],
            "unit_codes": {"人社局": "renshe", "住建局": "zhujian"},
            "reviewers": ["li", "zhou"],
        },
    )
    acks = {t.item: t for t in _ready(assigning, instance, "acknowledge")}
    assert {item: t.candidate_unit for item, t in acks.items()} == {
        "人社局": "renshe",
        "住建局": "zhujian",
    }
    assert [t.item for t in assigning.ready_tasks(RENSHE)] == ["人社局"]
    assert [t.item for t in assigning.ready_tasks(ZHUJIAN)] == ["住建局"]
    with pytest.raises(PermissionDenied):
        assigning.complete(acks["住建局"].id, {}, actor=RENSHE)
    for item, actor in (("人社局", RENSHE), ("住建局", ZHUJIAN)):
        assigning.complete(acks[item].id, {}, actor=actor)
    checks = {t.item: t.assignee for t in _ready(assigning, instance, "check")}
    assert checks == {"li": "li", "zhou": "zhou"}, "a multi-instance user task's own item"
    readies = [d for spec, _a, d in _events(assigning, instance, "task_ready") if spec == "check"]
    assert {"assignee": "li", "item": "li"} in readies


def test_an_expression_that_fails_fails_the_start_and_stores_nothing(assigning):
    data = {k: v for k, v in START.items() if k != "responsible_person"}
    with pytest.raises(StepFailed) as failed:
        assigning.start("assignment", actor=ZHANG, data=data)
    assert failed.value.element == "handle"
    assert "用户任务「责任人包调处」的办理人（assignee）表达式 'responsible_person'" in str(
        failed.value
    )
    assert "变量 responsible_person 未定义" in failed.value.message
    assert "Did you mean" not in failed.value.message
    with assigning.session_factory() as session:
        assert session.scalars(select(Instance)).all() == []


def test_a_value_that_cannot_name_a_person_fails_the_step_which_is_rolled_back(assigning):
    instance, handle = _walk_to(assigning, "handle")
    with pytest.raises(StepFailed, match="候选人（candidateUsers）中的一项应为文本，实为 7"):
        assigning.complete(handle.id, {"reviewers": ["li", 7]}, actor=ZHANG)
    assert _only(assigning, instance, "handle").assignee == "zhang"
    assert _ready(assigning, instance, "review") == []
    with pytest.raises(StepFailed, match="应给出一个用户名"):
        assigning.start("assignment", actor=ZHANG, data={**START, "responsible_person": 42})
    with assigning.session_factory() as session:
        assert session.scalars(select(TaskCandidate)).all() == []


SUPERVISOR = Actor.of("du", ["督办员"])


def test_a_supervisor_reassigns_on_behalf_with_a_reason(assigning):
    instance, handle = _walk_to(assigning, "handle")
    with pytest.raises(ValueError, match="原因"):
        assigning.assign(handle.id, to_user="li", actor=SUPERVISOR, reason=" ", on_behalf=True)
    with pytest.raises(PermissionDenied, match="只有办理人或督办人员"):
        assigning.assign(handle.id, to_user="li", actor=SUPERVISOR, reason="请假")
    assigning.assign(handle.id, to_user="li", actor=SUPERVISOR, reason="张某请假", on_behalf=True)
    assert assigning.task(handle.id).assignee == "li"
    assert _ids(assigning, LI) == ["handle"] and _ids(assigning, ZHANG) == []
    [event] = _events(assigning, instance, "task_assigned")
    assert event == (
        "handle",
        "du",
        {"from": "zhang", "to": "li", "reason": "张某请假", "on_behalf_of": "zhang"},
    )
    assigning.assign(handle.id, to_user="zhou", actor=LI, reason="转交同事")  # its holder may
    assert _events(assigning, instance, "task_assigned")[1][2] == {
        "from": "li",
        "to": "zhou",
        "reason": "转交同事",
    }


def test_completing_on_behalf_names_the_holder_in_the_history(assigning):
    instance, handle = _walk_to(assigning, "handle")
    with pytest.raises(PermissionDenied):
        assigning.complete(handle.id, {"note": "督办代办"}, actor=SUPERVISOR)
    assigning.complete(handle.id, {"note": "督办代办"}, actor=SUPERVISOR, on_behalf=True)
    [(_spec, actor, data)] = [
        e for e in _events(assigning, instance, "task_completed") if e[0] == "handle"
    ]
    assert (actor, data) == ("du", {"note": "督办代办", "on_behalf_of": "zhang"})
    review = _only(assigning, instance, "review")
    assigning.complete(review.id, {}, actor=LI, on_behalf=True)  # offered: not on behalf
    assert "on_behalf_of" not in _events(assigning, instance, "task_completed")[-1][2]


def test_the_holder_hands_an_assigned_task_back_to_the_lane(assigning):
    instance, handle = _walk_to(assigning, "handle")
    with pytest.raises(PermissionDenied, match="不是由您认领"):
        assigning.unclaim(handle.id, actor=LI)
    assigning.unclaim(handle.id, actor=ZHANG)
    assert assigning.task(handle.id).assignee is None
    assert _ids(assigning, LI) == ["handle"]
    with pytest.raises(ConflictError, match="没有办理人"):
        assigning.unclaim(handle.id, actor=ZHANG)
    assigning.claim(handle.id, actor=LI)
    assigning.unclaim(handle.id, actor=SUPERVISOR, on_behalf=True)
    unclaimed = _events(assigning, instance, "task_unclaimed")
    assert [(actor, data) for _s, actor, data in unclaimed] == [
        ("zhang", {}),
        ("du", {"on_behalf_of": "li"}),
    ]


def _with_properties(**properties: str) -> SourceFile:
    items = "".join(
        f'<spiffworkflow:property name="{name}" value="{escape(value, {chr(34): "&quot;"})}"/>'
        for name, value in properties.items()
    )
    task = (
        '<bpmn:userTask id="handle" name="包调处"><bpmn:extensionElements>'
        f"<spiffworkflow:properties>{items}</spiffworkflow:properties>"
        "</bpmn:extensionElements></bpmn:userTask>"
    )
    return SourceFile("p.bpmn", "bpmn", sequence("p", ("handle", task)).encode())


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"assignee": "responsible_person"}, None),
        ({"assignee": '"zhang"', "candidateUnits": '["renshe", "zhujian"]'}, None),
        ({"candidateUsers": 'get_data("reviewers", [])'}, None),
        ({"assignee": "responsible person"}, "办理人（assignee）表达式：第 1 行：语法错误"),
        ({"assignee": 'open("x")'}, "办理人（assignee）表达式："),
        ({"assignee": '"张 三"'}, '办理人（assignee） "张 三"：不是用户名'),
        ({"assignee": "42"}, "不是用户名（应为文本，实为 42）"),
        ({"candidateUsers": '["li", 7]'}, '候选人（candidateUsers） ["li", 7]：7 不是用户名'),
        ({"candidateUnits": '"a-unit-code-longer-than-twenty"'}, "不是单位代码"),
        ({"candidateUnits": "{1: 2}"}, "应为列表或单个文本"),
    ],
)
def test_deploy_checks_the_expressions_and_names_the_element(engine, properties, expected):
    errors = [
        p for p in engine.validate_set([_with_properties(**properties)]) if p.severity == "error"
    ]
    if expected is None:
        assert errors == []
    else:
        assert [(p.file, p.element) for p in errors] == [("p.bpmn", "handle")], errors
        assert expected in errors[0].message


def test_a_trial_shows_whom_each_ready_task_goes_to(engine):
    files = [SourceFile("summons.bpmn", "bpmn", (FIXTURES / "summons.bpmn").read_bytes())]
    data = {"departments": ["人社局"], "unit_codes": {"人社局": "renshe"}, "reviewers": ["li"]}
    trial_id = start_trial(engine, files, actor=ZHANG, data=data, source="草稿")
    [step] = trial_view(engine, trial_id, user="zhang").steps
    [ready] = [e for e in step.entries if e.kind == EntryKind.TASK_READY]
    assert ready.details == {"lane": "部门", "candidate_units": ["renshe"], "item": "人社局"}


def test_people_named_on_an_element_nobody_does_by_hand_are_a_warning(engine):
    task = (
        '<bpmn:scriptTask id="calc" name="计算"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="assignee" value="responsible_person"/>'
        "</spiffworkflow:properties></bpmn:extensionElements>"
        "<bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>"
    )
    problems = engine.validate_set(
        [SourceFile("p.bpmn", "bpmn", sequence("p", ("calc", task)).encode())]
    )
    assert [(p.element, p.severity, p.message) for p in problems] == [
        ("calc", "warning", "「计算」(calc) 不是人工任务，办理人（assignee）不起作用")
    ]


def test_the_replay_keeps_who_was_acted_for_out_of_the_process_data(assigning):
    instance, handle = _walk_to(assigning, "handle")
    assigning.complete(handle.id, {"note": "代办"}, actor=SUPERVISOR, on_behalf=True)
    with assigning.session_factory() as session:
        events = session.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.instance_id == instance)
            .order_by(HistoryEvent.seq)
        ).all()
    assert data_after_each(events)[-1]["note"] == "代办"
    assert "on_behalf_of" not in data_after_each(events)[-1]
