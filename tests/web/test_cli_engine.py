"""``zongzhi init``, ``deploy`` and ``verify-history`` as a person or a script runs them."""

from __future__ import annotations

import re

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.models import HistoryEvent
from tests.conftest import BPMN_DIR, FORMS_DIR
from webapp.cli import cli


def _run(app, *args):
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def test_init_deploys_the_bundled_library_and_demo_users(app):
    first = _run(app, "init", "--demo")
    assert first.exit_code == 0, first.output
    assert "已部署新版本" in first.output and "plain_case" in first.output
    assert "demo" in first.output
    again = _run(app, "init", "--demo")
    assert again.exit_code == 0 and "未创建新版本" in again.output


def test_deploy_reports_each_problem_and_exits_1(app, tmp_path):
    bad = tmp_path / "bad.bpmn"
    bad.write_text(
        (BPMN_DIR / "plain_case.bpmn")
        .read_text(encoding="utf-8")
        .replace("callback_round = 0", "import os"),
        encoding="utf-8",
    )
    result = _run(app, "deploy", str(bad), "--forms", str(FORMS_DIR))
    assert result.exit_code == 1
    assert "文件 bad.bpmn，元素 init_case" in result.output and "import" in result.output
    good = _run(app, "deploy", str(BPMN_DIR), "--forms", str(FORMS_DIR), "--note", "首次")
    assert good.exit_code == 0 and "已部署新版本" in good.output


def test_deploy_finds_the_forms_beside_the_diagrams_folder(app, tmp_path):
    """``zongzhi deploy bpmn/`` from the project folder: ``forms/`` sits beside ``bpmn/``."""
    result = _run(app, "deploy", str(BPMN_DIR), "--note", "不指定表单目录")
    assert result.exit_code == 0, result.output
    assert "已部署新版本" in result.output and "case_main" in result.output


def test_deploying_one_changed_diagram_keeps_the_rest_of_the_current_version(app, tmp_path):
    """The changed ladder alone: the processes it calls (supervise) and the ones calling it
    come from the current version, as the browser's deploy does."""
    first = _run(app, "init")
    assert first.exit_code == 0
    first_version = int(re.search(r"已部署新版本 (\d+)", first.output).group(1))
    changed = tmp_path / "ladder.bpmn"
    changed.write_text(
        (BPMN_DIR / "ladder.bpmn")
        .read_text(encoding="utf-8")
        .replace('name="网格员化解"', 'name="网格员先行化解"'),
        encoding="utf-8",
    )
    result = _run(app, "deploy", str(changed), "--note", "改一个环节的名称")
    assert result.exit_code == 0, result.output
    assert f"已部署新版本 {first_version + 1}" in result.output
    for process in ("case_main", "ladder", "supervise", "whistle", "handoff"):
        assert process in result.output
    again = _run(app, "deploy", str(changed))
    assert "未创建新版本" in again.output


def test_verify_history_exit_code_names_the_first_bad_row(app, sa_engine):
    assert _run(app, "init").exit_code == 0
    ok = _run(app, "verify-history")
    assert ok.exit_code == 0 and "哈希链无误" in ok.output
    with sa_engine.begin() as connection:
        connection.execute(text("UPDATE history_event SET actor = 'x' WHERE seq = 1"))
    edited = _run(app, "verify-history")
    assert edited.exit_code == 1 and "首个异常事件序号 1" in edited.output
    with sa_engine.begin() as connection:
        connection.execute(text("DELETE FROM history_event WHERE seq = 1"))
    deleted = _run(app, "verify-history")
    assert deleted.exit_code == 1 and "序号 1" in deleted.output


def test_account_changes_are_in_the_history(app, sa_engine):
    create = ["users", "create", "chen", "--name", "陈六", "--password", "pass-1234"]
    assert _run(app, *create, "--role", "调解员").exit_code == 0
    assert _run(app, "users", "grant", "chen", "督办员").exit_code == 0
    with Session(sa_engine) as session:
        rows = session.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.event_type == "user_changed")
            .order_by(HistoryEvent.seq)
        ).all()
    assert [r.data["action"] for r in rows] == ["create", "grant"]
    assert all(r.actor.startswith("cli:") for r in rows)
    assert rows[1].data["roles_before"] == ["调解员"]
    assert sorted(rows[1].data["roles_after"]) == ["督办员", "调解员"]
    assert "pass-1234" not in str([r.data for r in rows])
    assert _run(app, "verify-history").exit_code == 0


FOREIGN_DIR = BPMN_DIR.parent / "tests" / "engine" / "fixtures" / "foreign"


def test_deploy_maps_foreign_lanes_to_roles_with_lane_options(app, sa_engine):
    paths = [str(FOREIGN_DIR / "camunda_order.bpmn"), str(FOREIGN_DIR / "discount.dmn")]
    refused = _run(app, "deploy", *paths)
    assert refused.exit_code == 1 and "泳道「Manager」不是已知的角色" in refused.output
    bad = _run(app, "deploy", *paths, "--lane", "Manager")
    assert bad.exit_code == 2 and "应写成 泳道名=角色" in bad.output
    good = _run(app, "deploy", *paths, "--lane", "Manager=镇综治中心", "--lane", "Clerk=调解员")
    assert good.exit_code == 0, good.output
    assert "已部署新版本" in good.output and "order" in good.output
    assert "camunda:formKey 在本系统中不起作用" in good.output
