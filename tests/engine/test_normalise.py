"""BPMN semantics SpiffWorkflow lacks, rewritten at deploy (issue 19): each valid diagram
below deploys and its trial runs to the end, taking the paths BPMN 2.0 (or, for foreign
exclusive gateways, Camunda 7) gives it; each rewrite is a warning naming the element."""

from __future__ import annotations

from engine import Actor, SourceFile
from engine.trial import run_to_end, start_trial, trial_trail, trial_view

from .diagrams import HEAD, script_task

DESIGNER = Actor.of("designer.wang", ["流程设计员"])
CAMUNDA_HEAD = HEAD.replace(
    "<bpmn:definitions ", '<bpmn:definitions xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
)


def _flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
        f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


def _file(body: str, head: str = HEAD) -> SourceFile:
    text = (
        head.format(pid="p")
        + f'<bpmn:process id="p" name="测试" isExecutable="true">{body}'
        + "</bpmn:process></bpmn:definitions>"
    )
    return SourceFile("p.bpmn", "bpmn", text.encode())


def _ran(engine, file: SourceFile, data: dict | None = None) -> dict:
    """The data the trial ends with, after checking it ran to the end."""
    trial_id = start_trial(engine, [file], actor=DESIGNER, data=data or {}, source="草稿")
    result = run_to_end(engine, trial_id, actor=DESIGNER)
    assert result.finished, result.reason
    return trial_view(engine, trial_id, user=DESIGNER.user).data


def _warnings(engine, file: SourceFile) -> dict[str | None, str]:
    problems = engine.validate_set([file])
    assert not [p for p in problems if p.severity == "error"], problems
    return {p.element: p.message for p in problems if p.severity == "warning"}


def _scripts(*names: str) -> str:
    return "".join(script_task(n, f"{n} = 1") for n in names)


def _ends(*pairs: tuple[str, str]) -> str:
    """An end event after each named node."""
    return "".join(
        f'<bpmn:endEvent id="end_{n}"/>' + _flow(f"to_end_{n}", n, f"end_{n}") for n, _ in pairs
    )


# implicit split after an activity (BPMN 2.0 §10.5.1, §13.2.1)

SORT = '<bpmn:scriptTask id="t" name="分拣"><bpmn:script>t = 1</bpmn:script></bpmn:scriptTask>'

PARALLEL_SPLIT = (
    '<bpmn:startEvent id="s"/>'
    + SORT
    + _scripts("a", "b")
    + _flow("f0", "s", "t")
    + _flow("fa", "t", "a")
    + _flow("fb", "t", "b")
    + _ends(("a", ""), ("b", ""))
)


def test_flows_without_condition_out_of_a_task_all_run(engine):
    data = _ran(engine, _file(PARALLEL_SPLIT))
    assert data["a"] == 1 and data["b"] == 1


def test_an_implicit_split_is_a_warning_naming_the_task_and_the_gateway(engine):
    message = _warnings(engine, _file(PARALLEL_SPLIT))["t"]
    assert message.startswith("脚本任务「分拣」(t) 有多条离开它的顺序流：按 BPMN 2.0 §10.5.1")
    assert "隐式分叉" in message and "并行网关 t__split" in message


CONDITIONAL_SPLIT = (
    '<bpmn:startEvent id="s"/>'
    + SORT
    + _scripts("big", "huge", "always")
    + _flow("f0", "s", "t")
    + _flow("f_big", "t", "big", "amount &gt; 10")
    + _flow("f_huge", "t", "huge", "amount &gt; 100")
    + _flow("f_always", "t", "always")
    + _ends(("big", ""), ("huge", ""), ("always", ""))
)


def test_conditioned_flows_out_of_a_task_run_when_true_beside_the_plain_ones(engine):
    data = _ran(engine, _file(CONDITIONAL_SPLIT), {"amount": 20})
    assert (data.get("big"), data.get("huge"), data.get("always")) == (1, None, 1)


def test_when_no_condition_out_of_a_task_is_true_only_the_plain_flows_run(engine):
    data = _ran(engine, _file(CONDITIONAL_SPLIT), {"amount": 5})
    assert (data.get("big"), data.get("huge"), data.get("always")) == (None, None, 1)
    message = _warnings(engine, _file(CONDITIONAL_SPLIT))["t"]
    assert "并行网关 t__split" in message and "包容网关 t__choice" in message


def test_a_tasks_default_flow_runs_when_no_condition_is_true(engine):
    body = (
        '<bpmn:startEvent id="s"/>'
        + SORT.replace('id="t"', 'id="t" default="f_other"')
        + _scripts("big", "other")
        + _flow("f0", "s", "t")
        + _flow("f_big", "t", "big", "amount &gt; 10")
        + _flow("f_other", "t", "other")
        + _ends(("big", ""), ("other", ""))
    )
    small = _ran(engine, _file(body), {"amount": 5})
    assert (small.get("big"), small.get("other")) == (None, 1)
    large = _ran(engine, _file(body), {"amount": 50})
    assert (large.get("big"), large.get("other")) == (1, None)


# no start event (BPMN 2.0 §10.5.2)

NO_START = _scripts("a", "b") + _ends(("a", ""), ("b", ""))


def test_a_process_without_start_event_starts_every_node_without_incoming_flow(engine):
    data = _ran(engine, _file(NO_START))
    assert data["a"] == 1 and data["b"] == 1
    message = _warnings(engine, _file(NO_START))["p"]
    assert message.startswith("流程「测试」(p) 没有开始事件：按 BPMN 2.0 §10.5.2")
    assert "脚本任务「a」(a)、脚本任务「b」(b)" in message and "p__start" in message


def _with_sub(inside: str) -> SourceFile:
    sub = f'<bpmn:subProcess id="sub" name="核查">{inside}</bpmn:subProcess>'
    return _file(
        '<bpmn:startEvent id="s"/>'
        + sub
        + _scripts("after")
        + _flow("f0", "s", "sub")
        + _flow("f1", "sub", "after")
        + _ends(("after", ""))
    )


def test_an_empty_sub_process_completes_at_once(engine):
    assert _ran(engine, _with_sub(""))["after"] == 1
    message = _warnings(engine, _with_sub(""))["sub"]
    assert message.startswith("子流程「核查」(sub) 是空的") and "§10.5.2" in message


def test_a_sub_process_without_start_event_starts_at_its_first_node(engine):
    inside = (
        _scripts("inner") + '<bpmn:endEvent id="inner_end"/>' + _flow("fi", "inner", "inner_end")
    )
    data = _ran(engine, _with_sub(inside))
    assert data["inner"] == 1 and data["after"] == 1
    assert "没有开始事件" in _warnings(engine, _with_sub(inside))["sub"]


def test_an_event_sub_process_is_not_given_a_none_start(engine):
    inside = (
        '<bpmn:startEvent id="es"><bpmn:errorEventDefinition/></bpmn:startEvent>'
        + _scripts("caught")
        + '<bpmn:endEvent id="ee"/>'
        + _flow("fe0", "es", "caught")
        + _flow("fe1", "caught", "ee")
    )
    body = (
        '<bpmn:startEvent id="s"/>'
        + _scripts("a")
        + _flow("f0", "s", "a")
        + _ends(("a", ""))
        + f'<bpmn:subProcess id="ev" triggeredByEvent="true">{inside}</bpmn:subProcess>'
    )
    assert _ran(engine, _file(body))["a"] == 1
    assert "ev" not in _warnings(engine, _file(body))


# an exclusive gateway's flow without condition (Camunda 7, foreign diagrams only)

GATEWAY = (
    '<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g" name="金额？"/>'
    + _scripts("big", "plain", "later")
    + _flow("f0", "s", "g")
    + _flow("f_big", "g", "big", "amount &gt; 10")
    + _flow("f_plain", "g", "plain")
    + _flow("f_later", "g", "later", "True")
    + _ends(("big", ""), ("plain", ""), ("later", ""))
)


def test_a_foreign_flow_without_condition_is_taken_when_no_earlier_one_is_true(engine):
    file = _file(GATEWAY, CAMUNDA_HEAD)
    small = _ran(engine, file, {"amount": 5})
    assert (small.get("big"), small.get("plain"), small.get("later")) == (None, 1, None)
    large = _ran(engine, file, {"amount": 50})
    assert (large.get("big"), large.get("plain"), large.get("later")) == (1, None, None)


def test_the_foreign_flow_without_condition_is_a_warning_naming_what_is_never_taken(engine):
    message = _warnings(engine, _file(GATEWAY, CAMUNDA_HEAD))["f_plain"]
    assert message.startswith("排他网关「金额？」(g) 的顺序流(f_plain) 既没有条件，也不是默认流")
    assert "Camunda 7" in message and "顺序流(f_later) 因此永远不会被选中" in message


def test_in_our_own_diagrams_a_flow_without_condition_stays_an_error(engine):
    problems = engine.validate_set([_file(GATEWAY)])
    [error] = [p for p in problems if p.severity == "error"]
    assert error.element == "f_plain" and "既没有条件，也不是网关的默认流" in error.message


def test_an_empty_timer_date_uncovered_by_a_rewrite_is_named_not_a_crash(engine):
    timer = (
        '<bpmn:intermediateCatchEvent id="wait" name="等"><bpmn:timerEventDefinition>'
        "<bpmn:timeDate/></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )
    inside = timer + '<bpmn:endEvent id="waited"/>' + _flow("fw", "wait", "waited")
    problems = engine.validate_set([_with_sub(inside)])
    errors = [p for p in problems if p.severity == "error"]
    assert any(p.element == "wait" and "没有设置时间表达式" in p.message for p in errors)


def test_a_plain_bpmn_export_reads_a_bare_iso_timer_as_text(engine):
    # no extension namespace at all (a modeler's plain export): made elsewhere, not ours
    plain = HEAD.replace('xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"', "")
    timer = (
        '<bpmn:intermediateCatchEvent id="wait" name="等五分钟"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>PT5M</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
    )
    body = '<bpmn:startEvent id="s"/>' + timer + _flow("f0", "s", "wait") + _ends(("wait", ""))
    assert "读作文本 'PT5M'" in _warnings(engine, _file(body, plain))["wait"]
    _ran(engine, _file(body, plain))
    ours = engine.validate_set([_file(body)])
    assert any(p.element == "wait" and "缺少引号" in p.message for p in ours)


def test_a_sub_process_without_end_event_ends_where_its_paths_end(engine):
    inside = (
        '<bpmn:startEvent id="inner_start"/>'
        + _scripts("one", "two")
        + _flow("fi1", "inner_start", "one")
        + _flow("fi2", "inner_start", "two")
    )
    data = _ran(engine, _with_sub(inside))
    assert (data["one"], data["two"], data["after"]) == (1, 1, 1)
    message = _warnings(engine, _with_sub(inside))["sub"]
    assert message.startswith("子流程「核查」(sub) 没有结束事件：按 BPMN 2.0 §10.5.3")
    assert "脚本任务「one」(one)、脚本任务「two」(two)" in message and "sub__end" in message


def test_an_empty_pool_beside_the_process_is_not_deployed_as_one(engine):
    text = (
        HEAD.format(pid="p")
        + '<bpmn:process id="p" name="测试" isExecutable="true"><bpmn:startEvent id="s"/>'
        + _scripts("a")
        + _flow("f0", "s", "a")
        + _ends(("a", ""))
        + '</bpmn:process><bpmn:process id="customer" name="客户"/></bpmn:definitions>'
    )
    file = SourceFile("p.bpmn", "bpmn", text.encode())
    message = _warnings(engine, file)["customer"]
    assert (
        message.startswith("流程「客户」(customer) 里没有任何元素") and "不作为流程部署" in message
    )
    result = engine.deploy_set([file], actor="designer.wang", note="")
    assert list(result.process_ids) == ["p"]
    assert _ran(engine, file)["a"] == 1


def test_the_trail_marks_the_drawn_flows_out_of_an_implicit_split(engine):
    trial_id = start_trial(engine, [_file(PARALLEL_SPLIT)], actor=DESIGNER, data={}, source="草稿")
    assert run_to_end(engine, trial_id, actor=DESIGNER).finished
    [trail] = trial_trail(engine, trial_id, user=DESIGNER.user)
    assert {"f0", "fa", "fb", "to_end_a", "to_end_b"} <= set(trail.flows)
    assert {"t", "a", "b"} <= set(trail.completed)


def test_a_foreign_inclusive_gateways_flow_without_condition_always_runs(engine):
    body = (
        '<bpmn:startEvent id="s"/><bpmn:inclusiveGateway id="g" name="分派"/>'
        + _scripts("big", "always")
        + _flow("f0", "s", "g")
        + _flow("f_big", "g", "big", "amount &gt; 10")
        + _flow("f_always", "g", "always")
        + _ends(("big", ""), ("always", ""))
    )
    small = _ran(engine, _file(body, CAMUNDA_HEAD), {"amount": 5})
    assert (small.get("big"), small.get("always")) == (None, 1)
    large = _ran(engine, _file(body, CAMUNDA_HEAD), {"amount": 50})
    assert (large.get("big"), large.get("always")) == (1, 1)
    message = _warnings(engine, _file(body, CAMUNDA_HEAD))["g"]
    assert message.startswith("包容网关「分派」(g) 的顺序流(f_always) 没有条件也不是默认流")
    assert "BPMN 2.0 §8.3.13" in message


# XML comments mean nothing (SpiffWorkflow's script-task parser failed on one)


def test_a_comment_inside_a_script_task_is_ignored(engine):
    body = (
        '<bpmn:startEvent id="s"/><bpmn:scriptTask id="t" name="计算">'
        "<!-- <bpmn:dataOutputAssociation/> kept for later -->"
        "<bpmn:script>t = 2</bpmn:script></bpmn:scriptTask>"
        '<bpmn:endEvent id="e"/>' + _flow("f0", "s", "t") + _flow("f1", "t", "e")
    )
    assert _ran(engine, _file(body))["t"] == 2
