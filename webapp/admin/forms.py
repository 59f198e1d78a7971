"""Reading the admin forms: text trimmed, empty choices as ``None``, numbers checked.

Each reader returns the values and the field errors it found; the services check the
rest (consistency, uniqueness) and their refusals are shown beside these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from processes.models import Department, DisputeType, Region
from processes.reference import KINDS

from ..accounts.service import Profile
from ..validation import parse_int

NAME_MAX = {
    "region": Region.name.type.length,
    "department": Department.name.type.length,
    "dispute_type": DisputeType.name.type.length,
}


NUMBER_MAX = 9999
"""Largest number a deadline rule field takes (a year of hours is 8,784)."""


def text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def optional(form: Mapping[str, str], name: str) -> str | None:
    return text(form, name) or None


def checked(form: Mapping[str, str], name: str) -> bool:
    return form.get(name) in ("on", "1", "true", "yes")


@dataclass
class UserForm:
    """The user form as typed (shown again with the errors when it is refused)."""

    username: str = ""
    display_name: str = ""
    roles: list[str] = field(default_factory=list)
    region_code: str | None = None
    department_code: str | None = None
    active: bool = True
    unit_code: str | None = None

    @classmethod
    def read(cls, form: MultiDict, *, with_active: bool) -> UserForm:
        return cls(
            username=text(form, "username"),
            display_name=text(form, "display_name"),
            roles=form.getlist("roles"),
            region_code=optional(form, "region_code"),
            department_code=optional(form, "department_code"),
            active=checked(form, "active") if with_active else True,
            unit_code=optional(form, "unit_code"),
        )

    @classmethod
    def of(cls, user: Any) -> UserForm:
        return cls(
            username=user.username,
            display_name=user.display_name,
            roles=sorted(user.roles),
            region_code=user.region_code,
            department_code=user.department_code,
            active=user.active,
            unit_code=user.unit_code,
        )

    def profile(self) -> Profile:
        return Profile(
            display_name=self.display_name,
            roles=tuple(self.roles),
            region_code=self.region_code,
            department_code=self.department_code,
            active=self.active,
            unit_code=self.unit_code,
        )


def reference_values(
    kind: str, form: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The editable fields of a ``kind`` row from its form, and the field errors."""
    values: dict[str, Any] = {"name": text(form, "name"), "active": checked(form, "active")}
    fields = KINDS[kind].fields
    for name in ("level", "station"):
        if name in fields:
            values[name] = text(form, name)
    if "parent_code" in fields:
        values["parent_code"] = optional(form, "parent_code")
    errors: dict[str, list[str]] = {}
    if len(values["name"]) > NAME_MAX[kind]:
        errors["name"] = [f"名称不超过 {NAME_MAX[kind]} 个字"]
    return values, errors


def rule_values(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A deadline rule's fields from its form, and the field errors (not a whole number)."""
    values: dict[str, Any] = {
        "name": text(form, "name"),
        "unit": text(form, "unit"),
        "extendable_by": text(form, "extendable_by"),
        "basis": text(form, "basis"),
        "pausable": checked(form, "pausable"),
    }
    errors: dict[str, list[str]] = {}
    for name, required in (
        ("amount", True),
        ("red_amount", False),
        ("warn_hours", True),
        ("max_extension", False),
    ):
        raw = text(form, name)
        if not raw and not required:
            values[name] = None
        elif (number := parse_int(raw, maximum=NUMBER_MAX)) is not None:
            values[name] = number
        else:
            errors[name] = [_number_problem(raw)]
            values[name] = raw
    return values, errors


def _number_problem(raw: str) -> str:
    if not raw:
        return "必填"
    if raw.isascii() and raw.isdigit():
        return f"不能超过 {NUMBER_MAX}"
    return "请填写不带小数的非负整数"


def day_value(form: Mapping[str, str], name: str) -> tuple[date | None, str | None]:
    """A ``YYYY-MM-DD`` date from the form, or the message why not."""
    raw = text(form, name)
    if not raw:
        return None, "请填写日期"
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return None, "日期格式应为 YYYY-MM-DD"
