"""Reading the units, roster, stations and rota forms: text trimmed, empty choices as
``None``. The services check the values and name the field of a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from .forms import checked, optional, text


def unit_values(form: Mapping[str, str], *, department_unit: bool) -> dict[str, Any]:
    """A unit's fields from its form; a department's unit takes only its region and parent
    (its name, kind and status follow the department)."""
    values: dict[str, Any] = {
        "region_code": optional(form, "region_code"),
        "parent_code": optional(form, "parent_code"),
    }
    if not department_unit:
        values |= {
            "name": text(form, "name"),
            "kind": text(form, "kind"),
            "active": checked(form, "active"),
        }
    return values


def roster_values(form: MultiDict) -> dict[str, Any]:
    """A roster entry's fields from its form."""
    return {
        "name": text(form, "name"),
        "kind": text(form, "kind"),
        "unit_code": optional(form, "unit_code"),
        "region_code": optional(form, "region_code"),
        "skills": [code for code in form.getlist("skills") if code],
        "username": optional(form, "username"),
        "active": checked(form, "active"),
    }


def station_values(form: Mapping[str, str]) -> dict[str, Any]:
    """A station's mode, default liaison and status from its form."""
    return {
        "mode": text(form, "mode"),
        "liaison": optional(form, "liaison"),
        "active": checked(form, "active"),
    }


def rota_values(form: Mapping[str, str], days: list[date]) -> dict[date, str | None]:
    """The week's choices: day → username (``None``: nobody named), for the days the form
    sent (a day it did not send is left as it is)."""
    return {day: optional(form, f"day-{day}") for day in days if f"day-{day}" in form}
