"""Start data for a designer's trial run: what a real start would give each process.

A case's diagrams start from the intake (``intake.start_data``) or from their caller's
data. A trial has no case, so it starts from these samples, which the designer may edit
before starting. Nothing here is read by a real case.
"""

from __future__ import annotations

from typing import Any

CASE_SAMPLE: dict[str, Any] = {
    "case_id": 0,
    "channel": "窗口",
    "handoff": "",
    "dispute_type": "02",
    "risk_colour": "黄",
    "collective": False,
    "people_count": 1,
}
"""What ``intake.start_data`` gives a window case of a yellow risk (no real case: id 0)."""

_BY_PROCESS: dict[str, dict[str, Any]] = {
    "handoff": {"channel": "诉调", "handoff": "诉调"},
    "mediation": {
        "channel": "诉调",
        "handoff": "诉调",
        "rule_prefix": "court",
        "mediator": "试运行调解员",
    },
    "hotline": {"channel": "12345"},
    "petition_extension": {
        "channel": "访调",
        "handoff": "访调",
        "petition_conclude_due": "2026-11-16T23:59:59+08:00",
        "petition_extended_days": 0,
        "conclude_extension_days": 20,
        "conclude_extension_reason": "试运行：需会同有关部门核实",
    },
    "confirmation": {
        "agreement_at": "2026-03-02",
        "confirmation_reminder": "调解员",
        "mediator": "试运行调解员",
    },
    "risk_alert": {"alert_id": 0},
    "whistle_round": {
        "lead_leader": "试运行牵头领导",
        "responsible_unit": "司法所",
        "responsible_person": "试运行责任人",
        "whistle_due": "2026-03-16T23:59:59+08:00",
        "whistle_latest": "2026-03-30T23:59:59+08:00",
        "handle_rule": {
            "key": "whistle.handle",
            "name": "中心吹哨·办结时限（四定默认值）",
            "unit": "工作日",
            "default": 10,
            "longest": 20,
            "extendable": True,
            "warn_hours": 24,
        },
        "extension_requests": 0,
        "max_extension_requests": 3,
        "deadline_extended": "",
    },
    "supervise": {
        "supervise_reason": "超期未化解",
        "supervise_target": "",
        "supervise_due": "",
        "supervise_content": "试运行督办内容。",
    },
}
"""What a caller would add for the processes that are called with more than a case's data
(see each diagram's documentation)."""


def trial_start_data(process_id: str) -> dict[str, Any]:
    """Sample start data for a trial of ``process_id`` (a case's data for unknown ones)."""
    return {**CASE_SAMPLE, **_BY_PROCESS.get(process_id, {})}
