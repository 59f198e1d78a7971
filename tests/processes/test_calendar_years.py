"""A year's official schedule as a file: checked line by line, previewed, imported, logged;
and the command line an admin uses for it (``zongzhi calendar import / due / retime``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from engine.db import db
from processes.calendar import load_calendar
from processes.calendar_years import (
    YEAR_IMPORTED,
    YearFileInvalid,
    import_year,
    preview,
    read_year_file,
)
from tests.processes.conftest import operation_log
from webapp.cli.calendar import calendar_group

SAMPLE_2027 = Path(__file__).parents[1] / "fixtures" / "calendar" / "2027-sample.json"


def sample() -> str:
    return SAMPLE_2027.read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with pytest.raises(YearFileInvalid) as caught:
        read_year_file(text)
    return [str(p) for p in caught.value.problems]


# -- reading a file ---------------------------------------------------------------------------


def test_the_sample_reads_as_a_year():
    year_file = read_year_file(sample())
    schedule = year_file.schedule
    assert (schedule.year, schedule.source) == (2027, "测试样例（非官方通知，仅供测试）")
    assert date(2027, 2, 13) in schedule.holidays and date(2027, 2, 14) not in schedule.holidays
    assert date(2027, 6, 9) in schedule.holidays  # a single day given as a plain date
    assert schedule.is_workday(date(2027, 2, 20)) is True  # a make-up Saturday
    assert schedule.is_workday(date(2027, 2, 14)) is False  # an ordinary Sunday
    assert year_file.warnings == ()


def test_every_problem_names_its_line_and_date():
    text = """{
  "year": 2027,
  "source": "国办发明电〔2026〕N号",
  "holidays": [
    ["2027-01-01", "2027-01-03"],
    ["2027-02-05", "2027-02-13"],
    ["2027-02-10", "2027-02-15"],
    ["2027-05-05", "2027-05-01"],
    ["2027-02-30", "2027-03-01"],
    "2028-01-01"
  ],
  "workdays": ["2027-02-17", "2027-02-06", "2027-02-20", "2027-02-20"]
}"""
    assert problems_of(text) == [
        "第 8 行（2027-05-05..2027-05-01）：放假区间的结束日早于开始日",
        "第 9 行（2027-02-30）：不是有效的日期（应为 YYYY-MM-DD）",
        "第 10 行（2028-01-01）：日期不在 2027 年内",
        "第 7 行（2027-02-10..2027-02-15）：与前一个放假区间重叠",
        "第 12 行（2027-02-17）：调休上班日必须是周六或周日，这天是星期三",
        "第 12 行（2027-02-06）：调休上班日落在放假区间内",
        "第 12 行（2027-02-20）：调休上班日重复",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"year": 2027,\n "source": "x"\n "holidays": []}',
            "第 3 行：JSON 格式错误：缺少逗号（第 2 列）",
        ),
        ("[]", "文件：文件内容必须是一个 JSON 对象（{…}）"),
        ('{"year": 2027, "source": "x", "holidays": []}', "文件：缺少字段 workdays"),
        (
            '{"year": 2027, "source": "x", "holiday": [], "holidays": [], "workdays": []}',
            "文件：未知字段 holiday，只能有 year、source、holidays、workdays",
        ),
        (
            '{"year": "2027", "source": "", "holidays": ["2027-01-01"], "workdays": []}',
            "文件：year 必须是 2000–2100 之间的整数，实为 '2027'",
        ),
        (
            '{"year": 2027, "source": " ", "holidays": ["2027-01-01"], "workdays": []}',
            "文件：source 必须写明通知文号，例如 国办发明电〔2026〕N号",
        ),
        (
            '{"year": 2027, "source": "x", "holidays": [], "workdays": []}',
            "文件：holidays 不能为空：一年至少有法定节假日",
        ),
    ],
)
def test_malformed_files_are_refused_with_a_chinese_reason(text, expected):
    assert expected in problems_of(text)


def test_a_statutory_holiday_missing_from_the_file_is_a_warning():
    raw = json.loads(sample())
    raw["holidays"] = [item for item in raw["holidays"] if item != "2027-09-15"]  # 中秋
    year_file = read_year_file(json.dumps(raw))
    assert [str(w) for w in year_file.warnings] == [
        "文件（2027-09-15）：中秋节是法定节假日，文件中却不是休息日，请核对通知"
    ]


# -- preview and import -----------------------------------------------------------------------


def test_preview_shows_the_changed_days_and_import_stores_logs_and_covers(engine, clock):
    year_file = read_year_file(sample())
    with engine.session_factory() as session:
        assert load_calendar(session).covered(2027) is False
        shown = preview(session, year_file, now=clock.now())
        assert load_calendar(session).schedule(2027) is None  # nothing stored by a preview
    changes = {c.day: (c.was_workday, c.is_workday, c.holiday) for c in shown.days}
    # against the statutory-only count: 11–12 February off, 20 February worked …
    assert changes[date(2027, 2, 11)] == (True, False, "春节假期")
    assert changes[date(2027, 2, 20)] == (False, True, "春节调休上班")
    # … and the file's 国庆 week: 4–5 October were statutory (substitute days) already
    assert changes[date(2027, 10, 6)] == (True, False, "国庆节假期")
    assert date(2027, 10, 4) not in changes
    assert shown.replaces is None

    with engine.session_factory() as session:
        import_year(
            session, year_file, actor="admin", now=clock.now(), record=engine.record_operation
        )
        session.commit()
        calendar = load_calendar(session)
        assert calendar.covered(2027) and calendar.schedule(2027).source.startswith("测试样例")
        assert calendar.is_workday(date(2027, 2, 11)) is False
        [logged] = operation_log(session, YEAR_IMPORTED)
    assert logged.actor == "admin"
    assert logged.data["year"] == 2027 and logged.data["before"] is None
    assert logged.data["after"]["workdays"] == [
        "2027-02-20",
        "2027-05-08",
        "2027-09-26",
        "2027-10-09",
    ]
    assert logged.data["changed_days"] == len(shown.days)


def test_importing_a_year_again_replaces_it(engine, clock):
    first = read_year_file(sample())
    raw = json.loads(sample())
    raw["source"], raw["workdays"] = "更正后的通知", ["2027-02-20"]
    second = read_year_file(json.dumps(raw, ensure_ascii=False))
    with engine.session_factory() as session:
        import_year(session, first, actor="a", now=clock.now(), record=engine.record_operation)
        session.commit()
        shown = preview(session, second, now=clock.now())
        assert shown.replaces == "测试样例（非官方通知，仅供测试）"
        assert {c.day for c in shown.days} == {
            date(2027, 5, 8),
            date(2027, 9, 26),
            date(2027, 10, 9),
        }
        import_year(session, second, actor="b", now=clock.now(), record=engine.record_operation)
        session.commit()
        assert load_calendar(session).is_workday(date(2027, 5, 8)) is False
        second_log = operation_log(session, YEAR_IMPORTED)[-1]
    assert second_log.data["before"]["source"] == "测试样例（非官方通知，仅供测试）"


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def run_calendar(app, sa_engine):
    runner = app.test_cli_runner()
    yield lambda *args, **kw: runner.invoke(calendar_group, list(args), **kw)
    with app.app_context():
        db.session.remove()


def test_cli_due_is_provisional_until_the_year_is_imported(run_calendar):
    before = run_calendar("due", "2026-12-28", "7")
    assert before.exit_code == 0, before.output
    assert before.output.startswith("2027-01-07 暂定")
    assert run_calendar("due", "2026-12-01", "5").output.strip() == "2026-12-08"

    dry = run_calendar("import", str(SAMPLE_2027), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "2027-02-11 星期四  工作日 → 休息日（春节假期）" in dry.output
    assert "（试运行，未导入）" in dry.output
    assert run_calendar("due", "2026-12-28", "7").output.startswith("2027-01-07 暂定")

    refused = run_calendar("import", str(SAMPLE_2027), input="n\n")
    assert refused.exit_code == 1 and "已取消，未导入" in refused.output

    done = run_calendar("import", str(SAMPLE_2027), "--yes")
    assert done.exit_code == 0, done.output
    assert "已导入 2027 年放假安排。" in done.output
    assert run_calendar("due", "2026-12-28", "7").output.strip() == "2027-01-07"
    # 春节 as the file gives it: 5–13 February off, then Sunday 14 February
    assert run_calendar("due", "2027-02-04", "2").output.strip() == "2027-02-16"
    assert run_calendar("due", "2027-02-19", "1").output.strip() == "2027-02-20"  # make-up day
    assert "已导入放假安排（测试样例" in run_calendar("list", "2027").output


def test_cli_import_names_the_file_line_and_date_of_each_problem(run_calendar, tmp_path):
    bad = tmp_path / "2027.json"
    bad.write_text(sample().replace('"2027-02-20"', '"2027-02-17"'), encoding="utf-8")
    refused = run_calendar("import", str(bad), "--yes")
    assert refused.exit_code == 1
    assert (
        "2027.json 第 13 行（2027-02-17）：调休上班日必须是周六或周日，这天是星期三"
        in refused.output
    )


def test_cli_retime_dry_run_lists_nothing_when_nothing_is_stale(run_calendar):
    listed = run_calendar("retime", "--dry-run")
    assert listed.exit_code == 0, listed.output
    assert "将重新计算的期限：0 个" in listed.output
