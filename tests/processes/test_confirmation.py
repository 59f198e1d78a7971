"""司法确认提醒 (bpmn/confirmation.bpmn, placeholder of the shared callable process): called
with ``case_id`` and ``agreement_at``; reminds the parties before the 30 days of D2 end
(人民调解法 Art.33, 民诉法 Art.205), or records that they ended unrecorded."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import InstanceStatus
from processes.models import ProgressReport
from tests.conftest import CST
from tests.processes.conftest import Scenario, deploy

CENTER = "镇综治中心"


@pytest.fixture
def confirmation(case_engine, regions):
    deploy(case_engine, "confirmation.bpmn")
    return case_engine


@pytest.mark.parametrize("agreement_at", ["2026-03-05", "2026-03-05T16:30:00+08:00"])
def test_the_reminder_is_due_thirty_days_after_the_agreement(confirmation, clock, agreement_at):
    s = Scenario(confirmation, clock, "confirmation", data={"agreement_at": agreement_at})
    remind = s.task(CENTER, "remind")
    # 30 calendar days after Thu 3/5 is Sat 4/4, a holiday (清明 4/4-4/6): moved to Tue 4/7
    assert remind.due_at == datetime(2026, 4, 7, 23, 59, 59, tzinfo=CST)
    s.complete(
        CENTER,
        "remind",
        {"confirmation_status": "当事人已申请司法确认", "remind_note": "双方已向甘州区法院申请"},
    )
    assert (
        s.rows(ProgressReport)[-1].text
        == "司法确认提醒：当事人已申请司法确认。双方已向甘州区法院申请"
    )
    assert s.instance().status == InstanceStatus.COMPLETED


def test_an_unrecorded_reminder_lapses_at_the_time_limit(confirmation, clock):
    s = Scenario(confirmation, clock, "confirmation", data={"agreement_at": "2026-03-02"})
    s.advance_to(datetime(2026, 4, 1, 23, 59, 59, tzinfo=CST))
    assert s.ready_ids(CENTER) == ["remind"]
    s.advance(seconds=2)
    assert s.ready_ids(CENTER) == []
    assert (
        s.rows(ProgressReport)[-1].text == "申请司法确认的期限（2026-04-01）已届满，未登记提醒结果"
    )
    assert s.instance().status == InstanceStatus.COMPLETED
