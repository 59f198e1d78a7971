"""A form file as the designer types it: is it JSON, is it a JSON Schema, and where not.

Every issue names its line (and the schema path, when the text parses), so the editor can
point at the spot. The same check guards the deploy: a form with an issue never deploys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from .json_lines import key_lines, nearest_line

_JSON_MESSAGES = (
    ("Expecting ',' delimiter", "缺少逗号“,”"),
    ("Expecting ':' delimiter", "属性名后缺少冒号“:”"),
    (
        "Expecting property name enclosed in double quotes",
        "属性名须用英文双引号括起（或多了一个逗号）",
    ),
    ("Expecting value", "缺少值（或多了一个逗号）"),
    ("Unterminated string", "字符串缺少结束的双引号"),
    ("Invalid control character", "字符串中不能直接换行或含控制字符"),
    ("Invalid \\escape", "无效的转义字符"),
    ("Extra data", "JSON 已结束，后面还有多余的内容"),
)


@dataclass(frozen=True)
class FormIssue:
    """One thing wrong with a form file: where (line, schema path) and why."""

    message: str
    line: int | None = None
    column: int | None = None
    field: str = ""
    """The schema path, e.g. ``properties/handle_days/minimum`` (empty for syntax errors)."""

    @property
    def place(self) -> str:
        """``第 3 行第 5 列``, ``第 3 行``, or empty."""
        if not self.line:
            return ""
        return f"第 {self.line} 行" + (f"第 {self.column} 列" if self.column else "")

    def describe(self) -> str:
        where = self.place + (f"（{self.field}）" if self.field else "")
        return f"{where}：{self.message}" if where else self.message


@dataclass(frozen=True)
class FormCheck:
    schema: dict[str, Any] | None
    """The parsed schema when the text is at least a JSON object (even with schema issues)."""
    issues: list[FormIssue]

    @property
    def ok(self) -> bool:
        return not self.issues


def _json_message(raw: str) -> str:
    for english, chinese in _JSON_MESSAGES:
        if raw.startswith(english):
            return chinese
    return raw


_TYPE_NAMES = {
    "object": "对象 {…}",
    "array": "数组 […]",
    "string": "文本（带双引号）",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
}


_TYPES = "object、array、string、integer、number、boolean、null"


def _schema_message(error) -> str:
    """A Chinese message for a JSON Schema meta-validation error."""
    kind, value = error.validator, error.validator_value
    if kind == "type":
        wanted = value if isinstance(value, list) else [value]
        return "应为" + "或".join(_TYPE_NAMES.get(w, w) for w in wanted)
    if kind == "minimum":
        return f"不能小于 {value}"
    if kind in ("anyOf", "oneOf", "enum"):
        shown = json.dumps(error.instance, ensure_ascii=False)
        if list(error.absolute_path)[-1:] == ["type"]:
            return f"取值 {shown} 无效（type 只能是 {_TYPES}）"
        return f"取值 {shown} 无效"
    if kind == "uniqueItems":
        return "不能有重复项"
    return f"不是合法的 JSON Schema：{error.message}"


def check_form_text(text: str) -> FormCheck:
    """Parse and check ``text`` as a task form's JSON Schema (draft 2020-12)."""
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as error:
        issue = FormIssue(_json_message(error.msg), error.lineno, error.colno)
        return FormCheck(None, [issue])
    if not isinstance(schema, dict):
        return FormCheck(None, [FormIssue("表单定义必须是一个 JSON 对象（以 { 开头）", 1)])
    validator = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    lines = key_lines(text)
    issues = [
        FormIssue(
            _schema_message(error),
            nearest_line(lines, list(error.absolute_path)),
            field="/".join(str(p) for p in error.absolute_path) or "(根)",
        )
        for error in validator.iter_errors(schema)
    ]
    return FormCheck(schema, sorted(issues, key=lambda issue: (issue.line or 0, issue.field)))
