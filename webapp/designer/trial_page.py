"""The trial page's content: the chosen task's form, the data, and the log told in words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from engine.trial import EntryKind, LogEntry, StepKind, TrialStep, TrialTask, TrialView
from processes.deadlines import local

from .. import schema_form
from ..tasks.detail import render_instructions
from .trial_forms import pretty, pretty_json

TYPE_LABELS = {
    "UserTask": "用户任务",
    "ManualTask": "人工任务",
    "ServiceTask": "服务任务",
    "ScriptTask": "脚本任务",
    "BusinessRuleTask": "决策表",
    "SendTask": "发送任务",
    "ReceiveTask": "接收任务",
    "NoneTask": "任务",
    "CallActivity": "调用活动",
    "SubWorkflowTask": "子流程",
    "TransactionSubprocess": "事务子流程",
    "ExclusiveGateway": "排他网关",
    "ParallelGateway": "并行网关",
    "InclusiveGateway": "包容网关",
    "EventBasedGateway": "事件网关",
    "StartEvent": "开始事件",
    "EndEvent": "结束事件",
    "IntermediateCatchEvent": "中间事件",
    "IntermediateThrowEvent": "中间事件",
    "BoundaryEvent": "边界事件",
}
STEP_TITLES = {
    StepKind.STARTED: "开始试运行「{}」",
    StepKind.TASK: "完成任务「{}」",
    StepKind.TIMER: "快进：定时器「{}」到期",
    StepKind.MESSAGE: "收到消息「{}」",
    StepKind.SIGNAL: "收到信号「{}」",
}
_SUBMITTED_LABELS = {
    StepKind.STARTED: "起始数据",
    StepKind.TASK: "提交",
    StepKind.TIMER: "",
    StepKind.MESSAGE: "消息内容",
    StepKind.SIGNAL: "",
}
STATUS_LABELS = {"running": "进行中", "completed": "已走到结束", "failed": "启动失败"}


@dataclass(frozen=True)
class Line:
    """One thing the engine did, told in a sentence, with the values that go with it."""

    kind: str
    text: str
    process: str | None
    """The (sub)process it happened in, when not the tried process itself."""
    values: tuple[tuple[str, str], ...] = ()
    values_label: str = ""


@dataclass(frozen=True)
class StepText:
    number: int
    title: str
    at: str
    actor: str
    error: str | None
    submitted: tuple[tuple[str, str], ...]
    submitted_label: str
    lines: tuple[Line, ...]
    data: str


@dataclass(frozen=True)
class TrialPage:
    view: TrialView
    status_label: str
    clock: str
    chosen: TrialTask | None
    fields: list[schema_form.FormField]
    form_errors: list[str]
    error_count: int
    instructions: str | None
    data: tuple[tuple[str, str], ...]
    start_data: str
    steps: tuple[StepText, ...]


def local_time(moment: datetime | None) -> str:
    return f"{local(moment):%Y-%m-%d %H:%M}" if moment else ""


def chosen_task(view: TrialView, task_id: str | None) -> TrialTask | None:
    """The task whose form the page shows: the one asked for, else the first ready one."""
    return next((t for t in view.tasks if t.id == task_id), view.tasks[0] if view.tasks else None)


def with_schema_errors(schema: dict, parsed: schema_form.Parsed) -> dict[str, list[str]]:
    """The conversion errors plus what the schema says of the other fields, all at once."""
    if not parsed.errors:
        return {}
    others = schema_form.schema_errors(schema, parsed.data)
    merged = {k: v for k, v in others.items() if schema_form.field_name(k) not in parsed.errors}
    return {**merged, **parsed.errors}


def build(
    view: TrialView,
    task: TrialTask | None,
    form: MultiDict | None,
    errors: Mapping[str, list[str]],
) -> TrialPage:
    schema = (task.schema or {}) if task else {}
    shown = form if form is not None else schema_form.form_values(schema, {})
    top = view.summary.process_name
    return TrialPage(
        view=view,
        status_label=STATUS_LABELS.get(view.summary.status, view.summary.status),
        clock=local_time(view.clock_at),
        chosen=task,
        fields=schema_form.build_fields(schema, shown, errors) if task else [],
        form_errors=list(errors.get("", [])),
        error_count=sum(len(v) for v in errors.values()),
        instructions=render_instructions(task.instructions, task.data) if task else None,
        data=_pairs(view.data),
        start_data=pretty_json(view.start_data),
        steps=tuple(_step_text(step, top) for step in view.steps),
    )


def _pairs(data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((key, pretty(value)) for key, value in data.items())


def _step_text(step: TrialStep, top: str) -> StepText:
    return StepText(
        number=step.number,
        title=STEP_TITLES[step.kind].format(step.subject),
        at=local_time(step.at),
        actor=step.actor,
        error=step.error,
        submitted=_pairs(step.submitted),
        submitted_label=_SUBMITTED_LABELS[step.kind],
        lines=tuple(line for entry in step.entries for line in _lines(entry, top)),
        data=pretty_json(step.data),
    )


def _lines(entry: LogEntry, top: str) -> Iterator[Line]:
    """The entry's line, then a line per line its scripts printed (``print``)."""
    yield _line(entry, top)
    process = entry.process if entry.process != top else None
    for printed in entry.details.get("printed") or []:
        yield Line("script_printed", f"「{entry.name}」的脚本输出：{printed}", process)


def _line(entry: LogEntry, top: str) -> Line:
    process = entry.process if entry.process != top else None
    name, details = entry.name, entry.details
    if entry.kind == EntryKind.SERVICE_SIMULATED:
        return _service_line(entry, process)
    if entry.kind == EntryKind.GATEWAY_TAKEN:
        chosen = "、".join(details.get("flows") or details.get("targets") or ["（无）"])
        targets = "、".join(details.get("targets") or [])
        return Line(entry.kind, f"网关「{name}」走向：{chosen}（到「{targets}」）", process)
    if entry.kind == EntryKind.TIMER_ARMED:
        due = local_time(datetime.fromisoformat(details["due"])) if details.get("due") else "—"
        return Line(entry.kind, f"定时器「{name}」开始计时，到期时间 {due}", process)
    text = _SIMPLE[entry.kind].format(name=name, lane=details.get("lane") or "未设泳道")
    if entry.kind == EntryKind.TASK_READY:
        text += _people(details)
    if entry.kind == EntryKind.ELEMENT_COMPLETED:
        text = f"{TYPE_LABELS.get(entry.element_type, '元素')}「{name}」完成"
    data = _pairs(details.get("data") or {})
    return Line(entry.kind, text, process, data, "设置数据" if data else "")


def _people(details: dict) -> str:
    """Whom the diagram named for a ready task, and its multi-instance item."""
    parts = [f"办理对象：{details['item']}"] if details.get("item") else []
    if details.get("assignee"):
        parts.append(f"办理人：{details['assignee']}")
    for key, label in (("candidate_units", "候选单位"), ("candidate_users", "候选人")):
        if details.get(key):
            parts.append(f"{label}：{'、'.join(details[key])}")
    return "；" + "；".join(parts) if parts else ""


_SIMPLE = {
    EntryKind.TASK_READY: "任务「{name}」待办（{lane}）",
    EntryKind.TASK_COMPLETED: "任务「{name}」完成",
    EntryKind.TASK_CANCELLED: "任务「{name}」被撤销",
    EntryKind.TIMER_FIRED: "定时器「{name}」到期触发",
    EntryKind.TIMER_CANCELLED: "定时器「{name}」撤销",
    EntryKind.SUBPROCESS_ENTERED: "进入子流程「{name}」",
    EntryKind.ELEMENT_COMPLETED: "「{name}」完成",
    EntryKind.PROCESS_COMPLETED: "流程「{name}」结束",
}


def _service_line(entry: LogEntry, process: str | None) -> Line:
    details = entry.details
    if details.get("passed") == "send_task_passed":
        text = f"发送任务「{entry.name}」没有指定消息，直接通过（未发送任何消息）"
        return Line(entry.kind, text, process)
    if details.get("passed") == "receive_task_passed":
        text = f"接收任务「{entry.name}」没有指定消息，直接通过（未等待任何消息）"
        return Line(entry.kind, text, process)
    if details.get("passed") == "business_rule_task_passed":
        also = f"；其 {details['implementation']} 未调用" if details.get("implementation") else ""
        text = f"业务规则任务「{entry.name}」没有指定决策表，直接通过（未执行任何决策）{also}"
        return Line(entry.kind, text, process)
    if details.get("passed"):
        also = f"；其 {details['implementation']} 未调用" if details.get("implementation") else ""
        text = f"服务任务「{entry.name}」没有指定服务操作，直接通过（未调用任何服务）{also}"
        return Line(entry.kind, text, process)
    operator = details.get("operator", "?")
    if details.get("simulated"):
        result = f"模拟结果：{pretty(details.get('result'))}"
    else:
        result = "此操作没有登记模拟，结果为空（None）"
    text = f"服务任务「{entry.name}」调用 {operator}（未真正执行）；{result}"
    params = _pairs(details.get("params") or {})
    return Line(entry.kind, text, process, params, "调用参数" if params else "")
