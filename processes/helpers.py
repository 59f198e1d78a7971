"""The functions diagram authors call in scripts, conditions and timer expressions.

Pass ``SCRIPT_HELPERS`` to ``engine.Engine(..., helpers=SCRIPT_HELPERS)``. Each helper
reads the time and the session of the step in progress (``engine.context.current_step``)
and returns an ISO-8601 text with a ``+08:00`` offset, which SpiffWorkflow's timeDate
timers read with ``datetime.fromisoformat``. In a diagram::

    <bpmn:timeDate>deadline("ladder.grid", risk)</bpmn:timeDate>
    <bpmn:timeDate>warn_time("court.mediation")</bpmn:timeDate>
    <bpmn:timeCycle>cycle("whistle.progress", 5)</bpmn:timeCycle>

A task-data variable may not be named like a helper (the sandbox refuses it), so do not
call a form field ``deadline`` or ``hours``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from engine.context import current_step

from . import deadline_basis as basis_of
from . import deadline_ledger as ledger
from .calendar import load_calendar
from .deadline_basis import Basis
from .deadlines import local, rule_amount, rule_of
from .enums import DeadlineUnit


def _now() -> datetime:
    return local(current_step().now)


def _iso(moment: datetime) -> str:
    return local(moment).isoformat()


def _parse(value: Any, what: str) -> datetime:
    """An ISO text (or a datetime) as Beijing time; naive texts are Beijing time."""
    if isinstance(value, datetime):
        return local(value)
    if not isinstance(value, str):
        raise TypeError(f"{what}必须是 ISO 8601 时间文本，实为 {value!r}")
    try:
        return local(datetime.fromisoformat(value.strip()))
    except ValueError:
        raise ValueError(f"{what} {value!r} 不是有效的 ISO 8601 时间") from None


def _hours(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{what}必须是非负数，实为 {value!r}")
    return value


def _count(
    build: Callable[..., Basis], label: str, moments: Sequence[datetime], *args: Any, **kwargs: Any
) -> str:
    """Count a due time on the step's calendar and record how (``deadline_ledger``).

    ``moments`` are what the counting starts from or builds on; one the instance counted
    itself is nested with its own counting, so a calendar change counts both again.
    ``build(*moments, *args, **kwargs)`` makes the basis.
    """
    step = current_step()
    calendar = load_calendar(step.session)
    nested, revisions = [], []
    for moment in moments:
        if moment == step.now:  # counting from now: nothing the instance counted
            nested.append(_iso(moment))
            continue
        operand, revision = ledger.operand(moment)
        nested.append(operand)
        if revision is not None:
            revisions.append(revision)
    basis = build(*nested, *args, **kwargs)
    due = basis_of.evaluate(basis, calendar)
    inner = min(revisions) if revisions else None
    ledger.record(due, basis, label=label, calendar=calendar, inner_revision=inner)
    return _iso(due)


def _start(start: Any) -> datetime:
    return _parse(start, "起算时间") if start else _now()


def _from_now(n: int, unit: DeadlineUnit) -> str:
    return _count(basis_of.after, f"{n} 个{unit.value}", [_now()], n, unit)


def deadline(key: str, risk: str = "", start: Any = "") -> str:
    """Due time of deadline rule ``key`` counted from ``start`` (an ISO time; empty: now);
    a red (``"红"``) case uses the rule's shorter red limit."""
    rule = rule_of(current_step().session, key)
    amount = rule_amount(rule, risk)
    return _count(basis_of.after, rule.name, [_start(start)], amount, rule.unit)


def warn_time(key: str, risk: str = "", start: Any = "") -> str:
    """The near-due warning time of rule ``key`` counted from ``start`` (empty: now):
    due − the rule's warn hours, not before now."""
    rule = rule_of(current_step().session, key)
    amount, begin = rule_amount(rule, risk), _start(start)

    def build(begin_operand: Any, *, floor: datetime) -> Basis:
        due = basis_of.after(begin_operand, amount, rule.unit)
        return basis_of.warn(due, rule.warn_hours, not_before=begin_operand, floor=floor)

    return _count(build, f"临期预警：{rule.name}", [begin], floor=_now())


def working_days(n: int) -> str:
    """End (23:59:59) of the n-th working day after today."""
    return _from_now(n, DeadlineUnit.WORKING_DAYS)


def calendar_days(n: int) -> str:
    """End of the day n calendar days after today, moved to the next working day if that
    day is a weekend or holiday."""
    return _from_now(n, DeadlineUnit.CALENDAR_DAYS)


def hours(n: int) -> str:
    """Exactly n hours from now."""
    return _from_now(n, DeadlineUnit.HOURS)


def _positive_whole(n: Any, unit: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{unit}数必须是正整数，实为 {n!r}")
    return n


def seconds(n: int) -> str:
    """Exactly n seconds from now: for trying a diagram's timers; real deadlines use rules."""
    return _iso(_now() + timedelta(seconds=_positive_whole(n, "秒")))


def minutes(n: int) -> str:
    """Exactly n minutes from now: for trying a diagram's timers; real deadlines use rules."""
    return _iso(_now() + timedelta(minutes=_positive_whole(n, "分钟")))


def before(due: str, hours: float) -> str:
    """The time ``hours`` hours before ``due``, but not before now."""
    lead = _hours(hours, "提前小时数")
    moment = _parse(due, "到期时间")
    return _count(basis_of.before, f"到期前 {lead} 小时", [moment], lead, floor=_now())


def shift(due: str, since: str) -> str:
    """``due`` moved later by the time elapsed since ``since``: resuming a paused clock
    (e.g. after 鉴定/评估) pushes its deadline back by the pause."""
    paused_at, now = _parse(since, "暂停时间"), _now()
    if paused_at > now:
        raise ValueError(f"暂停时间 {since!r} 晚于当前时间")
    seconds = (now - paused_at).total_seconds()
    return _count(basis_of.shift, "暂停后顺延", [_parse(due, "到期时间")], seconds)


def extend_due(due: str, n: int, unit: str = DeadlineUnit.CALENDAR_DAYS.value) -> str:
    """``due`` extended by n ``unit``; day units are counted from the due day (not
    counted itself), so 自然日 lands on a working day."""
    due_at = _parse(due, "到期时间")
    return _count(basis_of.after, f"延长 {n} {unit}", [due_at], n, unit)


def now_iso() -> str:
    """The step's current time."""
    return _iso(_now())


def cycle(key: str, times: int) -> str:
    """An ISO repeating interval for a non-interrupting cycle timer: rule ``key``'s
    amount, ``times`` times, the first after one interval (``"R5/P3D"``, ``"R5/PT3H"``).

    A repeating interval has fixed length, so working days are approximated by calendar
    days and holidays are not skipped.
    """
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise ValueError(f"重复次数必须是正整数，实为 {times!r}")
    rule = rule_of(current_step().session, key)
    if rule.unit == DeadlineUnit.HOURS:
        return f"R{times}/PT{rule.amount}H"
    return f"R{times}/P{rule.amount}D"


def rule_days(key: str, risk: str = "") -> int:
    """The limit of rule ``key`` (in its own unit) for a case of colour ``risk``."""
    return rule_amount(rule_of(current_step().session, key), risk)


SCRIPT_HELPERS: dict[str, Callable[..., Any]] = {
    helper.__name__: helper
    for helper in (
        deadline,
        warn_time,
        working_days,
        calendar_days,
        hours,
        minutes,
        seconds,
        before,
        shift,
        extend_due,
        now_iso,
        cycle,
        rule_days,
    )
}
"""Name → helper, for ``engine.Engine(helpers=...)``."""
