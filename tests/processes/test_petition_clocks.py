"""访调: the 信访 clock beside the mediation (``petition_track`` in ``bpmn/handoff.bpmn``).

信访工作条例: the petitioner is told in writing within 15 days of the unit receiving the
transferred matter (Art.23, D13); the matter is concluded within 60 days of acceptance
(Art.34, D15), extendable by at most 30 days with the unit head's approval (lane 包案领导,
``petition_extension``), the reason told to the petitioner; the warning and the overdue
timer re-armed to the new limit. The push arrives on Wednesday 16 September 2026 and is
signed for the next day, so the two limits count from different days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import InstanceStatus, TaskStatus
from processes.models import ProgressReport, SupervisionRecord
from tests.conftest import CST
from tests.processes.handoff_support import (
    AGREED,
    CENTER,
    CHASED,
    CONSENTED,
    FAILED,
    HEAD,
    MEDIATOR,
    REMEDIES,
    SIGNED,
    SUPERVISOR,
    accept,
    assert_finished,
    assign,
    deploy_handoff,
    due_of,
    end_of,
    instructions,
    start,
    the_mediation,
)

PUSHED = datetime(2026, 9, 16, 10, 0, tzinfo=CST)
NOTICE_DUE = end_of(2026, 10, 8)  # 9/16 + 15 = 10/1 (国庆) → Thursday 10/8
CONCLUDE_DUE = end_of(2026, 11, 16)  # signed 9/17: + 60 = Monday 11/16
WARN_AT = CONCLUDE_DUE - timedelta(hours=120)  # the rule warns 120 hours ahead
EXTENDED_DUE = end_of(2026, 12, 7)  # 11/16 + 20 = 12/6 (Sunday) → Monday 12/7
REQUEST = {"conclude_extension_reason": "需会同自然资源部门核实界址", "conclude_extension_days": 20}
APPROVED = {
    "conclude_decision": "批准",
    "conclude_approved_days": 20,
    "conclude_approval_note": "同意延期二十日",
}
TOLD = {"extension_notice_method": "邮寄送达", "extension_notice_note": "延期告知书已寄出"}


@pytest.fixture
def engine(case_engine, regions):
    return deploy_handoff(case_engine)


def signed_petition(engine, clock):
    clock.set(PUSHED)
    s = start(engine, clock, "访调")
    s.advance_to(datetime(2026, 9, 17, 10, 0, tzinfo=CST))
    s.complete(CENTER, "receive_petition", SIGNED)
    return s


def conclude_warnings(s) -> list[datetime]:
    return [r.due_at for r in s.rows(SupervisionRecord, reason="临期预警")]


def test_petition_clocks_start_at_receipt_beside_the_mediation(engine, clock):
    s = signed_petition(engine, clock)
    row = the_mediation(s)
    assert (row.petition_notice_due_at, row.petition_conclude_due_at) == (
        NOTICE_DUE,
        CONCLUDE_DUE,
    )
    assert s.open_tasks() == {CENTER: ["assign_mediator", "notify_petitioner", "request_extension"]}
    assert due_of(s, CENTER, "notify_petitioner") == NOTICE_DUE
    assert due_of(s, CENTER, "request_extension") == CONCLUDE_DUE
    assert "2026-10-08 23:59" in instructions(s, CENTER, "notify_petitioner")
    assert "2026-11-16 23:59" in instructions(s, CENTER, "request_extension")


def test_notice_and_conclusion_are_supervised_when_late(engine, clock):
    s = signed_petition(engine, clock)
    assign(s)
    accept(s)
    s.complete(MEDIATOR, "contact_party", CONSENTED)
    s.complete(
        MEDIATOR,
        "mediate",
        {
            "mediation_outcome": "鉴定评估",
            "appraisal_item": "土地界址测绘",
            "mediation_note": "委托测绘",
        },
    )

    s.advance_to(NOTICE_DUE)
    assert s.ready_ids(SUPERVISOR) == []
    s.advance_to(NOTICE_DUE + timedelta(seconds=1))
    assert s.ready_ids(SUPERVISOR) == ["chase"]
    (late_notice,) = s.rows(SupervisionRecord)
    assert (late_notice.reason, late_notice.target, late_notice.due_at) == (
        "超期未化解",
        CENTER,
        NOTICE_DUE,
    )
    assert "书面告知" in late_notice.content
    s.complete(SUPERVISOR, "chase", CHASED)
    s.complete(
        CENTER, "notify_petitioner", {"notice_method": "邮寄送达", "notice_note": "告知书已寄出"}
    )
    assert [r.text for r in s.rows(ProgressReport, kind="进展")] == [
        "已书面告知信访人（邮寄送达）：告知书已寄出"
    ]

    s.advance_to(WARN_AT)
    assert conclude_warnings(s) == []
    s.advance_to(WARN_AT + timedelta(seconds=1))
    assert conclude_warnings(s) == [CONCLUDE_DUE]
    assert s.case().overdue is False

    s.advance_to(CONCLUDE_DUE + timedelta(seconds=1))
    assert s.case().overdue is True
    overdue = s.rows(SupervisionRecord)[-1]
    assert (overdue.reason, overdue.due_at) == ("超期未化解", CONCLUDE_DUE)
    assert "request_extension" not in s.ready_ids(CENTER)  # no extension once overdue
    assert s.ready_ids(SUPERVISOR) == ["chase"]
    assert s.ready_ids(MEDIATOR) == ["appraisal_done"]  # the mediation clock is paused

    s.complete(
        MEDIATOR,
        "appraisal_done",
        {"appraisal_outcome": "鉴定完成", "appraisal_result": "界址已测定"},
    )
    s.complete(MEDIATOR, "mediate", AGREED)
    # the mediation's end stops the 信访 clock: its open chase closes with it
    assert [t.status for t in s.engine.tasks_of(s.instance_id) if t.spec_id == "chase"][
        -1
    ] == TaskStatus.CANCELLED
    assert s.open_tasks() == {}
    assert s.instance().data["handoff_result"] == "化解"


def test_petition_clocks_stop_when_the_mediation_ends(engine, clock):
    s = signed_petition(engine, clock)
    assign(s)
    accept(s)
    s.complete(MEDIATOR, "contact_party", CONSENTED)
    s.advance(days=3)
    s.complete(MEDIATOR, "mediate", FAILED)
    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    for spec in ("notify_petitioner", "request_extension"):
        assert [t.status for t in s.engine.tasks_of(s.instance_id) if t.spec_id == spec] == [
            TaskStatus.CANCELLED
        ]
    s.advance(days=70)  # past both 信访 limits: nothing fires any more
    assert s.rows(SupervisionRecord) == []
    assert s.case().overdue is False
    s.complete(MEDIATOR, "tell_remedies", {**REMEDIES, "remedies": ["信访"]})
    assert_finished(s, "退回")


# -- D15: extension with the unit head's approval ------------------------------------------


def test_an_approved_extension_moves_the_limit_tells_the_petitioner_and_rearms_the_timers(
    engine, clock
):
    s = signed_petition(engine, clock)
    s.advance_to(datetime(2026, 11, 2, 9, 0, tzinfo=CST))
    s.complete(CENTER, "request_extension", REQUEST, user="zhang.county")
    assert s.ready_ids(CENTER) == ["assign_mediator", "notify_petitioner"]
    assert s.ready_ids(HEAD) == ["approve_extension"]
    assert "延长 20 日" in instructions(s, HEAD, "approve_extension")
    (requested,) = s.events(["petition_extension_requested"])
    assert (requested.data["days"], requested.data["by"]) == (20, "zhang.county")

    s.advance(hours=5)
    s.complete(HEAD, "approve_extension", APPROVED, user="li.director")

    assert the_mediation(s).petition_conclude_due_at == EXTENDED_DUE
    (extended,) = s.events(["petition_conclusion_extended"])
    assert (extended.data["approved_by"], extended.data["days"], extended.data["due"]) == (
        "li.director",
        20,
        EXTENDED_DUE.isoformat(),
    )
    assert "tell_extension" in s.ready_ids(CENTER)
    assert "2026-12-07 23:59" in instructions(s, CENTER, "tell_extension")
    assert due_of(s, CENTER, "request_extension") == EXTENDED_DUE
    assert "已延长 20 日" in instructions(s, CENTER, "request_extension")
    s.complete(CENTER, "tell_extension", TOLD)
    assert [r.text for r in s.rows(ProgressReport, kind="进展")] == [
        "已告知信访人延期理由（邮寄送达）：延期告知书已寄出"
    ]

    s.advance_to(CONCLUDE_DUE + timedelta(days=1))  # the old limit passes quietly
    assert conclude_warnings(s) == []
    assert s.case().overdue is False
    new_warn = EXTENDED_DUE - timedelta(hours=120)
    s.advance_to(new_warn + timedelta(seconds=1))
    assert conclude_warnings(s) == [EXTENDED_DUE]
    s.advance_to(EXTENDED_DUE + timedelta(seconds=1))
    assert s.case().overdue is True
    overdue = s.rows(SupervisionRecord)[-1]
    assert (overdue.reason, overdue.due_at) == ("超期未化解", EXTENDED_DUE)


def test_extensions_beyond_thirty_days_are_refused_before_they_reach_the_head(engine, clock):
    s = signed_petition(engine, clock)
    s.advance_to(datetime(2026, 11, 2, 9, 0, tzinfo=CST))
    s.complete(CENTER, "request_extension", REQUEST)
    s.complete(HEAD, "approve_extension", APPROVED)
    s.complete(CENTER, "request_extension", {**REQUEST, "conclude_extension_days": 15})

    assert s.ready_ids(HEAD) == []
    text = instructions(s, CENTER, "request_extension")
    assert "时限规则 petition.conclude（访调·信访事项办结）累计最多延长 30 日" in text
    assert "已延长 20 日，还可延长 10 日，申请 15 日超出" in text
    assert the_mediation(s).petition_conclude_due_at == EXTENDED_DUE

    s.complete(CENTER, "request_extension", {**REQUEST, "conclude_extension_days": 10})
    s.complete(HEAD, "approve_extension", {**APPROVED, "conclude_approved_days": 10})
    assert the_mediation(s).petition_conclude_due_at == end_of(2026, 12, 17)


def test_a_refused_extension_keeps_the_limit_and_warns_only_once(engine, clock):
    s = signed_petition(engine, clock)
    s.advance_to(WARN_AT + timedelta(seconds=1))
    assert conclude_warnings(s) == [CONCLUDE_DUE]
    s.complete(CENTER, "request_extension", REQUEST)
    s.complete(
        HEAD,
        "approve_extension",
        {"conclude_decision": "不批准", "conclude_approval_note": "事实清楚，应按期办结"},
        user="li.director",
    )

    assert the_mediation(s).petition_conclude_due_at == CONCLUDE_DUE
    assert due_of(s, CENTER, "request_extension") == CONCLUDE_DUE
    assert "事实清楚，应按期办结" in instructions(s, CENTER, "request_extension")
    assert "tell_extension" not in s.ready_ids(CENTER)
    (refused,) = s.events(["petition_extension_refused"])
    assert refused.data["by"] == "li.director"
    assert conclude_warnings(s) == [CONCLUDE_DUE]  # re-armed past its time: not repeated
    s.advance_to(CONCLUDE_DUE + timedelta(seconds=1))
    assert s.case().overdue is True


def test_an_extension_still_awaiting_approval_at_the_limit_is_overdue(engine, clock):
    s = signed_petition(engine, clock)
    s.advance_to(datetime(2026, 11, 16, 10, 0, tzinfo=CST))
    s.complete(CENTER, "request_extension", REQUEST)
    assert s.ready_ids(HEAD) == ["approve_extension"]
    assert due_of(s, HEAD, "approve_extension") == CONCLUDE_DUE

    s.advance_to(CONCLUDE_DUE + timedelta(seconds=1))
    assert s.ready_ids(HEAD) == []
    assert s.case().overdue is True
    overdue = s.rows(SupervisionRecord)[-1]
    assert (overdue.reason, overdue.due_at) == ("超期未化解", CONCLUDE_DUE)
    assert "访调案件已超过信访事项办结期限" in overdue.content
    assert the_mediation(s).petition_conclude_due_at == CONCLUDE_DUE


def test_only_the_unit_head_approves(engine, clock):
    s = signed_petition(engine, clock)
    s.complete(CENTER, "request_extension", REQUEST)
    assert "approve_extension" not in s.ready_ids(CENTER)
    assert s.instance().status == InstanceStatus.RUNNING
