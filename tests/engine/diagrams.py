"""Small diagrams written on the fly for engine tests."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="defs_{pid}" targetNamespace="http://zongzhi.test">
"""


def user_task(task_id: str, name: str, *, form: str | None = None, extra: str = "") -> str:
    props = ""
    if form:
        props = (
            "<bpmn:extensionElements><spiffworkflow:properties>"
            f'<spiffworkflow:property name="formJsonSchemaFilename" value="{form}"/>'
            "</spiffworkflow:properties></bpmn:extensionElements>"
        )
    return f'<bpmn:userTask id="{task_id}" name="{name}">{props}{extra}</bpmn:userTask>'


def script_task(task_id: str, script: str) -> str:
    return (
        f'<bpmn:scriptTask id="{task_id}" name="{task_id}">'
        f"<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>"
    )


def service_task(task_id: str, operator: str) -> str:
    return (
        f'<bpmn:serviceTask id="{task_id}" name="{task_id}"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="result">'
        "<spiffworkflow:parameters/></spiffworkflow:serviceTaskOperator>"
        "</bpmn:extensionElements></bpmn:serviceTask>"
    )


def sequence(pid: str, *nodes: tuple[str, str], lane: str | None = "镇综治中心") -> str:
    """A process: start → each (id, xml) node in turn → end, all in one lane."""
    ids = ["start", *[node_id for node_id, _ in nodes], "end"]
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(pairwise(ids))
    )
    lanes = ""
    if lane:
        refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
        lane_xml = f'<bpmn:lane id="lane1" name="{lane}">{refs}</bpmn:lane>'
        lanes = f'<bpmn:laneSet id="ls">{lane_xml}</bpmn:laneSet>'
    body = "".join(xml for _, xml in nodes)
    return (
        HEAD.format(pid=pid)
        + f'<bpmn:process id="{pid}" name="{pid}" isExecutable="true">{lanes}'
        + '<bpmn:startEvent id="start"/>'
        + body
        + '<bpmn:endEvent id="end"/>'
        + flows
        + "</bpmn:process></bpmn:definitions>"
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


SIMPLE_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "测试表单",
    "type": "object",
    "properties": {"note": {"type": "string", "title": "备注", "minLength": 2}},
    "required": ["note"],
    "additionalProperties": False,
}


def write_form(forms_dir: Path, key: str, schema: dict | None = None) -> Path:
    return write(forms_dir, key, json.dumps(schema or SIMPLE_FORM, ensure_ascii=False))


def message_catch(event_id: str, message: str, variable: str) -> str:
    """An intermediate catch event waiting for ``message``; its payload lands in ``variable``."""
    return (
        f'<bpmn:intermediateCatchEvent id="{event_id}" name="{event_id}">'
        f'<bpmn:messageEventDefinition id="{event_id}_def" messageRef="{message}">'
        f"<bpmn:extensionElements><spiffworkflow:messageVariable>{variable}"
        "</spiffworkflow:messageVariable></bpmn:extensionElements>"
        "</bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>"
    )


def message_definition(message: str) -> str:
    return f'<bpmn:message id="{message}" name="{message}"/>'


def timer_catch(event_id: str, duration_expression: str) -> str:
    """An intermediate timer event; the expression is written into the XML as given."""
    return (
        f'<bpmn:intermediateCatchEvent id="{event_id}" name="等待"><bpmn:timerEventDefinition>'
        f"<bpmn:timeDuration>{duration_expression}</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


def start_form_then_script(engine, tmp_path: Path, script: str, *, actor) -> str:
    """Deploy and start ``r``: a 登记 form task in lane 镇综治中心, then script task ``evil``.

    Returns the id of the ready form task; completing it runs ``script``.
    """
    forms = tmp_path / "forms"
    write_form(forms, "t/a.json")
    path = write(
        tmp_path,
        "r.bpmn",
        sequence(
            "r",
            ("a", user_task("a", "登记", form="t/a.json")),
            ("evil", script_task("evil", script)),
        ),
    )
    engine.deploy([path], actor="designer", forms_dirs=[forms])
    engine.start("r", actor=actor)
    [task] = engine.ready_tasks(actor)
    return task.id
