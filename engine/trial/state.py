"""A trial's stored parts: its files, its spec (parsed once per worker), its workflow."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import trail
from ..bundle import SourceFile
from ..specs import ParsedProcess, load_state, spec_from_json
from .models import TrialRun
from .views import TrialRefused

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine


def files_to_json(files: Sequence[SourceFile]) -> list[dict[str, Any]]:
    """The set's files as JSON-storable text; a file that is not UTF-8 is refused."""
    stored = []
    for file in files:
        try:
            text = file.content.decode("utf-8")
        except UnicodeDecodeError:
            raise TrialRefused(f"文件 {file.name} 不是 UTF-8 编码，无法试运行") from None
        stored.append({"name": file.name, "kind": file.kind, "content": text})
    return stored


def files_of(row: TrialRun) -> list[SourceFile]:
    return [SourceFile(f["name"], f["kind"], f["content"].encode("utf-8")) for f in row.files]


def form_schema(row: TrialRun, key: str | None) -> dict[str, Any] | None:
    """The trial's form ``key`` (a JSON Schema), or None when the task names none."""
    if not key:
        return None
    for file in row.files:
        if file["kind"] == "form" and file["name"] == key:
            return json.loads(file["content"])
    return None


class _ParsedCache:
    """Restored specs per (content hash, process id); a trial's files never change."""

    def __init__(self, size: int = 16):
        self._size = size
        self._items: OrderedDict[tuple[str, str], ParsedProcess] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, row: TrialRun) -> ParsedProcess:
        key = (row.content_hash, row.process_id)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        parsed = spec_from_json(row.spec)
        with self._lock:
            self._items[key] = parsed
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return parsed


_parsed = _ParsedCache()


def parsed_of(row: TrialRun) -> ParsedProcess:
    return _parsed.get(row)


def load_workflow(row: TrialRun, script_engine: PythonScriptEngine) -> BpmnWorkflow:
    return load_state(row.state, parsed_of(row), script_engine)


def diagram_index(row: TrialRun) -> trail.DiagramIndex:
    """The trial's BPMN files indexed for its diagram and its log (cached per content hash)."""
    return trail.index_files(
        row.content_hash, ((f["name"], f["kind"], f["content"].encode()) for f in row.files)
    )
