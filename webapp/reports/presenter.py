"""A report (the dict ``processes.reports.report.build_report`` returns, or a snapshot's
stored copy of it) as the pages show it: headline cards with their 环比/同比 arrows
coloured good or bad, the charts' data for ``reports_charts.js``, the tables' rows.

Nothing here computes a figure: it formats what the report holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .definitions import BETTER_WHEN

RATE_UNIT = "%"
DAYS_UNIT = "工作日"
FLAT = 1e-9
RISK_COLOURS = ("红", "黄", "绿")


@dataclass(frozen=True)
class Change:
    """A 环比 or 同比 change as shown: text, arrow and whether it is good news."""

    text: str
    arrow: str
    tone: str
    """``good``, ``bad``, ``flat``, ``neutral`` (a change neither good nor bad) or ``none``."""


NO_CHANGE = Change("—", "", "none")


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    unit: str
    value: str
    ratio: str
    """The rate's numerator / denominator (``""`` for counts and days)."""
    mom: Change
    yoy: Change
    secondary: bool = False
    """A second definition shown beside a published figure (办结化解率 beside 化解率)."""


def number_text(value: float | None, unit: str) -> str:
    """A figure as shown: rates as percentages, days with one decimal, counts whole."""
    if value is None:
        return "—"
    if unit == RATE_UNIT:
        return f"{value * 100:.1f}%"
    if unit == DAYS_UNIT:
        return f"{value:.1f}"
    return f"{int(value)}"


def change(key: str, unit: str, delta: float | None) -> Change:
    """``delta`` is a difference in points for rates, a relative change otherwise."""
    if delta is None:
        return NO_CHANGE
    if abs(delta) < FLAT:
        return Change("持平", "→", "flat")
    text = f"{delta * 100:+.1f}个百分点" if unit == RATE_UNIT else f"{delta * 100:+.1f}%"
    better = BETTER_WHEN.get(key, 0)
    tone = "neutral" if better == 0 else ("good" if (delta > 0) == (better > 0) else "bad")
    return Change(text, "↑" if delta > 0 else "↓", tone)


def ratio_text(rate: Mapping[str, Any] | None) -> str:
    return f"{rate['n']} / {rate['d']}" if rate else ""


def cards(report: Mapping[str, Any]) -> list[Card]:
    rates = report.get("rates", {})
    return [
        Card(
            key=item["key"],
            label=item["label"],
            unit=item["unit"],
            value=number_text(item["value"], item["unit"]),
            ratio=ratio_text(rates.get(item["key"])),
            mom=change(item["key"], item["unit"], item["mom"]),
            yoy=change(item["key"], item["unit"], item["yoy"]),
            secondary=bool(item.get("variant_of")),
        )
        for item in report["headline"]
    ]


def published_rate(row: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A row's 化解率 (over the cases received); a report stored before it existed has only
    the rate over concluded cases, which was its 化解率 then."""
    return row.get("received_resolution_rate", row.get("resolution_rate"))


def percent(rate: Mapping[str, Any] | float | None) -> float | None:
    """A rate (a Rate dict or a fraction) in percent, one decimal, for a chart's axis."""
    value = rate.get("value") if isinstance(rate, Mapping) else rate
    return None if value is None else round(value * 100, 1)


def rate_text(rate: Mapping[str, Any] | float | None) -> str:
    value = rate.get("value") if isinstance(rate, Mapping) else rate
    return number_text(value, RATE_UNIT)


def short_label(kind: str, first: str, last: str) -> str:
    """A trend period's label for a chart's axis (the full label is in the tooltip)."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if kind == "日汇总":
        return f"{start.month}/{start.day}"
    if kind == "周研判":
        year, week, _ = start.isocalendar()
        return f"{year % 100}年{week}周"
    if kind == "月总结":
        return f"{start.year % 100}年{start.month}月"
    if kind == "季汇报":
        return f"{start.year % 100}年Q{(start.month - 1) // 3 + 1}"
    return f"{start.month}/{start.day}-{end.month}/{end.day}"


def _rows(rows: list[Mapping[str, Any]], *fields: str) -> dict[str, list[Any]]:
    data: dict[str, list[Any]] = {"labels": [str(row["key"]) for row in rows]}
    for name in fields:
        data[name] = [row.get(name) for row in rows]
    return data


def _any(row: Mapping[str, Any]) -> bool:
    """Whether a breakdown row counts anything (the type chart leaves out idle types; its
    table lists them all)."""
    return bool(row["received"] or row["concluded"] or row["resolved"])


def chart_data(report: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the charts draw, as plain lists (``reports_charts.js`` reads it)."""
    kind = report["period"]["kind"]
    trend = report["trend"]
    breakdowns = report["breakdowns"]
    region = _rows(breakdowns["region"], "received", "resolved")
    region["rate"] = [percent(published_rate(row)) for row in breakdowns["region"]]
    handoffs = report["handoffs"]
    return {
        "trend": {
            "labels": [short_label(kind, row["first"], row["last"]) for row in trend],
            "titles": [row["label"] for row in trend],
            "received": [row["received"] for row in trend],
            "resolved": [row["resolved"] for row in trend],
            "rate": [percent(published_rate(row)) for row in trend],
        },
        "type": _rows([row for row in breakdowns["type"] if _any(row)], "received", "resolved"),
        "channel": _rows(breakdowns["channel"], "received", "resolved"),
        "level": _rows(breakdowns["level"], "resolved"),
        "region": region,
        "handoff": {
            "labels": [row["handoff"] for row in handoffs],
            "pushed": [row["pushed"] for row in handoffs],
            "resolved": [row["resolved"] for row in handoffs],
            "returned": [row["returned"] for row in handoffs],
        },
        "risk": [
            {"name": f"{colour}色", "colour": colour, "value": report["risk_open"].get(colour, 0)}
            for colour in RISK_COLOURS
        ],
    }


def growth_text(growth: float | None) -> str:
    return "新出现" if growth is None else f"{growth * 100:+.1f}%"
