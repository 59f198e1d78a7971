"""Edited versions of the shipped ``plain_case`` diagram, as a designer would make them."""

from __future__ import annotations

from engine import SourceFile
from engine.bundle import collect_set
from tests.conftest import BPMN_DIR, FORMS_DIR

ORIGINAL_TIMER = "duration(days=handle_limit_days)"

REVIEW_TASK = """
    <bpmn:userTask id="review" name="复核">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename"
                                  value="plain_case/close.schema.json" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_handle_to_review</bpmn:incoming>
      <bpmn:outgoing>flow_review_to_callback</bpmn:outgoing>
    </bpmn:userTask>
"""


def plain_case_set() -> list[SourceFile]:
    files, problems = collect_set([BPMN_DIR / "plain_case.bpmn"], [FORMS_DIR])
    assert problems == []
    return files


def edited(files: list[SourceFile], name: str, edit) -> list[SourceFile]:
    """``files`` with the text of ``name`` passed through ``edit``."""
    return [
        SourceFile(f.name, f.kind, edit(f.content.decode()).encode()) if f.name == name else f
        for f in files
    ]


def with_timer(expression: str):
    def edit(text: str) -> str:
        assert ORIGINAL_TIMER in text
        return text.replace(ORIGINAL_TIMER, expression)

    return edit


def with_review_after_handle(text: str) -> str:
    """A 复核 task (lane 镇综治中心, the close form) between 处置 and 回访."""
    text = text.replace(
        _flow("flow_handle_to_callback", "handle", "callback"),
        _flow("flow_handle_to_review", "handle", "review")
        + _flow("flow_review_to_callback", "review", "callback"),
    )
    text = text.replace(
        "<bpmn:outgoing>flow_handle_to_callback</bpmn:outgoing>",
        "<bpmn:outgoing>flow_handle_to_review</bpmn:outgoing>",
    )
    text = text.replace(
        "<bpmn:incoming>flow_handle_to_callback</bpmn:incoming>",
        "<bpmn:incoming>flow_review_to_callback</bpmn:incoming>",
    )
    text = text.replace(
        "<bpmn:flowNodeRef>callback</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>callback</bpmn:flowNodeRef>",
    )
    return text.replace(
        '    <bpmn:userTask id="callback"', REVIEW_TASK + '    <bpmn:userTask id="callback"'
    )


def _flow(flow_id: str, source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}" />'


def without_task(task_id: str, successor: str):
    """Drop user task ``task_id``: whatever flowed into it flows into ``successor``."""

    def edit(text: str) -> str:
        start = text.index(f'<bpmn:userTask id="{task_id}"')
        end = text.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
        text = text[:start] + text[end:]
        text = text.replace(f'targetRef="{task_id}"', f'targetRef="{successor}"')
        text = text.replace(f"<bpmn:flowNodeRef>{task_id}</bpmn:flowNodeRef>", "")
        for flow in _flows_from(text, task_id):
            text = text.replace(flow, "")
        return text

    return edit


def _flows_from(text: str, source: str) -> list[str]:
    found = []
    for line in text.splitlines():
        if "<bpmn:sequenceFlow" in line and f'sourceRef="{source}"' in line:
            found.append(line)
    return found
