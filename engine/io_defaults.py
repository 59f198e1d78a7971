"""Data inputs nothing feeds and data outputs nothing sets: empty (None), never a stop.

A task's ``ioSpecification`` (BPMN 2.0 §10.4.2) declares its data inputs and outputs.
SpiffWorkflow 3.2 refuses to run a task when a data input is not in its data ("任务缺少
规定的数据输入") and to complete it when a data output is not ("…数据输出"); Camunda 7
ignores ``ioSpecification`` altogether. Modelers export inputs no ``dataInputAssociation``
targets (MIWG C.8.1, A.1.1, A.1.2 from several tools), so such a diagram stopped at its first
task here although nothing in it is wrong for its authors. Here:

* **A data input no association feeds** reads the task's variable of its id when there is
  one (SpiffWorkflow's own diagrams feed inputs that way), else None. The deploy warns,
  naming the task and the input (``warning_texts``).
* **A data input fed from the process's own data input or output** (BPMN 2.0: the
  association's ``sourceRef`` is the process's ``dataInput``; here that is the process
  variable of that id, ``engine.data_stores.ProcessDataReference``) reads that variable,
  None while it is unset; the deploy says so.
* **A data output of a task that passes through** (a service, business-rule, send or receive
  task that calls nothing, ``engine.service_tasks``) is None unless something set it: such a
  task produces nothing, and the deploy already says it calls nothing; the warning names
  the output.

A task with such an input gets all its inputs through its associations (the defaulted ones
as ``DefaultedInput``), not through ``ioSpecification``: like Camunda, the task keeps the
data it had (SpiffWorkflow would replace it by the inputs alone), and the inputs are removed
again when it completes. Inputs of other tasks (all fed by data objects or stores), outputs
of tasks that do work (user, script and operator tasks) and multi-instance tasks keep
SpiffWorkflow's checks.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.serializer.helpers import BpmnDataSpecificationConverter
from SpiffWorkflow.bpmn.specs.data_spec import BpmnDataSpecification

from . import service_tasks

_PASSING = (
    service_tasks.PassThroughServiceTask,
    service_tasks.PassThroughBusinessRuleTask,
    service_tasks.PassThroughSendTask,
    service_tasks.PassThroughReceiveTask,
)


class DefaultedInput(BpmnDataSpecification):
    """A data input that is always there (an input association of the task): the task's
    variable of its id, else the variable ``source`` (a process data input), else None."""

    def __init__(
        self,
        bpmn_id: str,
        bpmn_name: str | None = None,
        source: str = "",
        transformed: bool = False,
    ) -> None:
        super().__init__(bpmn_id, bpmn_name)
        self.source = source
        self.transformed = transformed
        """An association without a source gives it a ``transformation`` (not evaluated)."""

    def get(self, my_task) -> None:
        if self.bpmn_id not in my_task.data:
            my_task.data[self.bpmn_id] = my_task.data.get(self.source) if self.source else None

    def set(self, my_task) -> None:
        return None


class EmptyOutput(BpmnDataSpecification):
    """A data output of a task that produces nothing (an output association of the task,
    before the others): None unless something set it."""

    def get(self, my_task) -> None:
        return None

    def set(self, my_task) -> None:
        my_task.data.setdefault(self.bpmn_id, None)


class DefaultedInputConverter(BpmnDataSpecificationConverter):
    def to_dict(self, data_spec) -> dict[str, Any]:
        extra = {"source": data_spec.source, "transformed": data_spec.transformed}
        return {**super().to_dict(data_spec), **extra}


def register_converters(config: dict) -> None:
    config[DefaultedInput] = DefaultedInputConverter
    config[EmptyOutput] = BpmnDataSpecificationConverter


def _ids(node: etree._Element, path: str, ns: dict) -> list[str]:
    return [(e.text or "").strip() for e in node.xpath(path, namespaces=ns)]


def relax(process_parser, node: etree._Element, spec) -> None:
    """On ``spec`` (parsed from ``node``): when a data input is fed by nothing (or by the
    process's own data input), the task's inputs arrive through its associations only, like
    an engine ignoring ``ioSpecification`` (the task keeps the data it had); the outputs of
    a pass-through task are None unless set."""
    io = getattr(spec, "io_specification", None)
    ns = process_parser.nsmap
    if io is None or node.xpath("./bpmn:multiInstanceLoopCharacteristics", namespaces=ns):
        return
    feeds: dict[str, list[str]] = {}
    transformed: set[str] = set()
    for association in node.xpath("./bpmn:dataInputAssociation", namespaces=ns):
        for target in _ids(association, "./bpmn:targetRef", ns):
            feeds.setdefault(target, []).extend(_ids(association, "./bpmn:sourceRef", ns))
            if association.xpath("./bpmn:transformation", namespaces=ns):
                transformed.add(target)
    process_io = _process_io(process_parser, ns)
    defaulted = []
    for item in io.data_inputs:
        sources = [s for s in feeds.get(item.bpmn_id, []) if s]
        if all(s in process_io for s in sources):  # also: no source at all
            source, shaped = (sources or [""])[0], item.bpmn_id in transformed
            defaulted.append(DefaultedInput(item.bpmn_id, item.bpmn_name, source, shaped))
    if defaulted:
        io.data_inputs = []
        spec.data_input_associations = [*spec.data_input_associations, *defaulted]
    if isinstance(spec, _PASSING) and io.data_outputs:
        empty = [EmptyOutput(o.bpmn_id, o.bpmn_name) for o in io.data_outputs]
        io.data_outputs = []
        spec.data_output_associations = [*empty, *spec.data_output_associations]


def _process_io(process_parser, ns: dict) -> set[str]:
    """The ids of the process's own data inputs and outputs."""
    process = getattr(process_parser, "node", None)
    if process is None:
        return set()
    found = process.xpath(
        "./bpmn:ioSpecification/bpmn:dataInput | ./bpmn:ioSpecification/bpmn:dataOutput",
        namespaces=ns,
    )
    return {e.get("id") for e in found} - {None}


def _label(item: BpmnDataSpecification) -> str:
    name = " ".join((item.bpmn_name or "").split())
    return f"「{name}」({item.bpmn_id})" if name and name != item.bpmn_id else item.bpmn_id


def warning_texts(spec) -> list[str]:
    """The deploy warnings for ``spec``'s defaulted inputs and outputs (none for others)."""
    task = " ".join((spec.bpmn_name or "").split()) or spec.bpmn_id
    found = []
    for item in getattr(spec, "data_input_associations", None) or ():
        if isinstance(item, DefaultedInput) and item.source:
            found.append(
                f"任务「{task}」的输入 {_label(item)} 来自流程的数据输入 {item.source}：运行时取"
                f"流程变量 {item.source} 的值，未设置时取空值（None）"
            )
        elif isinstance(item, DefaultedInput):
            found.append(
                f"任务「{task}」的输入 {_label(item)} 没有数据来源：运行时取空值（None）"
                f"（任务数据中已有变量 {item.bpmn_id} 时取它的值）"
                + (
                    "；它的数据关联只有转换表达式（transformation），本引擎不执行"
                    if item.transformed
                    else ""
                )
            )
    found += [
        f"任务「{task}」的输出 {_label(item)} 没有数据：这个任务运行时直接通过、不产生数据，"
        "输出取空值（None）"
        for item in getattr(spec, "data_output_associations", None) or ()
        if isinstance(item, EmptyOutput)
    ]
    return found
