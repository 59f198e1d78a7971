"""Deadlines: how a limit is counted, and the deadline rules admins can tune.

Counting (民法典 Arts.200-204, 行政许可法 Art.82; ``shared/domain.md``), in Beijing time:

* 工作日: the start day is not counted; due at 23:59:59 of the n-th working day after it.
* 自然日: the last day is the start day + n; a last day that is not a working day
  (weekend or holiday) moves to the next working day; due at 23:59:59 of that day.
* 小时: exactly n hours after the start.

The pure functions take a ``WorkCalendar``; the ``rule_*`` functions read the
``DeadlineRule`` table and the calendar through a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from .calendar import OperationRecorder, WorkCalendar, load_calendar
from .enums import DeadlineUnit, Extension, RiskColour
from .models import DeadlineRule

try:
    SHANGHAI: timezone | ZoneInfo = ZoneInfo("Asia/Shanghai")
except ZoneInfoNotFoundError:  # no tz database installed; China has had no DST since 1991
    SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

END_OF_DAY = time(23, 59, 59)

RULE_CHANGED = "deadline_rule_changed"
"""Operation-log event type for an admin's change to a deadline rule."""


class UnknownDeadlineRule(LookupError):
    """No deadline rule has this key."""

    def __init__(self, key: str):
        super().__init__(f"时限规则 {key!r} 不存在，请检查流程图中的规则名或在时限设置中添加")
        self.key = key

    def __str__(self) -> str:
        return str(self.args[0])


class RuleInvalid(ValueError):
    """An admin's change to a deadline rule was refused; the message says why."""


# -- counting -----------------------------------------------------------------------------


def local(moment: datetime) -> datetime:
    """``moment`` in Beijing time; a naive datetime is taken to be Beijing time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def end_of_day(day: date) -> datetime:
    """23:59:59 Beijing time on ``day``: when a day-counted deadline falls due."""
    return datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI)


def _unit(unit: DeadlineUnit | str) -> DeadlineUnit:
    try:
        return DeadlineUnit(unit)
    except ValueError:
        known = "、".join(u.value for u in DeadlineUnit)
        raise ValueError(f"未知的时限单位 {unit!r}，可用：{known}") from None


def _amount(amount: int, what: str = "时限") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValueError(f"{what}必须是正整数，实为 {amount!r}")
    return amount


def due_after(
    start: datetime, amount: int, unit: DeadlineUnit | str, calendar: WorkCalendar
) -> datetime:
    """When a limit of ``amount`` ``unit`` counted from ``start`` falls due (Beijing time)."""
    unit, amount, start = _unit(unit), _amount(amount), local(start)
    if unit is DeadlineUnit.HOURS:
        return start + timedelta(hours=amount)
    if unit is DeadlineUnit.WORKING_DAYS:
        return end_of_day(calendar.add_working_days(start.date(), amount))
    last = start.date() + timedelta(days=amount)
    return end_of_day(calendar.workday_on_or_after(last))


def warn_at(due: datetime, warn_hours: int, *, not_before: datetime) -> datetime:
    """When the near-due warning fires: ``warn_hours`` before ``due``, never before
    ``not_before`` (the start) and never after ``due``."""
    if isinstance(warn_hours, bool) or not isinstance(warn_hours, int | float) or warn_hours < 0:
        raise ValueError(f"预警提前小时数必须是非负数，实为 {warn_hours!r}")
    due = local(due)
    return min(due, max(due - timedelta(hours=warn_hours), local(not_before)))


def extend(
    due: datetime, amount: int, unit: DeadlineUnit | str, calendar: WorkCalendar
) -> datetime:
    """``due`` extended by ``amount`` ``unit``; day units count from the due day itself
    (not counted), hours from the due time."""
    return due_after(due, amount, unit, calendar)


# -- rules --------------------------------------------------------------------------------


def rule_of(session: Session, key: str) -> DeadlineRule:
    """The deadline rule ``key``; raises ``UnknownDeadlineRule`` with a Chinese message."""
    if not isinstance(key, str):
        raise UnknownDeadlineRule(repr(key))
    rule = session.get(DeadlineRule, key)
    if rule is None:
        raise UnknownDeadlineRule(key)
    return rule


def _risk(risk_colour: RiskColour | str | None) -> RiskColour | None:
    if risk_colour is None or risk_colour == "":
        return None
    try:
        return RiskColour(risk_colour)
    except ValueError:
        known = "、".join(c.value for c in RiskColour)
        raise ValueError(f"未知的风险等级 {risk_colour!r}，可用：{known}") from None


def rule_amount(rule: DeadlineRule, risk_colour: RiskColour | str | None = None) -> int:
    """The rule's limit for a case of this colour: red cases use ``red_amount`` if set."""
    if _risk(risk_colour) is RiskColour.RED and rule.red_amount is not None:
        return rule.red_amount
    return rule.amount


def rule_due(
    session: Session,
    key: str,
    *,
    start: datetime,
    risk_colour: RiskColour | str | None = None,
) -> datetime:
    """When rule ``key``'s limit, counted from ``start``, falls due."""
    rule = rule_of(session, key)
    return due_after(start, rule_amount(rule, risk_colour), rule.unit, load_calendar(session))


def rule_warn_at(
    session: Session,
    key: str,
    *,
    start: datetime,
    risk_colour: RiskColour | str | None = None,
) -> datetime:
    """When rule ``key``'s near-due warning fires: due − ``warn_hours``, not before start."""
    rule = rule_of(session, key)
    due = due_after(start, rule_amount(rule, risk_colour), rule.unit, load_calendar(session))
    return warn_at(due, rule.warn_hours, not_before=start)


# -- admin --------------------------------------------------------------------------------


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""Default of ``update_rule``'s fields: leave the field as it is (``None`` clears)."""

EDITABLE = (
    "name",
    "amount",
    "unit",
    "red_amount",
    "warn_hours",
    "pausable",
    "extendable_by",
    "max_extension",
    "basis",
)


@dataclass(frozen=True)
class _Field:
    label: str
    nullable: bool = False
    minimum: int = 1


_INT_FIELDS = {
    "amount": _Field("时限"),
    "red_amount": _Field("红色案件时限", nullable=True),
    "warn_hours": _Field("预警提前小时数", minimum=0),
    "max_extension": _Field("最长延长期限", nullable=True),
}


def update_rule(  # noqa: PLR0913 - one keyword per editable field
    session: Session,
    key: str,
    *,
    name: str = UNSET,
    amount: int = UNSET,
    unit: str = UNSET,
    red_amount: int | None = UNSET,
    warn_hours: int = UNSET,
    pausable: bool = UNSET,
    extendable_by: str = UNSET,
    max_extension: int | None = UNSET,
    basis: str = UNSET,
    actor: str,
    now: datetime,
    record: OperationRecorder,
) -> DeadlineRule:
    """Change the given fields of rule ``key`` after validating the result, and log the
    change (not committed). Raises ``RuleInvalid`` or ``UnknownDeadlineRule``.

    ``now`` is the time of the change; the log entry takes its time from the recorder.
    """
    del now  # the rule table keeps no change time; the log entry has it
    changes = {
        "name": name,
        "amount": amount,
        "unit": unit,
        "red_amount": red_amount,
        "warn_hours": warn_hours,
        "pausable": pausable,
        "extendable_by": extendable_by,
        "max_extension": max_extension,
        "basis": basis,
    }
    changes = {field: value for field, value in changes.items() if value is not UNSET}
    rule = rule_of(session, key)
    before = rule_state(rule)
    after = _validated({**before, **changes})
    for field in changes:
        setattr(rule, field, after[field])
    session.flush()
    record(
        session,
        event_type=RULE_CHANGED,
        actor=actor,
        data={"key": key, "before": before, "after": rule_state(rule)},
    )
    return rule


def rule_state(rule: DeadlineRule) -> dict[str, Any]:
    """The rule's editable fields as a plain dict (for logs and forms)."""
    return {field: getattr(rule, field) for field in EDITABLE}


def _validated(state: dict[str, Any]) -> dict[str, Any]:
    state = dict(state)
    for field, spec in _INT_FIELDS.items():
        _check_int(state[field], spec)
    state["unit"] = _checked_enum(state["unit"], DeadlineUnit, "时限单位")
    state["extendable_by"] = _checked_enum(state["extendable_by"], Extension, "延长方式")
    for field, label, limit in (("name", "名称", 120), ("basis", "依据", 200)):
        state[field] = _checked_text(state[field], label, limit)
    if not state["name"]:
        raise RuleInvalid("名称不能为空")
    if not isinstance(state["pausable"], bool):
        raise RuleInvalid("是否可暂停必须是布尔值")
    if state["red_amount"] is not None and state["red_amount"] > state["amount"]:
        raise RuleInvalid("红色案件时限不能长于一般时限")
    if state["extendable_by"] == Extension.NONE and state["max_extension"] is not None:
        raise RuleInvalid("不可延长的时限不能设置最长延长期限")
    return state


def _check_int(value: Any, spec: _Field) -> None:
    if value is None and spec.nullable:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < spec.minimum:
        kind = "正整数" if spec.minimum >= 1 else "非负整数"
        raise RuleInvalid(f"{spec.label}必须是{kind}，实为 {value!r}")


def _checked_enum(value: Any, enum: type[DeadlineUnit] | type[Extension], label: str) -> str:
    try:
        return enum(value).value
    except ValueError:
        known = "、".join(member.value for member in enum)
        raise RuleInvalid(f"未知的{label} {value!r}，可用：{known}") from None


def _checked_text(value: Any, label: str, limit: int) -> str:
    if not isinstance(value, str):
        raise RuleInvalid(f"{label}必须是文本")
    value = value.strip()
    if len(value) > limit:
        raise RuleInvalid(f"{label}不能超过 {limit} 个字")
    return value
