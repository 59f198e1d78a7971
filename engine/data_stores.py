"""BPMN data stores (``bpmn:dataStore``), kept in the database and shared by name.

BPMN 2.0 §10.3.2: a data store is information that persists beyond the scope of a process
instance; activities read it through a ``dataInputAssociation`` from a
``dataStoreReference`` and write it through a ``dataOutputAssociation`` to one. We follow
SpiffWorkflow's data-store specifications (``BpmnDataStoreSpecification``):

* **Identity and scope.** A store is its ``name`` (else the name of a reference to it,
  else its id): every instance of every diagram whose data store has that name reads and
  writes the same row of ``data_store_value`` (like Camunda's and SpiffWorkflow's stores,
  a store is shared, not per instance or version). Two diagrams share a store by giving
  their data stores the same name.
* **In the task.** An input association puts the store's current value (None when never
  written) in the task's data under the data store's id (SpiffWorkflow's convention) when
  the task becomes ready; it is removed again when the task completes. An output
  association writes the task's variable of that id into the store when the task
  completes, then removes it from the task's data; a task that did not set the variable
  leaves the store unchanged.
* **Transactions.** A write goes through the step's session, so it commits with the step,
  and a failed step (rolled back) leaves the store as it was. Each write is a history
  event (``data_store_written``: store, element, value) for the auditors.
* **Trials** never touch the table: a trial's script engine carries ``TrialStores``,
  which keep the values inside the trial's own workflow (so a trial starts empty, and
  each trial has its own).

A ``dataStoreReference`` that names no data store (``dataStoreRef`` missing or unknown)
stands for a store of its own, named by the reference's name, else its id.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Protocol

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer.helpers import BpmnDataSpecificationConverter
from SpiffWorkflow.bpmn.specs.data_spec import (
    BpmnDataSpecification,
    BpmnDataStoreSpecification,
)
from SpiffWorkflow.spiff.parser.process import SpiffProcessParser
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from . import data_associations, io_defaults
from .context import NoStepInProgress, current_step
from .models import DataStoreValue

WRITTEN = "data_store_written"
"""History event: a step wrote a data store (data: store, element, value)."""
TRIAL_KEY = "试运行数据存储"
"""Where a trial keeps its stores: a key of its top workflow's data (never an instance's)."""


class DataStoreError(RuntimeError):
    """A data store could not be read or written; the message is Chinese."""


class Stores(Protocol):
    def read(self, store: str, task: Any, *, for_update: bool = False) -> Any: ...

    def write(self, store: str, value: Any, task: Any) -> None: ...


class DatabaseStores:
    """The real stores: rows of ``data_store_value`` in the step's transaction."""

    def read(self, store: str, task: Any, *, for_update: bool = False) -> Any:
        session = _step(store).session
        query = select(DataStoreValue.value).where(DataStoreValue.name == store)
        if for_update:  # the task writes it back: another step's write waits for ours
            query = query.with_for_update()
        return copy.deepcopy(session.execute(query).scalar_one_or_none())

    def write(self, store: str, value: Any, task: Any) -> None:
        step = _step(store)
        value = _json_value(store, value)
        fields = {
            "value": value,
            "updated_at": step.now,
            "updated_by_instance": step.instance_id or None,
            "updated_by_process": step.task_process_id or step.process_id,
        }
        # One statement (insert or update) on both dialects: two steps writing a store
        # nobody wrote before do not collide on its key; the later one wins.
        dialect = step.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(DataStoreValue).values(name=store, **fields)
        step.session.execute(statement.on_conflict_do_update(index_elements=["name"], set_=fields))
        spec = task.task_spec
        event = {"store": store, "element": spec.bpmn_id, "element_name": spec.bpmn_name}
        step.record(WRITTEN, {**event, "value": value})


class TrialStores:
    """A trial's stores: inside its own workflow, so they live and die with the trial."""

    def read(self, store: str, task: Any, *, for_update: bool = False) -> Any:
        return copy.deepcopy(_trial_dict(task).get(store))

    def write(self, store: str, value: Any, task: Any) -> None:
        _trial_dict(task)[store] = _json_value(store, value)


DATABASE = DatabaseStores()


def _trial_dict(task: Any) -> dict[str, Any]:
    top = task.workflow.top_workflow
    return top.data.setdefault(TRIAL_KEY, {})


def _step(store: str):
    try:
        return current_step()
    except NoStepInProgress:
        raise DataStoreError(f"数据存储「{store}」只能在流程步骤中读写") from None


def _json_value(store: str, value: Any) -> Any:
    try:
        return json.loads(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError) as error:
        raise DataStoreError(
            f"写入数据存储「{store}」的值无法保存为 JSON（{type(value).__name__}）：{error}"
        ) from None


def _stores(task: Any) -> Stores:
    return getattr(task.workflow.script_engine, "data_stores", None) or DATABASE


class SharedDataStore(BpmnDataStoreSpecification):
    """A ``bpmn:dataStore``: ``bpmn_id`` is the task-data variable, ``store`` the row."""

    def __init__(self, bpmn_id, bpmn_name=None, store=None, capacity=None, is_unlimited=None):
        super().__init__(bpmn_id, bpmn_name, capacity, is_unlimited)
        self.store = store or bpmn_name or bpmn_id

    def get(self, my_task) -> None:
        writes = getattr(my_task.task_spec, "data_output_associations", None) or []
        for_update = any(getattr(out, "store", None) == self.store for out in writes)
        my_task.data[self.bpmn_id] = _stores(my_task).read(
            self.store, my_task, for_update=for_update
        )

    def set(self, my_task) -> None:
        if self.bpmn_id not in my_task.data:
            return  # the task produced nothing for the store: it stays as it was
        value = my_task.data.pop(self.bpmn_id)
        _stores(my_task).write(self.store, value, my_task)


class SharedDataStoreConverter(BpmnDataSpecificationConverter):
    def to_dict(self, data_spec) -> dict[str, Any]:
        return {**super().to_dict(data_spec), "store": data_spec.store}


class ProcessDataReference(BpmnDataSpecification):
    """An association from a process's own ``dataInput`` or to its ``dataOutput``.

    BPMN 2.0 §10.4: a process's data inputs are what it is started with and its data
    outputs what it hands back; in this engine both are the process's variables of that
    id, so an activity reading or writing them leaves its data as it is (``bpmn_id`` is
    never a variable name: nothing is copied or removed).
    """

    def get(self, my_task) -> None:
        return None

    def set(self, my_task) -> None:
        return None


PROCESS_IO = "process-io:"
"""Prefix of a ``ProcessDataReference``'s key: never a variable, never a store."""


class DataProcessParser(SpiffProcessParser):
    """Resolves associations to the process's own data inputs and outputs, and to a data
    object named directly."""

    def parse_node(self, node):
        known = node.get("id") in self.spec.task_specs
        spec = super().parse_node(node)
        if not known:  # BPMN 2.0 §10.4: associations to the task's ioSpecification
            task_spec = self.spec.task_specs.get(node.get("id"))
            data_associations.rewire(self, node, task_spec)
            io_defaults.relax(self, node, task_spec)
        return spec

    def get_data_object_reference(self, reference_id):
        # BPMN 2.0 lets an association name the dataObject itself (an ItemAwareElement),
        # not only a dataObjectReference to it (OMNITRACKER, ARIS exports do).
        found = super().get_data_object_reference(reference_id)
        if found is None and reference_id and reference_id.strip() in self.spec.data_objects:
            return etree.Element("dataObjectReference", dataObjectRef=reference_id.strip())
        return found

    def get_data_store_reference(self, reference_id):
        found = super().get_data_store_reference(reference_id)
        if found is not None or not reference_id:
            return found
        io = self.node.xpath(
            "./bpmn:ioSpecification/bpmn:dataInput[@id=$ref]"
            " | ./bpmn:ioSpecification/bpmn:dataOutput[@id=$ref]",
            namespaces=self.nsmap,
            ref=reference_id.strip(),
        )
        if not io:
            return None
        key = PROCESS_IO + reference_id.strip()
        self.data_stores.setdefault(key, ProcessDataReference(key, io[0].get("name")))
        return etree.Element("dataStoreReference", dataStoreRef=key)


def register_converters(config: dict) -> None:
    config[SharedDataStore] = SharedDataStoreConverter
    config[ProcessDataReference] = BpmnDataSpecificationConverter


# -- parsing ------------------------------------------------------------------------------


def add_data_stores(parser, bpmn: etree._Element) -> None:
    """``BpmnParser._add_data_stores`` for every data store, whatever its name: each becomes
    a ``SharedDataStore``; a reference to no data store gets one of its own."""
    namespaces = parser.namespaces
    declared = {}
    for element in bpmn.xpath(".//bpmn:dataStore", namespaces=namespaces):
        store_id = element.get("id")
        if store_id is None:
            raise ValidationException("Data Store identifier is missing from bpmn xml")
        declared[store_id] = element
    references = bpmn.xpath(".//bpmn:dataStoreReference", namespaces=namespaces)
    first_name: dict[str, str] = {}
    for reference in references:
        target = reference.get("dataStoreRef")
        ref_id, ref_name = reference.get("id"), _name(reference)
        if target in declared:
            if ref_name:
                first_name.setdefault(target, ref_name)
        elif ref_id is not None:  # it stands for a store of its own
            reference.set("dataStoreRef", ref_id)
            parser.data_stores[ref_id] = SharedDataStore(ref_id, ref_name, ref_name or ref_id)
    for store_id, element in declared.items():
        name = _name(element) or first_name.get(store_id) or store_id
        parser.data_stores[store_id] = SharedDataStore(
            store_id,
            _name(element),
            name,
            element.get("capacity"),
            element.get("isUnlimited"),
        )


def _name(element: etree._Element) -> str | None:
    name = " ".join((element.get("name") or "").split())
    return name or None


def stores_of(spec) -> list[SharedDataStore]:
    """The data stores a task spec reads or writes."""
    found = [
        *(getattr(spec, "data_input_associations", None) or []),
        *(getattr(spec, "data_output_associations", None) or []),
    ]
    return [item for item in found if isinstance(item, SharedDataStore)]


def process_io_of(spec) -> list[ProcessDataReference]:
    """The process data inputs and outputs a task spec's associations name."""
    found = [
        *(getattr(spec, "data_input_associations", None) or []),
        *(getattr(spec, "data_output_associations", None) or []),
    ]
    return [item for item in found if isinstance(item, ProcessDataReference)]


def process_io_warning(reference: ProcessDataReference) -> str:
    variable = reference.bpmn_id.removeprefix(PROCESS_IO)
    named = f"「{reference.bpmn_name}」" if reference.bpmn_name else ""
    return (
        f"这个元素的数据关联连到流程自身的数据输入/输出{named}（{variable}）：本引擎中它就是流程变量"
        f" {variable}，任务直接读写该变量，关联本身不复制数据（BPMN 2.0 流程的数据输入输出）"
    )


def warning_text(store: SharedDataStore) -> str:
    return (
        f"数据存储「{store.store}」保存在本系统的数据库中，由所有使用同名数据存储的流程实例"
        f"共享（BPMN 2.0 数据存储）；任务中以变量 {store.bpmn_id} 读写；试运行使用各自独立的"
        "临时存储，不会改动它"
    )
