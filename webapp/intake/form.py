"""The 受理登记 form: posted fields to the intake schema's shape, and back for redisplay.

``parse`` keeps two things: ``fields`` (what ``processes.intake.receive_case`` takes) and
``values`` / ``parties`` (the raw text as typed, shown again when something is wrong).
Party rows left blank are not sent on; ``shown_errors`` turns an error's ``parties/<i>``
(the i-th row sent) back into the row on the screen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from processes.enums import Channel

PARTY_FIELDS = ("role", "name", "phone", "id_number", "address")
PARTY_ROLES = ("申请人", "被申请人", "第三人")
TEXT_FIELDS = ("source_ref", "dispute_subtype", "request", "place")
REQUIRED_TEXT = ("channel", "dispute_type", "summary", "region_code", "risk_colour")
MAX_PARTY_ROWS = 50
_PARTY_KEY = re.compile(r"^party-(\d+)-(\w+)$")
_NO_SPACES = frozenset({"phone", "id_number"})


@dataclass
class IntakeInput:
    values: dict[str, str]
    """Every scalar field as typed."""
    parties: list[dict[str, str]]
    """The party rows as typed, blank ones too."""
    filled: list[int] = field(default_factory=list)
    """Which rows of ``parties`` were filled in (and sent on), in order."""
    fields: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)


def blank(region_code: str | None) -> IntakeInput:
    """The empty form: a window matter in the clerk's own region, an applicant and a respondent."""
    values = {"channel": Channel.WINDOW, "region_code": region_code or "", "people_count": "1"}
    return IntakeInput(values, [_row("申请人"), _row("被申请人")])


def parse(form: Mapping[str, str]) -> IntakeInput:
    """The posted form as schema fields; bad numbers and a missing 申请人 become errors."""
    names = (*REQUIRED_TEXT, *TEXT_FIELDS, "people_count", "amount", "collective")
    values = {name: (form.get(name) or "").strip() for name in names}
    parsed = IntakeInput(values, _party_rows(form))
    fields: dict[str, Any] = {name: values[name] for name in REQUIRED_TEXT if values[name]}
    fields.update({name: values[name] for name in TEXT_FIELDS if values[name]})
    fields["collective"] = values["collective"] == "1"
    _number(parsed, fields, "people_count", integer=True)
    _number(parsed, fields, "amount", integer=False)
    parsed.filled = [i for i, row in enumerate(parsed.parties) if _is_filled(row)]
    sent = [parsed.parties[i] for i in parsed.filled]
    fields["parties"] = [{key: value for key, value in row.items() if value} for row in sent]
    if not any(row["role"] == "申请人" and row["name"] for row in sent):
        parsed.errors.setdefault("parties", []).append("请至少填写一名申请人（姓名必填）")
    parsed.fields = fields
    return parsed


def with_extra_row(parsed: IntakeInput) -> IntakeInput:
    """The same input with one more blank party row (the no-script 添加当事人)."""
    if len(parsed.parties) < MAX_PARTY_ROWS:
        parsed.parties.append(_row("第三人" if len(parsed.parties) >= 2 else "被申请人"))
    parsed.errors = {}
    return parsed


def shown_errors(parsed: IntakeInput, errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """``errors`` with ``parties/<i>/…`` pointing at the row on the screen."""
    shown: dict[str, list[str]] = {}
    for key, messages in errors.items():
        parts = key.split("/")
        if len(parts) >= 2 and parts[0] == "parties" and parts[1].isdigit():
            sent = int(parts[1])
            if sent < len(parsed.filled):
                parts[1] = str(parsed.filled[sent])
        shown.setdefault("/".join(parts), []).extend(messages)
    return shown


def ensure_rows(parsed: IntakeInput) -> IntakeInput:
    """At least one row to type into, the first an applicant's."""
    if not parsed.parties:
        parsed.parties.append(_row("申请人"))
    return parsed


def _row(role: str) -> dict[str, str]:
    return {"role": role, "name": "", "phone": "", "id_number": "", "address": ""}


def _party_rows(form: Mapping[str, str]) -> list[dict[str, str]]:
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        match = _PARTY_KEY.match(key)
        if match and match.group(2) in PARTY_FIELDS and int(match.group(1)) < MAX_PARTY_ROWS * 4:
            name, value = match.group(2), (form.get(key) or "").strip()
            if name in _NO_SPACES:  # 138 1234 5678 as typed from a card
                value = re.sub(r"\s", "", value)
            rows.setdefault(int(match.group(1)), _row("申请人"))[name] = value
    return [rows[i] for i in sorted(rows)][:MAX_PARTY_ROWS]


def _is_filled(row: Mapping[str, str]) -> bool:
    return any(row[key] for key in PARTY_FIELDS if key != "role")


def _number(parsed: IntakeInput, fields: dict[str, Any], name: str, *, integer: bool) -> None:
    text = parsed.values[name].replace(",", "").replace("，", "")
    if not text:
        return
    try:
        number: float | int = int(text) if integer else float(text)
    except ValueError:
        number = math.nan
    if isinstance(number, float) and not math.isfinite(number):
        parsed.errors.setdefault(name, []).append("请输入整数" if integer else "请输入数字")
        return
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    fields[name] = number


FIELD_LABELS = {
    "channel": "来源渠道",
    "source_ref": "来源编号",
    "dispute_type": "纠纷类型",
    "dispute_subtype": "纠纷细类",
    "summary": "纠纷简要情况",
    "request": "申请（请求）事项",
    "region_code": "发生地",
    "place": "详细地点",
    "people_count": "涉及人数",
    "collective": "是否群体性",
    "amount": "涉及金额",
    "risk_colour": "风险等级",
    "parties": "当事人",
    "role": "身份",
    "name": "姓名（名称）",
    "phone": "联系电话",
    "id_number": "身份证号",
    "address": "住址",
}


def error_label(key: str) -> str:
    """``parties/1/phone`` → ``当事人 2 · 联系电话``; ``""`` → ``表单``."""
    parts = key.split("/")
    if len(parts) == 3 and parts[0] == "parties" and parts[1].isdigit():
        return f"当事人 {int(parts[1]) + 1} · {FIELD_LABELS.get(parts[2], parts[2])}"
    return FIELD_LABELS.get(key, key or "表单")


def input_label(name: str) -> str:
    """The label of a form input as the clerk sees it: ``party-1-phone`` → ``当事人 2 ·
    联系电话``; an input the form does not have → ``表单``."""
    match = _PARTY_KEY.match(name)
    if match and match.group(2) in FIELD_LABELS:
        return error_label(f"parties/{match.group(1)}/{match.group(2)}")
    return FIELD_LABELS.get(name, "表单")


def field_id(key: str) -> str:
    """The id of the input an error belongs to: ``parties/1/phone`` → ``party-1-phone``."""
    parts = key.split("/")
    if len(parts) == 3 and parts[0] == "parties":
        return f"party-{parts[1]}-{parts[2]}"
    if len(parts) == 2 and parts[0] == "parties":
        return f"party-{parts[1]}-name"
    return key or "intake-form"
