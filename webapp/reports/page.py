"""What the report templates (``reports/_report.html``) receive: one ``ReportPage`` built
from a report dict, be it computed for the dashboard or a snapshot's stored copy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.models import Case
from processes.reports.metrics import FIGURES

from ..scope import in_scope
from ..security import CASE_READERS, has_any_role
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
from .presenter import RISK_COLOURS, Card, cards, chart_data, growth_text, rate_text

OVERDUE_SHOWN = 200


@dataclass(frozen=True)
class ReportPage:
    report: Mapping[str, Any]
    cards: list[Card]
    charts: dict[str, Any]
    case_links: dict[str, str]
    """The overdue cases' pages by case code (empty for users who may not open cases)."""

    @property
    def region(self) -> Mapping[str, Any]:
        return self.report["region"]

    @property
    def period(self) -> Mapping[str, Any]:
        return self.report["period"]

    @property
    def breakdowns(self) -> list[tuple[str, str, list[Mapping[str, Any]]]]:
        """(key, title, rows) of each breakdown, in the pages' order."""
        return [(key, title, self.report["breakdowns"][key]) for key, title in BREAKDOWNS.items()]

    def card(self, key: str) -> Card | None:
        return next((card for card in self.cards if card.key == key), None)

    @property
    def risk_rows(self) -> list[tuple[str, int, int]]:
        """(colour, open cases as of the report's moment, cases received in the period)."""
        received = {row["key"]: row["received"] for row in self.report["breakdowns"]["risk"]}
        return [
            (colour, self.report["risk_open"].get(colour, 0), received.get(colour, 0))
            for colour in RISK_COLOURS
        ]

    @property
    def definitions(self) -> list[tuple[str, str]]:
        """(label, definition) of each headline figure."""
        return [
            (item["label"], DEFINITIONS.get(item["key"], "")) for item in self.report["headline"]
        ]

    @staticmethod
    def definition(key: str) -> str:
        """The figure's 口径 (``processes.reports.metrics.FIGURES``)."""
        return DEFINITIONS.get(key, "")

    @property
    def row_rates(self) -> list[tuple[str, str]]:
        """(key, label) of the rates the breakdowns' rows hold (化解率, 办结化解率)."""
        return rate_columns(self.report, ROW_RATES)

    @property
    def handoff_rates(self) -> list[tuple[str, str]]:
        """(key, label) of the rates the hand-offs' rows hold."""
        return rate_columns(self.report, HANDOFF_RATES)

    def secondary(self, key: str) -> bool:
        """Whether ``key`` is a second definition beside a published figure, in this
        report (a report stored before has ``resolution_rate`` as its 化解率)."""
        return self.published and key in FIGURES and FIGURES[key].variant_of is not None

    @property
    def published(self) -> bool:
        """Whether the report has 化解率 as published (one stored before has not)."""
        return "received_resolution_rate" in self.report.get("rates", {})

    change_notes = CHANGE_NOTES
    published_note = PUBLISHED_NOTE
    privacy_note = NO_PERSONAL_DATA
    rate = staticmethod(rate_text)
    growth = staticmethod(growth_text)


def report_page(
    session: Session, report: Mapping[str, Any], *, scope: frozenset[str] | None
) -> ReportPage:
    codes = [row["code"] for row in report["overdue"][:OVERDUE_SHOWN] if row.get("code")]
    return ReportPage(
        report=report,
        cards=cards(report),
        charts=chart_data(report),
        case_links=case_links(session, codes, scope),
    )


def case_links(session: Session, codes: Iterable[str], scope: frozenset[str] | None) -> dict:
    """Each code's case page, for users who may open cases (and only cases in scope)."""
    codes = sorted(set(codes))
    if not codes or "cases.show" not in current_app.view_functions:
        return {}
    if not has_any_role(CASE_READERS):
        return {}
    query = select(Case.code, Case.id).where(
        Case.code.in_(codes), in_scope(Case.region_code, scope)
    )
    return {
        code: url_for("cases.show", case_id=case_id) for code, case_id in session.execute(query)
    }
