"""``zongzhi units``, ``roster``, ``stations`` and ``rota`` through Flask's CLI runner: each
change stored and logged, each refusal a message and exit code 1."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import db
from processes.models import RosterEntry, Station, Unit
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP
from webapp.accounts.service import create_user
from webapp.cli import cli

from .admin_helpers import log_entries, seed_regions


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args))

    return invoke


@pytest.fixture
def regions(app):
    seed_regions(app)


@pytest.fixture
def center(run, regions) -> str:
    result = run("units", "set", "zhen", "--name", "大满镇综治中心", "--kind", "乡镇综治中心",
                 "--region", TOWNSHIP)  # fmt: skip
    assert result.exit_code == 0, result.output
    return "zhen"


def _add_user(app, username: str, *, department: str | None = None, active: bool = True) -> None:
    with app.app_context():
        user = create_user(
            db.session,
            username=username,
            display_name=f"测试{username}",
            password="long-enough",
            roles=["部门"] if department else ["调解员"],
            department_code=department,
        )
        user.active = active
        db.session.commit()


def test_units_set_and_list(app, run, center, sa_engine):
    listed = run("units", "list")
    assert "大满镇综治中心  乡镇综治中心  大满镇" in listed.output
    assert "court" in listed.output and "人民法院  部门  不限区划" in listed.output
    moved = run("units", "set", "zhen", "--parent", "court")
    assert moved.exit_code == 0, moved.output
    assert run("units", "set", "zhen", "--no-parent", "--inactive").exit_code == 0
    assert "（已停用）" in run("units", "list", "--kind", "乡镇综治中心").output

    with app.app_context():
        unit = db.session.get(Unit, "zhen")
        assert (unit.parent_code, unit.active) == (None, False)
    changes = log_entries(sa_engine, "unit_changed")
    assert [c["actor"].startswith("cli:") for c in changes] == [True, True, True]
    assert (changes[1]["before"]["parent_code"], changes[1]["after"]["parent_code"]) == (
        None,
        "court",
    )


def test_units_refusals_name_the_problem(run, regions):
    wrong_level = run("units", "set", "x", "--name", "某中心", "--kind", "乡镇综治中心",
                      "--region", COUNTY)  # fmt: skip
    assert wrong_level.exit_code == 1
    assert "乡镇综治中心的区划必须是镇级（甘州区是县级）" in wrong_level.output
    renamed = run("units", "set", "court", "--name", "法院")
    assert renamed.exit_code == 1 and "部门单位的名称随「部门」设置" in renamed.output
    assert run("units", "set", "court").exit_code == 2  # nothing to change
    assert run("units", "set", "court", "--region", COUNTY, "--no-region").exit_code == 2


def test_roster_set_list_disable(app, run, center, sa_engine):
    _add_user(app, "wang.tj")
    added = run("roster", "set", "--name", "王调解", "--kind", "人民调解员", "--unit", "zhen",
                "--region", TOWNSHIP, "--skill", "02", "--skill", "1001",
                "--user", "wang.tj")  # fmt: skip
    assert added.exit_code == 0, added.output
    with app.app_context():
        entry_id = db.session.scalar(select(RosterEntry.id))
    assert f"已保存名册人员 {entry_id}：王调解（人民调解员）" in added.output

    listed = run("roster", "list", "--region", COUNTY, "--skill", "0201").output
    assert "王调解  人民调解员  大满镇综治中心  大满镇  擅长 02、1001  账号 wang.tj" in listed
    assert run("roster", "list", "--kind", "律师").output.startswith("没有符合条件的人员")

    assert run("roster", "set", str(entry_id), "--no-skills", "--no-user").exit_code == 0
    assert "擅长 不限" in run("roster", "list").output
    disabled = run("roster", "disable", str(entry_id))
    assert disabled.exit_code == 0 and "已停用名册人员" in disabled.output
    assert "王调解" not in run("roster", "list").output
    assert "（已停用）" in run("roster", "list", "--all").output
    changes = log_entries(sa_engine, "roster_changed")
    assert [c["after"]["active"] for c in changes] == [True, True, False]


def test_roster_refusals(app, run, center):
    _add_user(app, "gone", active=False)
    base = ("roster", "set", "--name", "某人", "--kind", "人民调解员", "--unit", "zhen",
            "--region", TOWNSHIP)  # fmt: skip
    assert "账号已停用：gone" in run(*base, "--user", "gone").output
    assert "用户不存在：nobody" in run(*base, "--user", "nobody").output
    assert "纠纷类型代码不存在：99" in run(*base, "--skill", "99").output
    assert "人员类别必须是" in run(*base[:4], "--kind", "法官", *base[6:]).output
    assert "名册中没有编号为 42 的人员" in run("roster", "disable", "42").output
    assert run(*base, "--skill", "02", "--no-skills").exit_code == 2
    assert run("roster", "set", "7").exit_code == 2  # nothing to change


def test_stations_and_the_rota(app, run, center, sa_engine):
    _add_user(app, "ren.a", department="labour")
    _add_user(app, "ren.b", department="labour")
    _add_user(app, "police.a", department="police")
    made = run("stations", "set", "labour", "zhen", "--mode", "轮驻")
    assert made.exit_code == 0, made.output
    assert "人社局 @ 大满镇综治中心（轮驻）" in made.output
    station = made.output.split("已保存驻点 ")[1].split("：")[0]

    assert run("rota", "set", station, "2026-03-02", "ren.a").exit_code == 0
    assert run("rota", "set", station, "2026-03-03", "ren.b").exit_code == 0
    again = run("rota", "set", station, "2026-03-03", "ren.b")
    assert "（未变）" in again.output
    week = run("rota", "list", station, "--week", "2026-03-04").output
    assert "2026-03-02 周一  ren.a" in week and "2026-03-03 周二  ren.b" in week
    assert "2026-03-04 周三  无人值班" in week
    assert run("rota", "who", "labour", GRID, "--day", "2026-03-03").output.strip() == "ren.b"
    assert "交部门全体联络人" in run("rota", "who", "labour", GRID, "--day", "2026-03-04").output
    assert run("rota", "set", station, "2026-03-03", "-").exit_code == 0
    assert (
        "2026-03-03 周二  无人值班" in run("rota", "list", station, "--week", "2026-03-02").output
    )

    wrong = run("rota", "set", station, "2026-03-05", "police.a")
    assert wrong.exit_code == 1 and "测试police.a（police.a）不是人社局的人员" in wrong.output
    assert run("rota", "set", "999", "2026-03-05", "ren.a").exit_code == 1
    assert run("rota", "set", station, "2026-13-05", "ren.a").exit_code == 2

    listed = run("stations", "list").output
    assert f"{station}  大满镇综治中心  人社局  轮驻" in listed
    duties = log_entries(sa_engine, "duty_changed")
    assert [(d["day"], d["before"], d["after"]) for d in duties] == [
        ("2026-03-02", None, "ren.a"),
        ("2026-03-03", None, "ren.b"),
        ("2026-03-03", "ren.b", None),
    ]


def test_a_resident_station_s_default_liaison_and_an_on_call_one(app, run, center):
    _add_user(app, "police.a", department="police")
    assert run("stations", "set", "police", "zhen", "--liaison", "police.a").exit_code == 0
    station = _station_id(app, "police")
    assert run("rota", "who", "police", GRID, "--day", "2026-03-04").output.strip() == "police.a"
    assert (
        "2026-03-04 周三  police.a（默认）"
        in run("rota", "list", station, "--week", "2026-03-02").output
    )
    refused = run("stations", "set", "police", "zhen", "--mode", "轮驻")
    assert refused.exit_code == 1 and "只有常驻部门设默认值班人" in refused.output
    on_call = run("stations", "set", "police", "zhen", "--mode", "随叫随驻", "--no-liaison")
    assert on_call.exit_code == 0, on_call.output
    assert "不排班" in run("rota", "list", station).output
    no_rota = run("rota", "set", station, "2026-03-02", "police.a")
    assert no_rota.exit_code == 1 and "随叫随驻的部门不排班" in no_rota.output
    not_center = run("stations", "set", "police", "court")
    assert not_center.exit_code == 1 and "只能进驻启用中的综治中心" in not_center.output


def _station_id(app, department: str) -> str:
    with app.app_context():
        query = select(Station.id).where(Station.department_code == department)
        found = db.session.scalar(query)
        db.session.remove()
    return str(found)
