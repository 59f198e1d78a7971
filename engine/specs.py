"""SpiffWorkflow parsing and serialization, with each version's spec stored once.

An instance's JSON holds only its state (tasks, data, subprocesses, events); the spec it
runs on is serialized once per deployed process and restored once per worker, then
shared by every instance of that version.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from . import data_associations, data_stores, io_defaults, service_tasks
from .foreign import PARSER_OVERRIDES
from .trail_marks import marks_from_json, marks_to_json


class _StateOnlyConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its spec; restores it onto a given spec."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        if pruned := marks_to_json(workflow):
            dct["pruned_marks"] = pruned
        return dct

    def from_dict(self, dct: dict[str, Any], spec=None, subprocess_specs=None) -> BpmnWorkflow:
        dct = dict(dct, spec=spec, subprocess_specs=dict(subprocess_specs or {}))
        pruned = dct.pop("pruned_marks", None)
        workflow = super().from_dict(dct)
        marks_from_json(workflow, pruned)
        return workflow


def _configure():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _StateOnlyConverter
    service_tasks.register_converters(config)
    data_stores.register_converters(config)
    data_associations.register_converters(config)
    io_defaults.register_converters(config)
    registry = BpmnWorkflowSerializer.configure(config)
    return registry, BpmnWorkflowSerializer(registry)


SPIFF_LOGGERS = ("spiff.task", "spiff.workflow", "spiff.data", "spiff.dmn")
"""SpiffWorkflow's loggers. Each decides what its log extras carry by its own level (not
the effective one): unset, it adds the task data and the ids of every task in the tree."""

_registry, _serializer = _configure()
SERIALIZER_VERSION: str = _serializer.VERSION


class _Parser(SpiffBpmnParser):
    """The spiff parser, also reading other engines' extensions where their meaning is ours
    (``engine.foreign.parsers``); its task spec classes are the spiff family's own, but for
    service, send and receive tasks that call nothing (``engine.service_tasks``) and data stores
    (``engine.data_stores``)."""

    OVERRIDE_PARSER_CLASSES: ClassVar[dict] = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        **PARSER_OVERRIDES,
        **service_tasks.parser_overrides(SpiffBpmnParser.OVERRIDE_PARSER_CLASSES),
    }

    PROCESS_PARSER_CLASS = data_stores.DataProcessParser

    def _add_data_stores(self, bpmn) -> None:
        # Every data store is ours (``engine.data_stores``), whatever its name.
        data_stores.add_data_stores(self, bpmn)


def new_parser(*, validate: bool = True) -> SpiffBpmnParser:
    """A parser of the spiff family (the serializer config above must match it)."""
    return _Parser(validator=VALIDATOR if validate else None)


@dataclass(frozen=True)
class ParsedProcess:
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]

    def all_specs(self) -> list[BpmnProcessSpec]:
        return [self.spec, *self.subprocess_specs.values()]


def spec_to_json(parsed: ParsedProcess) -> str:
    return json.dumps(
        {
            "spec": _registry.convert(parsed.spec),
            "subprocess_specs": {
                k: _registry.convert(v) for k, v in parsed.subprocess_specs.items()
            },
        },
        ensure_ascii=False,
    )


def spec_from_json(text: str) -> ParsedProcess:
    dct = json.loads(text)
    return ParsedProcess(
        spec=_registry.restore(dct["spec"]),
        subprocess_specs={k: _registry.restore(v) for k, v in dct["subprocess_specs"].items()},
    )


def dump_state(workflow: BpmnWorkflow) -> str:
    """The instance's state as JSON text, without the spec."""
    return json.dumps(_registry.convert(workflow), ensure_ascii=False, separators=(",", ":"))


def load_state(text: str, parsed: ParsedProcess, script_engine: PythonScriptEngine) -> BpmnWorkflow:
    """Rebuild a workflow from ``dump_state`` output on its cached spec.

    The script engine is attached here, on every load: SpiffWorkflow does not serialize
    it and would otherwise run scripts with full builtins.
    """
    dct = json.loads(text)
    dct.pop("typename", None)
    workflow = _registry.convert_from_dict["BpmnWorkflow"](
        dct, spec=parsed.spec, subprocess_specs=parsed.subprocess_specs
    )
    workflow.script_engine = script_engine
    return workflow


def new_workflow(parsed: ParsedProcess, script_engine: PythonScriptEngine) -> BpmnWorkflow:
    return BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=script_engine)


class SpecCache:
    """Restored specs per process definition row, least recently used evicted."""

    def __init__(self, size: int = 64):
        self._size = size
        self._items: OrderedDict[int, ParsedProcess] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, definition_id: int, spec_json: str | None = None) -> ParsedProcess | None:
        with self._lock:
            parsed = self._items.get(definition_id)
            if parsed is not None:
                self._items.move_to_end(definition_id)
                return parsed
        if spec_json is None:
            return None
        parsed = spec_from_json(spec_json)
        with self._lock:
            self._items[definition_id] = parsed
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return parsed
