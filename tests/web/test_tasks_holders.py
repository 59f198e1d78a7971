"""How a task's holder is named in the hand-on message and the 前一环节 panel: a person by
name and unit, a unit (or a summoned department) by its name, a lane by the unit of that
level in the case's area, the 包案领导 lane by the named leader. The projection's
``candidate_unit`` and ``item`` are read when the row has them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from engine.db import db
from processes.models import Case
from tests.processes.conftest import GRID, TOWNSHIP, VILLAGE
from tests.web.conftest import add_test_user
from webapp.tasks.holders import Holders


def row(lane: str, **fields) -> SimpleNamespace:
    """A task row as the projection gives it (with or without the newer columns)."""
    return SimpleNamespace(candidate_role=lane, lane=lane, assignee=None, **fields)


@pytest.fixture
def case(web_engine, app):
    """A case of the 大满村 grid (a bare row: naming reads only its region and people)."""
    return Case(
        region_code=GRID,
        level="村调委会",
        owner_unit=None,
        lead_leader="wang.fxz",
        case_leader=None,
    )


def named(app, case, task) -> tuple[str, str]:
    with app.app_context():
        holder = Holders(db.session, case).of_task(task)
        return holder.who, holder.detail


def test_a_lane_is_named_with_the_unit_of_its_level_in_the_case_area(app, case):
    assert named(app, case, row("村调委会")) == ("村调委会", "大满村调委会")
    assert named(app, case, row("镇综治中心")) == ("镇综治中心", "大满镇综治中心")
    assert named(app, case, row("县综治中心")) == ("县综治中心", "甘州区综治中心")
    assert named(app, case, row("督办员")) == ("督办员", "")


def test_the_case_owner_unit_names_the_lane_at_the_case_level(app, case):
    case.owner_unit = "大满村人民调解委员会"
    assert named(app, case, row("村调委会")) == ("村调委会", "大满村人民调解委员会")


def test_a_candidate_unit_or_an_item_names_the_department(app, case):
    assert named(app, case, row("部门", candidate_unit="labour")) == ("部门", "人社局")
    assert named(app, case, row("部门", candidate_unit=["labour", "housing"])) == (
        "部门",
        "人社局、住建局",
    )
    assert named(app, case, row("部门", candidate_unit="labour", item="住建局")) == (
        "部门",
        "住建局",
    )
    assert named(app, case, row("部门", candidate_unit="no-such-unit")) == ("部门", "no-such-unit")


def test_an_assigned_task_names_the_person_and_their_unit(app, case):
    add_test_user(app, "zhao", "部门", region=TOWNSHIP, department="justice")
    add_test_user(app, "cun", "村调委会", region=VILLAGE)
    add_test_user(app, "zhen", "村调委会", region=TOWNSHIP)  # a wider area than the level
    assigned = row("部门", item="司法所")
    assigned.assignee = "zhao"
    assert named(app, case, assigned) == ("测试zhao", "司法所")
    village = row("村调委会")
    village.assignee = "cun"
    assert named(app, case, village) == ("测试cun", "大满村调委会")
    village.assignee = "zhen"
    assert named(app, case, village) == ("测试zhen", "大满村调委会")


def test_the_leaders_lane_names_the_leader(app, case):
    add_test_user(app, "wang.fxz", "包案领导", region=None)
    assert named(app, case, row("包案领导")) == ("包案领导", "测试wang.fxz")
    case.lead_leader, case.case_leader = None, "李书记"  # a name written as text
    assert named(app, case, row("包案领导")) == ("包案领导", "李书记")
