"""The states and kinds of field work, each a string the pages show as it is."""

from __future__ import annotations

from enum import StrEnum


class ReportOutcome(StrEnum):
    """What the grid worker asks for a reported event."""

    CASE = "上报"
    """Register it as a case through the normal intake (channel 网格上报, triage as usual)."""
    SETTLED = "当场化解"
    """Record it as settled on the spot, with its result: no case is opened."""


class ReportState(StrEnum):
    """A report's state on the server (the phone adds 待发送 for what it has not sent)."""

    RECEIVED = "已发送"
    """Taken: a case was registered, or the settlement recorded."""
    REFUSED = "被退回"
    """Not taken; ``reason`` says why (a field missing, a grid outside the reporter's area)."""


class ScreeningKind(StrEnum):
    """排查: 日常 (the routine walk of the grid), 集中 (a campaign on a date set by the
    township), 专项 (one kind of matter, e.g. land or wages)."""

    ROUTINE = "日常"
    CAMPAIGN = "集中"
    SPECIAL = "专项"
