"""Issue 19: service tasks without an operator and send tasks without a message pass
through (a deploy warning naming file and element, an event in the history, a line in the
trial); BPMN data stores are rows shared by name across instances and diagrams, written in
the step's transaction, and never touched by a trial."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import Actor, DeployRejected, SourceFile, StepFailed
from engine.models import DataStoreValue, HistoryEvent
from engine.trial import EntryKind, start_trial, trial_view

from .diagrams import HEAD, sequence, service_task

DEMO = Actor.of("demo", ["镇综治中心"])
DESIGNER = Actor.of("designer.wang", ["流程设计员"])

PASS_NOTE = "没有指定服务操作：运行时直接通过，不调用任何服务；要调用服务请在属性面板选择服务操作"


def _file(name: str, text: str) -> SourceFile:
    return SourceFile(name, "bpmn", text.encode())


def _events(engine, instance_id: int, event_type: str) -> list[dict]:
    with engine.session_factory() as session:
        rows = session.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.instance_id == instance_id, HistoryEvent.event_type == event_type)
            .order_by(HistoryEvent.seq)
        )
        return [dict(row.data or {}) for row in rows]


def _store(engine, name: str) -> DataStoreValue | None:
    with engine.session_factory() as session:
        return session.get(DataStoreValue, name)


UNSPECIFIED = sequence(
    "svc",
    ("notify", '<bpmn:serviceTask id="notify" name="通知当事人"/>'),
    (
        "archive",
        '<bpmn:serviceTask id="archive" name="归档" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'camunda:delegateExpression="#{archiveService}"/>',
    ),
    ("tell", '<bpmn:sendTask id="tell" name="告知"/>'),
    ("hear", '<bpmn:receiveTask id="hear" name="等回复"/>'),
)


def test_service_task_without_operator_deploys_with_a_warning_naming_file_and_element(engine):
    result = engine.deploy_set([_file("svc.bpmn", UNSPECIFIED)], actor="t", note="t")
    warnings = {(w.file, w.element): w.message for w in result.warnings}
    assert PASS_NOTE in warnings[("svc.bpmn", "notify")]
    archive = warnings[("svc.bpmn", "archive")]
    assert PASS_NOTE in archive and 'camunda:delegateExpression="#{archiveService}"' in archive
    assert "发送任务没有指定消息：运行时直接通过" in warnings[("svc.bpmn", "tell")]
    assert "接收任务没有指定消息：运行时直接通过" in warnings[("svc.bpmn", "hear")]


def test_passed_service_and_send_tasks_are_in_the_history(engine):
    engine.deploy_set([_file("svc.bpmn", UNSPECIFIED)], actor="t", note="t")
    instance_id = engine.start("svc", actor=DEMO, data={"x": 1})
    view = engine.instance(instance_id, with_data=True)
    assert view.status == "completed"
    passed = _events(engine, instance_id, "service_task_passed")
    assert [(e["element"], e["element_name"]) for e in passed] == [
        ("notify", "通知当事人"),
        ("archive", "归档"),
    ]
    assert passed[1]["implementation"] == 'camunda:delegateExpression="#{archiveService}"'
    assert [e["element"] for e in _events(engine, instance_id, "send_task_passed")] == ["tell"]
    assert [e["element"] for e in _events(engine, instance_id, "receive_task_passed")] == ["hear"]
    assert view.data == {"x": 1}  # no result variable was written


def test_an_operator_we_do_not_have_is_still_rejected(engine):
    text = sequence("svc2", ("call", service_task("call", "bamboohr/GetPayRate")))
    with pytest.raises(DeployRejected) as rejected:
        engine.deploy_set([_file("svc2.bpmn", text)], actor="t", note="t")
    [error] = [p for p in rejected.value.problems if p.severity == "error"]
    assert (error.file, error.element) == ("svc2.bpmn", "call")
    assert "未注册" in error.message


def test_trial_logs_the_pass_through(engine):
    trial_id = start_trial(
        engine, [_file("svc.bpmn", UNSPECIFIED)], actor=DESIGNER, data={}, source="草稿"
    )
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    passed = {
        e.element: e.details
        for step in view.steps
        for e in step.entries
        if e.kind == EntryKind.SERVICE_SIMULATED
    }
    assert passed["notify"]["passed"] == "service_task_passed"
    assert passed["tell"]["passed"] == "send_task_passed"
    assert passed["hear"]["passed"] == "receive_task_passed"


RULES = sequence(
    "rules",
    ("judge", '<bpmn:businessRuleTask id="judge" name="判定风险"/>'),
    ("score", '<bpmn:businessRuleTask id="score" name="打分" implementation="##WebService"/>'),
)
RULE_NOTE = "业务规则任务没有指定决策表：运行时直接通过，不执行任何决策"


def test_business_rule_task_without_decision_passes_through_with_warning_and_history(engine):
    result = engine.deploy_set([_file("rules.bpmn", RULES)], actor="t", note="t")
    warnings = {(w.file, w.element): w.message for w in result.warnings}
    assert RULE_NOTE in warnings[("rules.bpmn", "judge")]
    assert 'implementation="##WebService" 本引擎没有' in warnings[("rules.bpmn", "score")]
    instance_id = engine.start("rules", actor=DEMO, data={"x": 1})
    view = engine.instance(instance_id, with_data=True)
    assert (view.status, view.data) == ("completed", {"x": 1})
    passed = _events(engine, instance_id, "business_rule_task_passed")
    assert [(e["element"], e.get("implementation")) for e in passed] == [
        ("judge", None),
        ("score", 'implementation="##WebService"'),
    ]


def test_trial_logs_the_business_rule_pass_through(engine):
    trial_id = start_trial(
        engine, [_file("rules.bpmn", RULES)], actor=DESIGNER, data={}, source="草稿"
    )
    view = trial_view(engine, trial_id, user=DESIGNER.user)
    passed = [
        (e.element, e.details["passed"])
        for step in view.steps
        for e in step.entries
        if e.kind == EntryKind.SERVICE_SIMULATED
    ]
    assert passed == [
        ("judge", "business_rule_task_passed"),
        ("score", "business_rule_task_passed"),
    ]


@pytest.mark.parametrize(
    "reference",
    [
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:decisionRef="risk_check"',
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:decisionRef=""',
    ],
)
def test_a_business_rule_task_naming_a_missing_decision_is_still_rejected(engine, reference):
    task = f'<bpmn:businessRuleTask id="judge" name="判定风险" {reference}/>'
    with pytest.raises(DeployRejected) as rejected:
        engine.deploy_set([_file("r2.bpmn", sequence("r2", ("judge", task)))], actor="t", note="t")
    [error] = [p for p in rejected.value.problems if p.severity == "error"]
    assert (error.file, error.element) == ("r2.bpmn", "judge")
    assert "决策表" in error.message


# -- data stores ----------------------------------------------------------------------------

NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'


def _store_diagram(pid: str, store_id: str, script: str, *, read=True, write=True, fail=False):
    """start → script (reading/writing the store 计数器 through a reference) → [1/0] → end."""
    placeholder = f'<bpmn:property id="p_{pid}" name="__targetRef_placeholder"/>'
    inputs = (
        f'<bpmn:dataInputAssociation id="in_{pid}"><bpmn:sourceRef>ref_{pid}</bpmn:sourceRef>'
        f"<bpmn:targetRef>p_{pid}</bpmn:targetRef></bpmn:dataInputAssociation>"
        if read
        else ""
    )
    outputs = (
        f'<bpmn:dataOutputAssociation id="out_{pid}">'
        f"<bpmn:targetRef>ref_{pid}</bpmn:targetRef></bpmn:dataOutputAssociation>"
        if write
        else ""
    )
    broken = '<bpmn:scriptTask id="boom" name="出错"><bpmn:script>x = 1 / 0</bpmn:script>'
    broken += "</bpmn:scriptTask>"
    after = "boom" if fail else "end"
    return (
        HEAD.format(pid=pid)
        + f'<bpmn:dataStore id="{store_id}" name="计数器"/>'
        + f'<bpmn:process id="{pid}" name="{pid}" isExecutable="true">'
        + '<bpmn:startEvent id="start"/>'
        + f'<bpmn:scriptTask id="work" name="读写计数器">{placeholder}{inputs}{outputs}'
        + f"<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>"
        + (broken if fail else "")
        + f'<bpmn:dataStoreReference id="ref_{pid}" name="计数器" dataStoreRef="{store_id}"/>'
        + '<bpmn:endEvent id="end"/>'
        + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>'
        + f'<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="{after}"/>'
        + ('<bpmn:sequenceFlow id="f3" sourceRef="boom" targetRef="end"/>' if fail else "")
        + "</bpmn:process></bpmn:definitions>"
    )


WRITER = _store_diagram("writer", "ds_count", "ds_count = (ds_count or 0) + 1\nlast = ds_count")
READER = _store_diagram("reader", "DataStore_0abc", "seen = DataStore_0abc", write=False)
FAILING = _store_diagram("failing", "ds_f", "ds_f = 100", read=False, fail=True)


def test_a_store_written_by_one_instance_is_read_by_the_next_and_by_another_diagram(engine):
    result = engine.deploy_set(
        [_file("writer.bpmn", WRITER), _file("reader.bpmn", READER)], actor="t", note="t"
    )
    assert any(
        w.file == "writer.bpmn" and w.element == "ds_count" and "数据存储「计数器」" in w.message
        for w in result.warnings
    )
    first = engine.start("writer", actor=DEMO)
    second = engine.start("writer", actor=DEMO)
    assert engine.instance(first, with_data=True).data == {"last": 1}
    assert engine.instance(second, with_data=True).data == {"last": 2}  # the store left it
    row = _store(engine, "计数器")
    assert (row.value, row.updated_by_instance, row.updated_by_process) == (2, second, "writer")
    reader = engine.start("reader", actor=DEMO)
    assert engine.instance(reader, with_data=True).data == {"seen": 2}
    written = _events(engine, second, "data_store_written")
    assert written == [
        {"store": "计数器", "element": "work", "element_name": "读写计数器", "value": 2}
    ]


def test_a_failed_step_leaves_the_store_unchanged(engine):
    engine.deploy_set(
        [_file("writer.bpmn", WRITER), _file("failing.bpmn", FAILING)], actor="t", note="t"
    )
    engine.start("writer", actor=DEMO)
    with pytest.raises(StepFailed):
        engine.start("failing", actor=DEMO)
    assert _store(engine, "计数器").value == 1


def test_trials_keep_their_own_stores_and_never_touch_the_table(engine):
    engine.deploy_set([_file("writer.bpmn", WRITER)], actor="t", note="t")
    engine.start("writer", actor=DEMO)  # the real store: 1
    views = []
    for _ in range(2):
        trial_id = start_trial(
            engine, [_file("writer.bpmn", WRITER)], actor=DESIGNER, data={}, source="草稿"
        )
        views.append(trial_view(engine, trial_id, user=DESIGNER.user))
    assert [v.data["last"] for v in views] == [1, 1]  # each trial starts empty
    assert _store(engine, "计数器").value == 1


def test_a_reference_without_a_data_store_is_a_store_of_its_own(engine):
    text = WRITER.replace('<bpmn:dataStore id="ds_count" name="计数器"/>', "").replace(
        ' dataStoreRef="ds_count"', ""
    )
    text = text.replace("ds_count", "ref_writer")
    engine.deploy_set([_file("writer.bpmn", text)], actor="t", note="t")
    instance_id = engine.start("writer", actor=DEMO)
    assert engine.instance(instance_id, with_data=True).data == {"last": 1}
    assert _store(engine, "计数器").value == 1


PROCESS_IO = (
    HEAD.format(pid="io")
    + '<bpmn:process id="io" name="io" isExecutable="true">'
    + '<bpmn:ioSpecification><bpmn:dataInput id="amount" name="金额"/>'
    + '<bpmn:dataOutput id="total" name="合计"/><bpmn:inputSet><bpmn:dataInputRefs>amount'
    + "</bpmn:dataInputRefs></bpmn:inputSet><bpmn:outputSet><bpmn:dataOutputRefs>total"
    + "</bpmn:dataOutputRefs></bpmn:outputSet></bpmn:ioSpecification>"
    + '<bpmn:startEvent id="start"/>'
    + '<bpmn:scriptTask id="add" name="合计"><bpmn:property id="p" name="__targetRef_placeholder"/>'
    + '<bpmn:dataInputAssociation id="a_in"><bpmn:sourceRef>amount</bpmn:sourceRef>'
    + "<bpmn:targetRef>p</bpmn:targetRef></bpmn:dataInputAssociation>"
    + '<bpmn:dataOutputAssociation id="a_out"><bpmn:targetRef>total</bpmn:targetRef>'
    + "</bpmn:dataOutputAssociation><bpmn:script>total = amount * 2</bpmn:script></bpmn:scriptTask>"
    + '<bpmn:endEvent id="end"/>'
    + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="add"/>'
    + '<bpmn:sequenceFlow id="f2" sourceRef="add" targetRef="end"/>'
    + "</bpmn:process></bpmn:definitions>"
)


def test_associations_with_the_process_data_inputs_and_outputs_are_its_variables(engine):
    result = engine.deploy_set([_file("io.bpmn", PROCESS_IO)], actor="t", note="t")
    told = [w.message for w in result.warnings if w.element == "add"]
    assert any("流程自身的数据输入/输出「金额」（amount）" in m for m in told), told
    instance_id = engine.start("io", actor=DEMO, data={"amount": 21})
    assert engine.instance(instance_id, with_data=True).data == {"amount": 21, "total": 42}


def test_an_association_may_name_the_data_object_itself(engine):
    read = (
        '<bpmn:scriptTask id="read" name="读取">'
        '<bpmn:property id="q" name="__targetRef_placeholder"/>'
        '<bpmn:dataInputAssociation id="r_in"><bpmn:sourceRef>sum_object</bpmn:sourceRef>'
        "<bpmn:targetRef>q</bpmn:targetRef></bpmn:dataInputAssociation>"
        "<bpmn:script>seen = sum_object</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="add" targetRef="read"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="read" targetRef="end"/>'
    )
    text = (
        PROCESS_IO.replace(
            '<bpmn:startEvent id="start"/>',
            '<bpmn:dataObject id="sum_object" name="合计"/><bpmn:startEvent id="start"/>',
        )
        .replace(
            "<bpmn:targetRef>total</bpmn:targetRef>", "<bpmn:targetRef>sum_object</bpmn:targetRef>"
        )
        .replace("total = amount * 2", "sum_object = amount * 2")
        .replace('<bpmn:sequenceFlow id="f2" sourceRef="add" targetRef="end"/>', read)
    )
    engine.deploy_set([_file("io.bpmn", text)], actor="t", note="t")
    instance_id = engine.start("io", actor=DEMO, data={"amount": 21})
    assert engine.instance(instance_id, with_data=True).data == {"amount": 21, "seen": 42}


def test_two_steps_bumping_a_store_at_once_lose_no_update(engine, is_postgres):
    if not is_postgres:
        pytest.skip("steps write side by side on PostgreSQL only (SQLite has one writer)")
    import threading
    import time

    engine.deploy_set([_file("writer.bpmn", WRITER)], actor="t", note="t")
    engine.start("writer", actor=DEMO)  # the row exists: 1
    engine.before_commit.append(lambda session: time.sleep(0.3))  # widen the race window
    start = threading.Barrier(2)
    started: list[int] = []

    def bump() -> None:
        start.wait()
        started.append(engine.start("writer", actor=DEMO))

    threads = [threading.Thread(target=bump) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    engine.before_commit.clear()
    lasts = sorted(engine.instance(i, with_data=True).data["last"] for i in started)
    assert lasts == [2, 3]  # the second read waited for the first write
    assert _store(engine, "计数器").value == 3
