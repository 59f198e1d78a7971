"""A report as an Excel workbook (openpyxl): 概况, 分类统计, 三调对接, 风险热点, 超期清单,
趋势, 说明. Rates are written as fractions in a percentage format, so Excel computes with
them; a report holds no personal data, and neither does its workbook."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..sheet_cells import append_text_safe
from .blueprint import local_time
from .definitions import (
    BREAKDOWNS,
    CHANGE_NOTES,
    DEFINITIONS,
    HANDOFF_RATES,
    NO_PERSONAL_DATA,
    PUBLISHED_NOTE,
    ROW_RATES,
    rate_columns,
)
from .presenter import DAYS_UNIT, RATE_UNIT

PERCENT = "0.0%"
CHANGE_PERCENT = "+0.0%;-0.0%;0.0%"
POINTS = '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"'
DAYS = "0.0"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F4")


def report_workbook(report: Mapping[str, Any], *, about: list[tuple[str, str]]) -> bytes:
    """The workbook's bytes; ``about`` adds (item, value) lines to 说明 (who issued it …)."""
    book = Workbook()
    _overview(book.active, report)
    _breakdowns(book.create_sheet("分类统计"), report)
    _handoffs(book.create_sheet("三调对接"), report)
    _hotspots(book.create_sheet("风险热点"), report)
    _overdue(book.create_sheet("超期清单"), report)
    _trend(book.create_sheet("趋势"), report)
    _notes(book.create_sheet("说明"), report, about)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def title_of(report: Mapping[str, Any]) -> str:
    period = report["period"]
    return f"{report['region']['name']}{period['label']}{period['kind']}"


def _header(sheet: Worksheet, cells: Iterable[str]) -> None:
    append_text_safe(sheet, list(cells))
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL


def _formats(sheet: Worksheet, formats: Mapping[int, str]) -> None:
    """Number formats for the last row's columns (1-based)."""
    row = sheet.max_row
    for column, pattern in formats.items():
        sheet.cell(row=row, column=column).number_format = pattern


def _widths(sheet: Worksheet, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _value_format(unit: str) -> str:
    return PERCENT if unit == RATE_UNIT else (DAYS if unit == DAYS_UNIT else "0")


def _overview(sheet: Worksheet, report: Mapping[str, Any]) -> None:
    sheet.title = "概况"
    append_text_safe(sheet, [title_of(report)])
    sheet["A1"].font = TITLE
    append_text_safe(
        sheet, ["统计区域", report["region"]["name"], "周期", report["period"]["label"]]
    )
    append_text_safe(sheet, [])
    _header(
        sheet,
        ["指标", "单位", "本期", "上期", "环比", "去年同期", "同比", "分子", "分母"],
    )
    rates = report.get("rates", {})
    for item in report["headline"]:
        unit = item["unit"]
        rate = rates.get(item["key"]) or {}
        append_text_safe(
            sheet,
            [
                item["label"],
                unit,
                item["value"],
                item["previous"],
                _points(item["mom"], unit),
                item["year_ago"],
                _points(item["yoy"], unit),
                rate.get("n"),
                rate.get("d"),
            ],
        )
        value, change = _value_format(unit), POINTS if unit == RATE_UNIT else CHANGE_PERCENT
        _formats(sheet, {3: value, 4: value, 5: change, 6: value, 7: change})
    _widths(sheet, (16, 8, 12, 12, 16, 12, 16, 10, 10))


def _points(delta: float | None, unit: str) -> float | None:
    """A rate's change in points as a number of points (Excel shows ``+3.2个百分点``)."""
    if delta is None or unit != RATE_UNIT:
        return delta
    return round(delta * 100, 4)


def _rate_value(rate: Mapping[str, Any] | float | None) -> float | None:
    return rate.get("value") if isinstance(rate, Mapping) else rate


def _breakdowns(sheet: Worksheet, report: Mapping[str, Any]) -> None:
    rates = rate_columns(report, ROW_RATES)
    for key, title in BREAKDOWNS.items():
        append_text_safe(sheet, [title])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
        _header(sheet, ["项目", "受理数", "办结数", "化解数", *(label for _, label in rates)])
        for row in report["breakdowns"][key]:
            append_text_safe(
                sheet,
                [
                    str(row["key"]),
                    row["received"],
                    row["concluded"],
                    row["resolved"],
                    *(_rate_value(row.get(k)) for k, _ in rates),
                ],
            )
            _formats(sheet, {5 + i: PERCENT for i in range(len(rates))})
        append_text_safe(sheet, [])
    _widths(sheet, (24, 10, 10, 10, 10, 12))


def _handoffs(sheet: Worksheet, report: Mapping[str, Any]) -> None:
    rates = rate_columns(report, HANDOFF_RATES)
    header = ["对接类型", "推送数", "办结数", "化解数", "退回数"]
    for _, label in rates:
        header += [label, f"{label}分子", f"{label}分母"]
    _header(sheet, header)
    for row in report["handoffs"]:
        cells = [row["handoff"], row["pushed"], row["concluded"], row["resolved"], row["returned"]]
        for key, _ in rates:
            rate = row.get(key) or {}
            cells += [rate.get("value"), rate.get("n"), rate.get("d")]
        append_text_safe(sheet, cells)
        _formats(sheet, {6 + 3 * i: PERCENT for i in range(len(rates))})
    _widths(sheet, (10, 8, 8, 8, 8, *([13, 15, 15] * len(rates))))


def _hotspots(sheet: Worksheet, report: Mapping[str, Any]) -> None:
    append_text_safe(sheet, ["在办案件风险等级（统计时点）"])
    sheet.cell(row=1, column=1).font = BOLD
    _header(sheet, ["风险等级", "在办案件数"])
    for colour, count in report["risk_open"].items():
        append_text_safe(sheet, [f"{colour}色", count])
    append_text_safe(sheet, [])
    append_text_safe(sheet, ["上升最快的纠纷类型（本期与上期受理数比较）"])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    _header(sheet, ["纠纷类型", "本期受理", "上期受理", "增加", "增幅"])
    for row in report["hotspots"]:
        append_text_safe(
            sheet, [row["type"], row["current"], row["previous"], row["change"], row["growth"]]
        )
        _formats(sheet, {5: CHANGE_PERCENT})
    _widths(sheet, (26, 12, 10, 8, 10))


def _overdue(sheet: Worksheet, report: Mapping[str, Any]) -> None:
    _header(
        sheet,
        ["案件编号", "纠纷类型", "区域", "层级", "承办单位", "风险等级", "办理期限", "超期工作日"],
    )
    for row in report["overdue"]:
        append_text_safe(
            sheet,
            [
                row["code"],
                row["type"],
                row["region"],
                row["level"],
                row["owner_unit"],
                row["risk_colour"],
                local_time(row["due_at"]),
                row["overdue_working_days"],
            ],
        )
    _widths(sheet, (24, 16, 16, 12, 22, 8, 18, 10))


def _trend(sheet: Worksheet, report: Mapping[str, Any]) -> None:
    rates = rate_columns(report, ROW_RATES)
    _header(sheet, ["周期", "开始日期", "结束日期", "受理数", "化解数", *(lb for _, lb in rates)])
    for row in report["trend"]:
        append_text_safe(
            sheet,
            [
                row["label"],
                row["first"],
                row["last"],
                row["received"],
                row["resolved"],
                *(_rate_value(row.get(k)) for k, _ in rates),
            ],
        )
        _formats(sheet, {6 + i: PERCENT for i in range(len(rates))})
    _widths(sheet, (36, 12, 12, 10, 10, 10, 12))


def _notes(sheet: Worksheet, report: Mapping[str, Any], about: list[tuple[str, str]]) -> None:
    period = report["period"]
    lines = [
        ("报表", title_of(report)),
        ("统计区域", f"{report['region']['name']}（{report['region']['level']}，含下级区域）"),
        ("周期", f"{period['label']}（{period['first']} 至 {period['last']}）"),
        ("统计时点", f"{local_time(report['as_of'], '%Y-%m-%d %H:%M:%S')}（北京时间）"),
        *about,
        ("个人信息", NO_PERSONAL_DATA),
    ]
    for item, text in lines:
        append_text_safe(sheet, [item, text])
        sheet.cell(row=sheet.max_row, column=1).font = BOLD
    append_text_safe(sheet, [])
    _header(sheet, ["指标", "口径"])
    for item in report["headline"]:
        append_text_safe(sheet, [item["label"], DEFINITIONS.get(item["key"], "")])
    append_text_safe(sheet, [])
    notes = CHANGE_NOTES
    if "received_resolution_rate" in report.get("rates", {}):
        notes = (PUBLISHED_NOTE, *notes)
    for note in notes:
        append_text_safe(sheet, ["说明", note])
    _widths(sheet, (16, 100))
    for row in sheet.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
