"""受理分流 (bpmn/case_main.bpmn) where a case ends: a party refusing mediation at any
level of 四级七天 is guided elsewhere (人民调解法 Arts.17, 23, 26) and counted as 已引导;
every resolution with a mediation agreement starts the 司法确认 reminder beside the
callback (D2: 30 days from the agreement, 人民调解法 Art.33)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine import Actor, FormInvalid, InstanceStatus
from processes.models import ProgressReport
from processes.reports import metrics
from processes.reports.periods import Period
from tests.conftest import CST
from tests.processes.conftest import Scenario, deploy

CENTER = "镇综治中心"
LEVELS = [
    ("网格员", "grid"),
    ("村调委会", "village"),
    ("镇综治中心", "township"),
    ("镇党委政府", "leadership"),
]
CANNOT = {"level_outcome": "无法化解", "level_notes": "双方分歧较大，本级无法化解"}
REFUSED = {
    "level_outcome": "当事人拒绝调解",
    "refusal_reason": "被申请人明确表示不接受调解，要求直接起诉",
    "remedy": "诉讼",
    "level_notes": "上门调解一次，被申请人拒绝",
}


def at(month: int, day: int, hour: int = 23, minute: int = 59, second: int = 59) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=CST)


@pytest.fixture
def library(case_engine, regions):
    deploy(case_engine)
    return case_engine


def ladder_case(engine, clock) -> Scenario:
    s = Scenario(engine, clock, "case_main", channel="网格上报")
    s.complete(CENTER, "assess", {"matter_nature": "一般纠纷", "cross_department": False,
                                  "risk_colour": "黄"})  # fmt: skip
    return s


# -- 拒绝调解 at any level ----------------------------------------------------------------


@pytest.mark.parametrize("index", range(4), ids=[spec for _, spec in LEVELS])
def test_a_refusal_at_any_level_ends_the_ladder_guided_elsewhere(library, clock, index):
    s = ladder_case(library, clock)
    for role, spec in LEVELS[:index]:
        s.complete(role, spec, CANNOT)
    role, spec = LEVELS[index]
    clock.advance(hours=2)
    s.complete(role, spec, REFUSED, user=f"someone.{spec}")

    case = s.case()
    assert (case.status, case.remedy, case.result, case.level) == (
        "已引导",
        "诉讼",
        "引导至其他途径",
        role,
    )
    assert case.result_note == f"当事人拒绝调解（{role}）：{REFUSED['refusal_reason']}"
    assert (case.resolved_at, case.closed_at) == (None, clock.now())
    [guided] = s.events(["case_guided"])
    assert (guided.data["remedy"], guided.actor) == ("诉讼", f"someone.{spec}")
    told = s.rows(ProgressReport, kind="进展")[-1]
    assert told.level == role
    assert told.text == (
        f"当事人拒绝调解，{role}终止调解。理由：{REFUSED['refusal_reason']}。"
        "已告知当事人可通过诉讼等途径依法解决（人民调解法第二十六条）"
    )
    # not handed up, not sent to 中心吹哨, nothing left to do, no timer left to fire
    assert [e.data["to"] for e in s.events(["case_level_changed"])] == [
        r for r, _ in LEVELS[: index + 1]
    ]
    assert s.open_tasks() == {}
    assert s.instance().status == InstanceStatus.COMPLETED
    assert s.advance(days=30) == 0

    with library.session_factory() as session:
        month = Period.custom(date(2026, 3, 1), date(2026, 3, 31))
        assert metrics.concluded(session, regions=None, period=month) == 1
        assert metrics.resolved(session, regions=None, period=month) == 0


def test_a_refusal_needs_its_reason_and_the_remedy_told(library, clock):
    s = ladder_case(library, clock)
    task = s.task("网格员", "grid")
    with pytest.raises(FormInvalid) as refused:
        library.complete(
            task.id,
            {"level_outcome": "当事人拒绝调解", "level_notes": "上门调解被拒"},
            actor=Actor.of("wang.grid", ["网格员"]),
        )
    assert refused.value.errors == {"refusal_reason": ["必填"], "remedy": ["必填"]}
    assert s.task("网格员", "grid").id == task.id and s.case().status == "办理中"


# -- 司法确认 reminder after every agreement -------------------------------------------------


def test_a_written_agreement_at_a_level_starts_the_reminder_beside_the_callback(library, clock):
    s = ladder_case(library, clock)
    s.complete("网格员", "grid", CANNOT)
    s.advance_to(at(3, 3, 15, 0, 0))
    s.complete(
        "村调委会",
        "village",
        {
            "level_outcome": "化解",
            "level_result": "书面调解协议",
            "agreement_at": "2026-03-03",
            "level_notes": "签订书面调解协议，约定3月10日前赔偿800元",
        },
    )
    assert s.ready_ids(CENTER) == ["call_back", "remind_township"]
    remind = s.task(CENTER, "remind_township")
    # 30 calendar days after Tue 3/3 (the day itself not counted) → Thu 4/2
    assert remind.due_at == at(4, 2)
    template, data = library.task_instructions(remind.id)
    assert "{{ confirmation_due[:10] }}" in template and data["confirmation_due"].startswith(
        "2026-04-02"
    )
    [notice] = [e for e in s.events(["confirmation_due_set"])]
    assert notice.data["due"] == "2026-04-02T23:59:59+08:00"

    s.complete(CENTER, "call_back", {"evaluation": "满意"})
    assert s.case().status == "已结案"
    s.complete(
        CENTER,
        "remind_township",
        {"confirmation_status": "已提醒，当事人将申请", "remind_note": "电话告知双方当事人"},
    )
    assert (
        s.rows(ProgressReport)[-1].text
        == "司法确认提醒：已提醒，当事人将申请（电话告知双方当事人）"
    )


def test_a_reminder_nobody_records_lapses_with_the_time_limit(library, clock):
    s = ladder_case(library, clock)
    s.complete(
        "网格员",
        "grid",
        {
            "level_outcome": "化解",
            "level_result": "口头调解协议",
            "agreement_at": "2026-03-02",
            "level_notes": "当面达成口头协议，调解员已记录",
        },
    )
    s.advance_to(at(4, 1))  # 30 days after Mon 3/2 → Wed 4/1
    assert "remind_township" in s.ready_ids(CENTER)
    s.advance(seconds=2)
    assert "remind_township" not in s.ready_ids(CENTER)
    assert s.rows(ProgressReport)[-1].text == "申请司法确认的期限已届满，未登记提醒结果"


def test_settling_without_an_agreement_starts_no_reminder(library, clock):
    s = ladder_case(library, clock)
    s.complete(
        "网格员",
        "grid",
        {"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "双方自行和解"},
    )
    assert s.ready_ids(CENTER) == ["call_back"]


def test_an_on_the_spot_agreement_starts_the_reminder(library, clock):
    s = Scenario(library, clock, "case_main")
    s.complete(CENTER, "assess", {"matter_nature": "简单诉求", "cross_department": False,
                                  "risk_colour": "绿"})  # fmt: skip
    s.complete(
        CENTER,
        "on_spot",
        {
            "on_spot_note": "当场调解",
            "on_spot_agreement": "口头调解协议",
            "agreement_at": "2026-03-02",
        },
    )
    assert s.ready_ids(CENTER) == ["call_back", "remind_township"]
    assert s.task(CENTER, "remind_township").due_at == at(4, 1)


def test_on_the_spot_without_an_agreement_starts_no_reminder(library, clock):
    s = Scenario(library, clock, "case_main")
    s.complete(CENTER, "assess", {"matter_nature": "简单诉求", "cross_department": False,
                                  "risk_colour": "绿"})  # fmt: skip
    s.complete(
        CENTER, "on_spot", {"on_spot_note": "当场答复", "on_spot_agreement": "未达成调解协议"}
    )
    assert s.ready_ids(CENTER) == ["call_back"]


@pytest.mark.parametrize(
    ("form", "data", "errors"),
    [
        (
            "grid",
            {"level_outcome": "化解", "level_result": "书面调解协议", "level_notes": "签订协议"},
            {"agreement_at": ["必填"]},
        ),
        (
            "grid",
            {
                "level_outcome": "化解",
                "level_result": "当事人自行和解",
                "agreement_at": "2026-03-02",
                "level_notes": "自行和解",
            },
            {"level_result": ["请从以下选项中选择：书面调解协议、口头调解协议"]},
        ),
        (
            "grid",
            {"level_outcome": "无法化解", "agreement_at": "2026-03-02", "level_notes": "无法化解"},
            {"level_outcome": ["必须为：化解"], "level_result": ["必填"]},
        ),
        (
            "on_spot",
            {"on_spot_note": "当场调解", "on_spot_agreement": "书面调解协议"},
            {"agreement_at": ["必填"]},
        ),
        (
            "on_spot",
            {"on_spot_note": "当场答复", "agreement_at": "2026-03-02"},
            {"on_spot_agreement": ["必填"]},
        ),
    ],
)
def test_an_agreement_date_goes_with_an_agreement_and_only_with_one(
    library, clock, form, data, errors
):
    s = Scenario(library, clock, "case_main", channel="网格上报")
    nature = "一般纠纷" if form == "grid" else "简单诉求"
    s.complete(CENTER, "assess", {"matter_nature": nature, "cross_department": False,
                                  "risk_colour": "黄"})  # fmt: skip
    role = "网格员" if form == "grid" else CENTER
    task = s.task(role, form)
    with pytest.raises(FormInvalid) as refused:
        library.complete(task.id, data, actor=Actor.of("someone", [role]))
    assert refused.value.errors == errors
