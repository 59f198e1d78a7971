"""What some task forms need beyond their JSON Schema: a value prefilled from the process's
data (the admins' rule gives a default, intake gave the risk colour) and checks against
the rules and the calendar (a limit longer than the rule allows, a holiday chosen as a
due day), each message named by its field like the schema's own.

The task page asks ``prefill`` when it shows a form and ``check`` before it submits one;
the actions the diagram calls next refuse the same values, so nothing bypasses a rule. A
form is found by its file (the ``formJsonSchemaFilename`` of its user task).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from . import whistle_deadline

Check = Callable[[Session, Mapping[str, Any], Mapping[str, Any], datetime], dict[str, list[str]]]
"""``check(session, task_data, form_data, now)``: messages by field (empty: fine)."""
Prefill = Callable[[Mapping[str, Any]], dict[str, Any]]
"""``prefill(task_data)``: values to show in the form before the user types."""


def _nothing(_data: Mapping[str, Any]) -> dict[str, Any]:
    return {}


def _no_errors(
    _session: Session, _data: Mapping[str, Any], _form: Mapping[str, Any], _now: datetime
) -> dict[str, list[str]]:
    return {}


def assess_prefill(data: Mapping[str, Any]) -> dict[str, Any]:
    """分流研判 starts from what intake recorded: the case's risk colour (as registered,
    raised at intake or changed since on the case page) and, unless intake marked the
    matter otherwise, a single-department matter; the worker confirms or corrects."""
    found: dict[str, Any] = {"cross_department": False}
    if data.get("risk_colour"):
        found["risk_colour"] = data["risk_colour"]
    return found


@dataclass(frozen=True)
class FormRules:
    check: Check
    prefill: Prefill = _nothing


RULES: dict[str, FormRules] = {
    "whistle/dispatch.schema.json": FormRules(
        whistle_deadline.dispatch_errors, whistle_deadline.dispatch_prefill
    ),
    "whistle/extension.schema.json": FormRules(whistle_deadline.request_errors),
    "whistle/approve.schema.json": FormRules(whistle_deadline.approval_errors),
    "case_main/assess.schema.json": FormRules(_no_errors, assess_prefill),
}


def has_rules(form_key: str | None) -> bool:
    """Whether the form needs the task's data to be prefilled or checked."""
    return form_key in RULES


def prefill(form_key: str | None, data: Mapping[str, Any]) -> dict[str, Any]:
    rules = RULES.get(form_key or "")
    return rules.prefill(data) if rules else {}


def check(
    session: Session,
    form_key: str | None,
    *,
    data: Mapping[str, Any],
    form: Mapping[str, Any],
    now: datetime,
) -> dict[str, list[str]]:
    rules = RULES.get(form_key or "")
    return rules.check(session, data, form, now) if rules else {}
