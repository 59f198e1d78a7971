"""How a due time was counted, kept as data so it can be counted again on a new calendar.

A basis is a small JSON tree. Its leaves are fixed moments (ISO texts); its nodes are:

* ``{"op": "after", "start": S, "amount": n, "unit": "工作日"}``: n units after S
  (``deadlines.due_after``: the start day not counted, a calendar-day limit ending on a
  holiday moved to the next working day);
* ``{"op": "warn", "due": D, "hours": h, "not_before": S, "floor": F}``: a near-due
  warning, h hours before D but not before S, nor before F (when it was armed);
* ``{"op": "before", "due": D, "hours": h, "floor": F}``: h hours before D, not before F;
* ``{"op": "shift", "due": D, "seconds": s}``: D moved later by a pause of s seconds.

S and D are themselves a moment or another basis: an extension counts from the deadline it
extends, a level's slice from the end of the slice before. Counting a basis again on a
changed calendar gives the deadline as it should be now (``evaluate``); whether it crosses
a year without its official schedule says if it is provisional (``provisional``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .calendar import WorkCalendar
from .deadlines import due_after, local, warn_at
from .enums import DeadlineUnit

Basis = dict[str, Any]
Operand = str | Basis
"""A fixed moment (ISO text) or another deadline's basis."""


def after(start: Operand, amount: int, unit: str) -> Basis:
    return {"op": "after", "start": start, "amount": amount, "unit": str(unit)}


def warn(due: Operand, hours: float, *, not_before: Operand, floor: datetime) -> Basis:
    return {
        "op": "warn",
        "due": due,
        "hours": hours,
        "not_before": not_before,
        "floor": local(floor).isoformat(),
    }


def before(due: Operand, hours: float, *, floor: datetime) -> Basis:
    return {"op": "before", "due": due, "hours": hours, "floor": local(floor).isoformat()}


def shift(due: Operand, seconds: float) -> Basis:
    return {"op": "shift", "due": due, "seconds": seconds}


def evaluate(operand: Operand, calendar: WorkCalendar) -> datetime:
    """The moment ``operand`` gives on ``calendar`` (Beijing time)."""
    if isinstance(operand, str):
        return local(datetime.fromisoformat(operand))
    op = operand.get("op")
    if op == "after":
        start = evaluate(operand["start"], calendar)
        return due_after(start, operand["amount"], operand["unit"], calendar)
    if op == "warn":
        due, start = evaluate(operand["due"], calendar), evaluate(operand["not_before"], calendar)
        moment = warn_at(due, operand["hours"], not_before=start)
        return max(moment, evaluate(operand["floor"], calendar))
    if op == "before":
        moment = evaluate(operand["due"], calendar) - timedelta(hours=operand["hours"])
        return max(moment, evaluate(operand["floor"], calendar))
    if op == "shift":
        return evaluate(operand["due"], calendar) + timedelta(seconds=operand["seconds"])
    raise ValueError(f"无法识别的期限计算方式：{operand!r}")


def provisional(operand: Operand, calendar: WorkCalendar) -> bool:
    """Whether counting ``operand`` crosses a year whose schedule is not in (暂定)."""
    if isinstance(operand, str):
        return False
    nested = [operand[key] for key in ("start", "due", "not_before") if key in operand]
    if any(provisional(inner, calendar) for inner in nested):
        return True
    if operand["op"] != "after" or operand["unit"] == DeadlineUnit.HOURS:
        return False
    start = evaluate(operand["start"], calendar)
    return calendar.spans_uncovered(start, evaluate(operand, calendar))


def counts_days(operand: Operand) -> bool:
    """Whether the calendar matters to ``operand`` (a day-counted step anywhere in it)."""
    if isinstance(operand, str):
        return False
    if operand.get("op") == "after" and operand["unit"] != DeadlineUnit.HOURS:
        return True
    return any(counts_days(operand[key]) for key in ("start", "due") if key in operand)
