"""Data associations between a task's ``ioSpecification`` and data objects, source → target.

BPMN 2.0 §10.4 ("Data Associations"): a ``dataOutputAssociation`` copies the value of its
``sourceRef`` (one of the task's ``dataOutput``) to its ``targetRef`` (a
``dataObjectReference``, hence the data object), and a ``dataInputAssociation`` copies its
``sourceRef`` (a data object reference) to its ``targetRef`` (one of the task's
``dataInput``). SpiffWorkflow 3.2 ignores the task side: it reads and writes the task
variable named after the *data object's* id, while a task with an ``ioSpecification`` only
holds its data inputs and outputs (keyed by their ids), so such a diagram stops with
"数据对象 … 无法设置" or "任务缺少规定的数据输入".

``IoDataObject`` is the association when its task side is a data input or output of the
task's own ``ioSpecification``: ``bpmn_id`` is that data input/output (the task variable),
``data_object`` the data object's id (the key of ``BpmnWorkflow.data_objects``, found in the
process or an enclosing one, as SpiffWorkflow's ``DataObject`` does). Associations without
such a task side (SpiffWorkflow's own diagrams, ours) keep SpiffWorkflow's behaviour.

``objects_by_name`` is what BPMN's XPath ``bpmn:getDataObject('x')`` reads (translated by
``engine.foreign.expressions`` as the variable ``x``): the data objects visible from a task,
by their *name* (SpiffWorkflow keys them by id), for expressions.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.bpmn.serializer.helpers import BpmnDataSpecificationConverter
from SpiffWorkflow.bpmn.specs.data_spec import BpmnDataSpecification, DataObject


class IoDataObject(BpmnDataSpecification):
    """An association between a data object and a data input/output of the task."""

    def __init__(self, bpmn_id: str, bpmn_name: str | None = None, data_object: str = "") -> None:
        super().__init__(bpmn_id, bpmn_name)
        self.data_object = data_object

    def _workflow(self, my_task):
        wf = my_task.workflow
        while wf is not None and self.data_object not in wf.spec.data_objects:
            wf = wf.parent_workflow
        return wf

    def get(self, my_task) -> None:
        """Input association: the data object's value into the task's data input."""
        wf = self._workflow(my_task)
        if wf is None or self.data_object not in wf.data_objects:
            message = (
                f"The data object could not be read; '{self.data_object}' does not exist"
                " in the process."
            )
            raise WorkflowDataException(message, my_task, data_input=self)
        my_task.data[self.bpmn_id] = deepcopy(wf.data_objects[self.data_object])

    def set(self, my_task) -> None:
        """Output association: the task's data output into the data object."""
        if self.bpmn_id not in my_task.data:
            message = f"A data object could not be set; '{self.data_object}' not exist in the task."
            raise WorkflowDataException(message, my_task, data_output=self)
        wf = self._workflow(my_task)
        wf.data_objects[self.data_object] = deepcopy(my_task.data.pop(self.bpmn_id))


class IoDataObjectConverter(BpmnDataSpecificationConverter):
    def to_dict(self, data_spec) -> dict[str, Any]:
        return {**super().to_dict(data_spec), "data_object": data_spec.data_object}


def register_converters(config: dict) -> None:
    config[IoDataObject] = IoDataObjectConverter


def _text(element: etree._Element, path: str, namespaces: dict) -> str:
    found = element.xpath(path, namespaces=namespaces)
    return (found[0].text or "").strip() if found else ""


def rewire(process_parser, node: etree._Element, spec) -> None:
    """Replace, on ``spec`` (the task ``node`` was parsed into), each data-object association
    whose task side is a data input/output of the node's ``ioSpecification`` by an
    ``IoDataObject`` (BPMN 2.0 §10.4: source → target)."""
    if spec is None or not node.xpath("./bpmn:ioSpecification", namespaces=process_parser.nsmap):
        return
    ns = process_parser.nsmap
    io = node.xpath("./bpmn:ioSpecification", namespaces=ns)[0]
    inputs = {e.get("id"): e.get("name") for e in io.xpath("./bpmn:dataInput", namespaces=ns)}
    outputs = {e.get("id"): e.get("name") for e in io.xpath("./bpmn:dataOutput", namespaces=ns)}
    _rewire(node, spec, "data_input_associations", "dataInputAssociation", "source", inputs, ns)
    _rewire(node, spec, "data_output_associations", "dataOutputAssociation", "target", outputs, ns)


def _rewire(node, spec, attribute, tag, object_side, io_items, ns) -> None:
    """SpiffWorkflow appended one spec per association having an ``object_side`` ref, in
    document order: the i-th of those lines up with the i-th association."""
    current = list(getattr(spec, attribute, None) or [])
    task_side = "target" if object_side == "source" else "source"
    associations = node.xpath(f"./bpmn:{tag}", namespaces=ns)
    with_ref = [a for a in associations if _text(a, f"./bpmn:{object_side}Ref", ns)]
    if len(with_ref) != len(current):
        return  # not the layout SpiffWorkflow produced: leave it as it is
    changed = False
    for index, (association, item) in enumerate(zip(with_ref, current, strict=True)):
        task_ref = _text(association, f"./bpmn:{task_side}Ref", ns)
        if isinstance(item, DataObject) and task_ref in io_items:
            current[index] = IoDataObject(task_ref, io_items[task_ref], item.bpmn_id)
            changed = True
    if changed:
        setattr(spec, attribute, current)


def io_objects_of(spec) -> list[IoDataObject]:
    """The associations of a task spec between its ioSpecification and data objects."""
    found = [
        *(getattr(spec, "data_input_associations", None) or []),
        *(getattr(spec, "data_output_associations", None) or []),
    ]
    return [item for item in found if isinstance(item, IoDataObject)]


def warning_text(item: IoDataObject) -> str:
    """The deploy warning for an association we route source → target."""
    named = f"「{item.bpmn_name}」" if item.bpmn_name else ""
    return (
        f"数据关联按 BPMN 2.0（§10.4 数据关联）从源到目标复制：任务的数据输入/输出{named}"
        f"（{item.bpmn_id}）与数据对象 {item.data_object} 之间；表达式中的"
        " bpmn:getDataObject('名称') 读取该名称的数据对象"
    )


def objects_by_name(task) -> dict[str, Any]:
    """The data objects visible from ``task`` (its process and the enclosing ones, nearest
    first), by name where the name is an identifier, for BPMN's ``getDataObject('name')``."""
    found: dict[str, Any] = {}
    wf = task.workflow
    while wf is not None:
        objects = getattr(wf.spec, "data_objects", None) or {}
        for object_id, data_object in objects.items():
            name = " ".join((data_object.bpmn_name or "").split())
            if name.isidentifier() and object_id in wf.data_objects:
                found.setdefault(name, wf.data_objects[object_id])
        wf = wf.parent_workflow
    return found
