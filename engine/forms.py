"""Task forms: JSON Schemas referenced from user tasks, validated on deploy and on submit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from .errors import FormInvalid

FORM_PROPERTY = "formJsonSchemaFilename"
"""The spiffworkflow property on a user task that names its form (a path under forms/)."""


def form_key_of(extensions: Mapping[str, Any]) -> str | None:
    """The form file a user task references, or None."""
    return (extensions.get("properties") or {}).get(FORM_PROPERTY) or None


def check_schema(content: bytes) -> str | None:
    """A Chinese message saying why ``content`` is not a usable JSON Schema, or None."""
    try:
        schema = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"不是合法的 JSON：{error}"
    if not isinstance(schema, dict):
        return "表单定义必须是 JSON 对象"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        path = "/".join(str(p) for p in error.path) or "(根)"
        return f"不是合法的 JSON Schema（{path}）：{error.message}"
    return None


def _field_of(error) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    return "/".join(path)


_SIMPLE_MESSAGES = {
    "minLength": "至少 {value} 个字",
    "maxLength": "最多 {value} 个字",
    "minimum": "不能小于 {value}",
    "maximum": "不能大于 {value}",
    "pattern": "格式不正确",
    "const": "必须为：{value}",
    "minItems": "至少选择或填写 {value} 项",
    "maxItems": "最多 {value} 项",
    "uniqueItems": "不能有重复项",
}


def _shown(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def _message_of(error, schema: Mapping[str, Any]) -> str:
    kind, value = error.validator, error.validator_value
    if kind == "required":
        return "必填"
    if kind == "enum":
        return "请从以下选项中选择：" + "、".join(str(v) for v in value)
    if kind == "type":
        names = {
            "string": "文本",
            "integer": "整数",
            "number": "数字",
            "boolean": "是/否",
            "array": "列表",
            "object": "对象",
        }
        wanted = value if isinstance(value, list) else [value]
        return "应为" + "或".join(names.get(w, w) for w in wanted)
    if kind in _SIMPLE_MESSAGES:
        return _SIMPLE_MESSAGES[kind].format(value=_shown(value))
    if kind == "additionalProperties":
        return "包含表单未定义的字段：" + error.message.split("(")[-1].rstrip(")")
    return error.message


_VALIDATORS: dict[int, tuple[Mapping[str, Any], Draft202012Validator]] = {}
_MAX_VALIDATORS = 256


def _validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """The validator of ``schema``, built once per schema object (the form cache hands
    out the same object for a version's form; the entry holds it, so its id stays its)."""
    found = _VALIDATORS.get(id(schema))
    if found is not None and found[0] is schema:
        return found[1]
    validator = Draft202012Validator(schema)
    if len(_VALIDATORS) >= _MAX_VALIDATORS:
        _VALIDATORS.clear()
    _VALIDATORS[id(schema)] = (schema, validator)
    return validator


def validate_form(schema: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """Raise ``FormInvalid`` with every error keyed by field path; return None when valid."""
    validator = _validator(schema)
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        errors.setdefault(_field_of(error), []).append(_message_of(error, schema))
    if errors:
        raise FormInvalid(errors)
