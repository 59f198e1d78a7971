"""A user task's Camunda ``formData`` / Flowable ``formProperty`` fields as a JSON Schema,
so a trial shows the task's form and 自动运行到结束 fills it (the fields' ids are often
what the diagram's gateways test). Real work still needs a form of ours (the deploy warns).

Types: ``string`` → text, ``long``/``integer`` → integer, ``double`` → number,
``boolean`` → yes/no, ``date`` → date, ``enum`` → a choice of its values; a default value
and ``required`` are kept.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..lint_graph import bpmn
from .namespaces import ACTIVITI, CAMUNDA, FLOWABLE

FOREIGN_FORM = "foreignFormSchema"
"""The extension key the synthesized schema is stored under (trials only)."""
_TYPES = {
    "string": {"type": "string"},
    "long": {"type": "integer"},
    "integer": {"type": "integer"},
    "int": {"type": "integer"},
    "double": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
}


def form_schema(node: etree._Element) -> dict[str, Any] | None:
    """The JSON Schema of ``node``'s foreign form fields, None without any."""
    extensions = node.find(bpmn("extensionElements"))
    if extensions is None:
        return None
    fields = [*_camunda_fields(extensions), *_property_fields(extensions)]
    if not fields:
        return None
    properties = {name: prop for name, prop, _required in fields}
    required = [name for name, _prop, is_required in fields if is_required]
    schema: dict[str, Any] = {
        "type": "object",
        "title": node.get("name") or node.get("id") or "",
        "properties": properties,
    }
    if required:
        schema["required"] = required
    return schema


def _camunda_fields(extensions: etree._Element):
    for field in extensions.iter(f"{{{CAMUNDA}}}formField"):
        name = field.get("id")
        if not name:
            continue
        values = [v.get("id") for v in field.iter(f"{{{CAMUNDA}}}value") if v.get("id")]
        required = any(
            (c.get("name") or "") == "required" for c in field.iter(f"{{{CAMUNDA}}}constraint")
        )
        prop = _property(field.get("type"), field.get("label") or name, values)
        _default(prop, field.get("defaultValue"))
        yield name, prop, required


def _property_fields(extensions: etree._Element):
    for namespace in (FLOWABLE, ACTIVITI):
        for field in extensions.iter(f"{{{namespace}}}formProperty"):
            name = field.get("id")
            if not name or field.get("writable") == "false":
                continue
            values = [v.get("id") for v in field.iter(f"{{{namespace}}}value") if v.get("id")]
            prop = _property(field.get("type"), field.get("name") or name, values)
            _default(prop, field.get("default"))
            yield name, prop, field.get("required") == "true"


def _property(kind: str | None, title: str, values: list[str]) -> dict[str, Any]:
    if kind == "enum" and values:
        return {"type": "string", "title": title, "enum": values}
    return {**_TYPES.get(kind or "string", {"type": "string"}), "title": title}


def _default(prop: dict[str, Any], text: str | None) -> None:
    if text is None or text.strip().startswith(("${", "#{")):
        return
    kind = prop.get("type")
    try:
        if kind == "integer":
            prop["default"] = int(text)
        elif kind == "number":
            prop["default"] = float(text)
        elif kind == "boolean":
            prop["default"] = text.strip().lower() == "true"
        else:
            prop["default"] = text
    except ValueError:
        return
