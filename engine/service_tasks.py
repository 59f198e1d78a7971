"""Service tasks that name no operator: BPMN's unspecified implementation, passed through.

BPMN 2.0 (§10.3.3, ``implementation`` defaults to ``##unspecified``) lets a service task
leave open what it calls: modelers export such tasks from every tool, and a diagram made
elsewhere often carries them. We treat one like a task the engine passes through: it
completes at once, calls nothing and writes no result variable. Nothing is silent:

* the deploy (and 校验) answers a warning naming file and element (``warning_text``);
* every run records a ``service_task_passed`` event in the instance's history, so an
  auditor sees that the service task passed without a call; a trial logs the same line.

Other engines' service implementations (Camunda ``camunda:class`` /
``delegateExpression`` / ``expression`` / ``type="external"``, Flowable's and Activiti's
twins, ``implementation="##WebService"`` and tool-specific ones) point at code or workers
living in *that* engine's host application: nothing a diagram carries, so nothing we could
run. Rejecting them would only make the designer delete the attribute; we pass them
through like an unspecified one, and the warning names what was not called. A service
task that names one of *our* operators (``spiffworkflow:serviceTaskOperator``) which is not
registered stays a rejection (``engine.checks``): that is a dependency of ours that is
missing, not an implementation left open.

A business-rule task that names no decision at all (no ``spiffworkflow:calledDecisionId``,
``camunda:decisionRef`` or Zeebe ``calledDecision``; BPMN 2.0 §10.3.3: its
``implementation`` defaults to ``##unspecified`` too) passes through the same way: no
decision is evaluated, no variable written; the deploy warns and the history records
``business_rule_task_passed``. A task naming a decision that is not deployed stays a
rejection: that names something, and it is missing.

A send or receive task without a message (BPMN 2.0 §10.3.3: ``messageRef`` is optional)
is treated the same: SpiffWorkflow throws nothing for the one and waits for nothing at the
other, so both pass through; the deploy warns and the history records
``send_task_passed`` / ``receive_task_passed``.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.spiff.parser.event_parsers import SpiffReceiveTaskParser, SpiffSendTaskParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser
from SpiffWorkflow.spiff.serializer.task_spec import ServiceTaskConverter, SpiffBpmnTaskConverter
from SpiffWorkflow.spiff.specs.defaults import ReceiveTask, SendTask, ServiceTask
from SpiffWorkflow.spiff.specs.spiff_task import SpiffBpmnTask

from .context import step_or_none

SERVICE_PASSED = "service_task_passed"
"""History event: a service task without an operator completed without calling anything
(data: element, element_name, implementation)."""
SEND_PASSED = "send_task_passed"
"""History event: a send task without a message completed without sending anything."""
RECEIVE_PASSED = "receive_task_passed"
"""History event: a receive task without a message completed without waiting."""
RULE_PASSED = "business_rule_task_passed"
"""History event: a business-rule task naming no decision completed without evaluating one
(data: element, element_name, implementation)."""

PASS_NOTE = "运行时直接通过，不调用任何服务；要调用服务请在属性面板选择服务操作"

_FOREIGN_ATTRIBUTES = ("class", "delegateExpression", "expression", "type", "topic")
_FOREIGN_PREFIXES = {
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    "http://flowable.org/bpmn": "flowable",
    "http://activiti.org/bpmn": "activiti",
}


def implementation_of(node: etree._Element) -> str:
    """What the element says it calls, as a designer reads it ('' for nothing)."""
    parts = []
    for namespace, prefix in _FOREIGN_PREFIXES.items():
        for name in _FOREIGN_ATTRIBUTES:
            value = node.get(f"{{{namespace}}}{name}")
            if value is not None and value.strip():
                parts.append(f'{prefix}:{name}="{value.strip()}"')
    implementation = (node.get("implementation") or "").strip()
    if implementation and implementation != "##unspecified":
        parts.append(f'implementation="{implementation}"')
    return " ".join(parts)


class PassThroughServiceTask(ServiceTask):
    """A service task with no operator: completes without calling anything."""

    def __init__(self, wf_spec, name, implementation: str = "", **kwargs):
        kwargs.setdefault("operation_name", None)
        kwargs.setdefault("operation_params", {})
        kwargs.setdefault("result_variable", None)
        super().__init__(wf_spec, name, **kwargs)
        self.implementation = implementation

    def _execute(self, task) -> bool:
        _passed(task, SERVICE_PASSED, {"implementation": self.implementation or None})
        return True


class PassThroughBusinessRuleTask(SpiffBpmnTask):
    """A business-rule task that names no decision: completes without evaluating any."""

    def __init__(self, wf_spec, name, implementation: str = "", **kwargs):
        super().__init__(wf_spec, name, **kwargs)
        self.implementation = implementation

    def _run_hook(self, my_task) -> bool:
        _passed(my_task, RULE_PASSED, {"implementation": self.implementation or None})
        return super()._run_hook(my_task)


class PassThroughSendTask(SendTask):
    """A send task with no message: throws nothing, and says so in the history."""

    def _on_complete_hook(self, my_task):
        _passed(my_task, SEND_PASSED, {})
        super()._on_complete_hook(my_task)


class PassThroughReceiveTask(ReceiveTask):
    """A receive task with no message: waits for nothing, and says so in the history."""

    def _on_complete_hook(self, my_task):
        _passed(my_task, RECEIVE_PASSED, {})
        super()._on_complete_hook(my_task)


def _passed(task, event_type: str, extra: dict[str, Any]) -> None:
    """Tell the step (history) or the trial (its log) that ``task`` passed through."""
    spec = task.task_spec
    data = {"element": spec.bpmn_id, "element_name": spec.bpmn_name, **extra}
    hook = getattr(task.workflow.script_engine, "passed_through", None)
    if hook is not None:  # a trial: its log says it
        hook(task, event_type, data)
        return
    step = step_or_none()
    if step is not None and step._record is not None:
        step.record(event_type, {k: v for k, v in data.items() if v is not None})


class OptionalOperatorServiceTaskParser(ServiceTaskParser):
    """Our operator when the task names one; a pass-through task when it names none."""

    def create_task(self):
        extensions = self.parse_extensions()
        if extensions.get("serviceTaskOperator") is not None:
            return super().create_task()
        return PassThroughServiceTask(
            self.spec,
            self.bpmn_id,
            implementation=implementation_of(self.node),
            prescript=extensions.get("preScript"),
            postscript=extensions.get("postScript"),
            **self.bpmn_attributes,
        )


class MessageOptionalSendTaskParser(SpiffSendTaskParser):
    def create_task(self):
        task = super().create_task()
        if isinstance(task.event_definition, NoneEventDefinition):
            task.__class__ = PassThroughSendTask  # same attributes, one more hook
        return task


class MessageOptionalReceiveTaskParser(SpiffReceiveTaskParser):
    def create_task(self):
        task = super().create_task()
        if isinstance(task.event_definition, NoneEventDefinition):
            task.__class__ = PassThroughReceiveTask
        return task


class PassThroughServiceTaskConverter(ServiceTaskConverter):
    def to_dict(self, spec):
        dct = super().to_dict(spec)
        dct["implementation"] = spec.implementation
        return dct


class PassThroughBusinessRuleTaskConverter(SpiffBpmnTaskConverter):
    def to_dict(self, spec):
        dct = super().to_dict(spec)
        dct["implementation"] = spec.implementation
        return dct


def register_converters(config: dict) -> None:
    """Add the pass-through specs to a serializer config (the spiff family's)."""
    config[PassThroughServiceTask] = PassThroughServiceTaskConverter
    config[PassThroughBusinessRuleTask] = PassThroughBusinessRuleTaskConverter
    config[PassThroughSendTask] = config[SendTask]
    config[PassThroughReceiveTask] = config[ReceiveTask]


def parser_overrides(base: dict) -> dict:
    """The parser classes for service and send tasks (spec classes as in ``base``)."""
    service, send, receive = full_tag("serviceTask"), full_tag("sendTask"), full_tag("receiveTask")
    return {
        service: (OptionalOperatorServiceTaskParser, base[service][1]),
        send: (MessageOptionalSendTaskParser, base[send][1]),
        receive: (MessageOptionalReceiveTaskParser, base[receive][1]),
    }


def warning_text(spec) -> str | None:
    """The deploy warning for a pass-through service, business-rule, send or receive task;
    None for others."""
    if isinstance(spec, PassThroughServiceTask):
        named = (
            f"；它写的 {spec.implementation} 指向其他引擎或宿主程序中的实现，本引擎没有，不会调用"
            if spec.implementation
            else ""
        )
        return f"服务任务没有指定服务操作：{PASS_NOTE}（BPMN 2.0 未指定实现的服务任务）{named}"
    if isinstance(spec, PassThroughBusinessRuleTask):
        named = (
            f"；它写的 {spec.implementation} 本引擎没有，不会调用" if spec.implementation else ""
        )
        return (
            "业务规则任务没有指定决策表：运行时直接通过，不执行任何决策；要执行决策请在属性面板"
            f"选择决策表（BPMN 2.0 未指定实现的业务规则任务）{named}"
        )
    if isinstance(spec, PassThroughSendTask):
        return (
            "发送任务没有指定消息：运行时直接通过，不发送任何消息；"
            "要发送消息请在属性面板选择消息（BPMN 2.0 未指定消息的发送任务）"
        )
    if isinstance(spec, PassThroughReceiveTask):
        return (
            "接收任务没有指定消息：运行时直接通过，不等待任何消息；"
            "要等待消息请在属性面板选择消息（BPMN 2.0 未指定消息的接收任务）"
        )
    return None
