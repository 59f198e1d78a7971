"""中心吹哨's 定办结时限: the default the admins' rule gives, how long the center may fix
it, and how far approved extensions may take it.

The rule (``deadline_rule``; the diagram names it, "whistle.handle" as shipped) gives the
default: its amount, or its red amount for a red case. The longest limit is the default
plus the rule's 最长延长期限 (``max_extension``) when it has one, the default itself when
the rule may not be extended (不可延长), and unbounded otherwise. It binds the center's
四定 and every approved extension alike: the deadline never passes the latest day counted
from the 四定 (``whistle_latest`` in the diagram's data). Nothing is capped in silence: a
longer entry is refused with a message naming the rule, the limit and the latest day.

The checks here serve both the task forms (field-named errors before anything is saved)
and the actions the diagram calls (the same refusal, should a form be bypassed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from .calendar import WorkCalendar, load_calendar
from .deadlines import due_after, end_of_day, extend, local, rule_amount, rule_of
from .enums import DeadlineUnit, Extension


@dataclass(frozen=True)
class HandleRule:
    """The 办结时限 rule as it applies to one case (its colour), as the diagram keeps it."""

    key: str
    name: str
    unit: str
    default: int
    longest: int | None
    """The longest limit in ``unit``; None: no limit."""
    extendable: bool
    warn_hours: int

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> HandleRule | None:
        if not isinstance(data, Mapping):
            return None
        try:
            return cls(**{field: data[field] for field in cls.__dataclass_fields__})
        except KeyError:
            return None

    def describe(self) -> str:
        """E.g. 规则「中心吹哨·办结时限」：默认 10 个工作日，最多延长 10 个工作日."""
        text = f"规则「{self.name}」：默认 {self.default} 个{self.unit}"
        if not self.extendable:
            return text + "，不可延长"
        if self.longest is None:
            return text + "，延长不设上限"
        return text + f"，最多延长 {self.longest - self.default} 个{self.unit}"


def handle_rule(session: Session, key: str, risk_colour: str | None) -> HandleRule:
    """Rule ``key`` for a case of ``risk_colour``; raises ``UnknownDeadlineRule``."""
    rule = rule_of(session, key)
    default = rule_amount(rule, risk_colour)
    extendable = rule.extendable_by != Extension.NONE
    if not extendable:
        longest: int | None = default
    elif rule.max_extension is not None:
        longest = default + rule.max_extension
    else:
        longest = None
    return HandleRule(
        key=rule.key,
        name=rule.name,
        unit=rule.unit,
        default=default,
        longest=longest,
        extendable=extendable,
        warn_hours=rule.warn_hours,
    )


def latest_due(rule: HandleRule, start: datetime, calendar: WorkCalendar) -> datetime | None:
    """The last moment rule ``rule`` allows, counted from ``start`` (None: unbounded)."""
    if rule.longest is None:
        return None
    return due_after(start, rule.longest, rule.unit, calendar)


def _day(moment: datetime) -> str:
    return f"{local(moment):%Y-%m-%d}"


def _beyond(rule: HandleRule, due: datetime, latest: datetime) -> str:
    return f"超过允许的最长办结时限：最迟 {_day(latest)}，所定为 {_day(due)}（{rule.describe()}）"


# -- the center's 四定 ------------------------------------------------------------------------


class DueRefused(ValueError):
    """A 办结时限 that may not be fixed; ``field`` names the form field it came from."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def fixed_due(
    *,
    days: int | None,
    day: str | None,
    now: datetime,
    calendar: WorkCalendar,
) -> tuple[str, datetime]:
    """The due time the center asks for, and the field it came from: ``days`` working
    days from today, or the end of ``day``. Raises ``DueRefused``."""
    if not days and not day:
        raise DueRefused("handle_days", "请填写办结时限：工作日数，或选择办结日期")
    if days and day:
        raise DueRefused("handle_date", "工作日数与办结日期只填一项")
    if days:
        return "handle_days", due_after(now, int(days), DeadlineUnit.WORKING_DAYS, calendar)
    try:
        chosen = date.fromisoformat(str(day))
    except ValueError:
        raise DueRefused("handle_date", "日期格式应为 年-月-日，如 2026-03-16") from None
    if chosen <= local(now).date():
        raise DueRefused("handle_date", "办结日期须晚于今天")
    if not calendar.is_workday(chosen):
        raise DueRefused("handle_date", f"{chosen.isoformat()} 不是工作日，请选择工作日")
    return "handle_date", end_of_day(chosen)


LONGER_REASON = "longer_reason"
"""The 四定 form field giving the reason for a limit longer than the rule's default."""


def check_longer(
    rule: HandleRule | None, due: datetime, start: datetime, calendar: WorkCalendar, reason: Any
) -> None:
    """Refuse a due past the rule's default (counted from ``start``) without a reason."""
    if rule is None or (isinstance(reason, str) and reason.strip()):
        return
    default = due_after(start, rule.default, rule.unit, calendar)
    if local(due).date() > local(default).date():
        raise DueRefused(
            LONGER_REASON,
            f"所定办结时限（{_day(due)}）长于规则默认的 {rule.default} 个{rule.unit}"
            f"（{_day(default)}），请填写理由",
        )


def check_fixed(
    rule: HandleRule | None, field: str, due: datetime, latest: datetime | None
) -> None:
    """Refuse a due past ``latest`` (the rule's longest limit from the 四定)."""
    if rule is not None and latest is not None and due > latest:
        raise DueRefused(field, _beyond(rule, due, latest))


def dispatch_errors(
    session: Session, data: Mapping[str, Any], form: Mapping[str, Any], now: datetime
) -> dict[str, list[str]]:
    """What is wrong with the 吹哨派单（四定） form's 办结时限, by field."""
    calendar = load_calendar(session)
    rule = HandleRule.from_data(data.get("handle_rule"))
    try:
        field, due = fixed_due(
            days=form.get("handle_days"), day=form.get("handle_date"), now=now, calendar=calendar
        )
        check_fixed(rule, field, due, latest_due(rule, now, calendar) if rule else None)
        check_longer(rule, due, now, calendar, form.get(LONGER_REASON))
    except DueRefused as refused:
        return {refused.field: [str(refused)]}
    return {}


def dispatch_prefill(data: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's default, prefilled as the number of working days; the case's 包案领导
    (when already named) as its 牵头领导."""
    rule = HandleRule.from_data(data.get("handle_rule"))
    found: dict[str, Any] = {"handle_days": rule.default} if rule else {}
    if data.get("case_leader"):
        found["lead_leader"] = data["case_leader"]
    return found


# -- extensions -------------------------------------------------------------------------------


def extended_due(
    session: Session, data: Mapping[str, Any], days: int
) -> tuple[HandleRule | None, datetime, datetime | None]:
    """The rule, the deadline after an extension of ``days`` (the rule's unit) and the
    latest allowed, from the diagram's data."""
    rule = HandleRule.from_data(data.get("handle_rule"))
    due = datetime.fromisoformat(str(data["whistle_due"]))
    unit = rule.unit if rule else DeadlineUnit.WORKING_DAYS.value
    new = extend(due, days, unit, load_calendar(session))
    latest_text = data.get("whistle_latest") or ""
    return rule, new, datetime.fromisoformat(latest_text) if latest_text else None


def extension_problem(
    rule: HandleRule | None, new: datetime, latest: datetime | None
) -> str | None:
    """Why an extension to ``new`` may not be granted, or None."""
    if rule is not None and not rule.extendable:
        return f"{rule.describe()}"
    if latest is not None and new > latest:
        shown = rule.describe() if rule else "办结时限规则"
        return f"延长后为 {_day(new)}，超过允许的最长办结时限 {_day(latest)}（{shown}）"
    return None


def request_errors(
    session: Session, data: Mapping[str, Any], form: Mapping[str, Any], now: datetime
) -> dict[str, list[str]]:
    """The 申请延长办结时限 form: the days asked for must stay within the rule."""
    days = form.get("extension_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1 or "whistle_due" not in data:
        return {}
    problem = extension_problem(*extended_due(session, data, days))
    return {"extension_days": [problem]} if problem else {}


def approval_errors(
    session: Session, data: Mapping[str, Any], form: Mapping[str, Any], now: datetime
) -> dict[str, list[str]]:
    """The 牵头领导审批延期 form: what is approved must stay within the latest day (the
    request was checked when made; this holds should the request have bypassed it)."""
    days = data.get("extension_days")
    if form.get("extension_decision") != "同意" or not isinstance(days, int):
        return {}
    problem = extension_problem(*extended_due(session, data, days))
    if problem is None:
        return {}
    return {"extension_decision": [problem + "，只能不同意"]}
