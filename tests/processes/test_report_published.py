"""化解率 and 调解成功率 as the province publishes them, on the 山丹 county's own figures.

The 山丹 article (``/work/shared/seeds/002_*.txt``): "2024年1-7月，全县各级综治中心对接化解纠纷
1955件、化解率达78.1%，山丹县法院民商事案件及行政立案数2438件，分流综治中心1907件，诉调对接
分流率78.2%，调解成功1407件，调解成功率73.8%；警调对接578件，调处化解530件，调解成功率91.6%；
访调对接18件，化解18件". So the 三调 received 1907 + 578 + 18 = 2503 and resolved
1407 + 530 + 18 = 1955: 化解率 1955 / 2503 = 78.1%; 诉调 调解成功率 1407 / 1907 = 73.8%; 分流率
1907 / 2438 = 78.2%. (警调 530 / 578 is 91.7% rounded; the article prints 91.6%.)

The data set below is those counts, inserted in bulk, with what must not count beside them:
诉调 cases received in December 2023 and settled in January, cases resolved after July but
before the report (they count: resolved by the report) or after the report (they do not),
a cancelled case, and another county's cases.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from processes.models import Case, CourtFiling, Mediation, Region
from processes.reports import metrics
from processes.reports.periods import Period
from processes.reports.regions import descendants
from processes.reports.report import build_report
from tests.processes.report_data import bj

CITY, SHANDAN, GANZHOU = "6207", "620725", "620702"
JANUARY_TO_JULY = Period.custom(date(2024, 1, 1), date(2024, 7, 31))
AS_OF = bj(2024, 8, 10)
"""The article's report: the first seven months of 2024, written in August."""
AGREED, FAILED = "达成协议", "调解不成"


def _shown(rate) -> str:
    """A rate as the dashboard shows it."""
    return f"{rate['value'] * 100:.1f}%"


def _case(channel: str, received: datetime, status: str, **fields) -> dict:
    return {
        "channel": channel,
        "dispute_type": "04",
        "summary": "合同纠纷",
        "region_code": SHANDAN,
        "risk_colour": "绿",
        "status": status,
        "level": "调解员",
        "received_at": received,
        "received_by": "县综治中心",
        **fields,
    }


def _received(i: int) -> datetime:
    """The i-th case's receipt: spread over 1 January - 30 June 2024, Beijing time."""
    return bj(2024, 1, 1) + timedelta(days=i % 182, hours=i % 9)


def _agreed(channel: str, count: int, *, start: int = 0, settle_days: int = 12):
    """``count`` cases of ``channel`` settled by agreement ``settle_days`` after receipt."""
    for i in range(start, start + count):
        received = _received(i)
        done = received + timedelta(days=settle_days)
        yield _case(channel, received, "已化解", resolved_at=done), (channel, AGREED, done)


def _failed(channel: str, count: int, *, outcome: str | None):
    """``count`` cases returned to their source: after a failed mediation, or at once as
    unfit for mediation (``outcome`` None: no mediation row)."""
    for i in range(count):
        received = _received(i)
        closed = received + timedelta(days=20)
        case = _case(channel, received, "已退回", closed_at=closed)
        yield case, ((channel, outcome, None) if outcome else None)


def _late(channel: str, count: int, settled: datetime):
    """``count`` cases received in late July and settled by agreement on ``settled``."""
    for i in range(count):
        received = bj(2024, 7, 20 + i % 10, 9)
        yield _case(channel, received, "已化解", resolved_at=settled), (channel, AGREED, settled)


def shandan_rows():
    """(case row, (hand-off, outcome, agreed at) or None) of the whole data set."""
    court = [
        *_agreed("诉调", 1307),
        *_late("诉调", 100, bj(2024, 8, 5)),  # agreed after July, before the report
        *_failed("诉调", 300, outcome=FAILED),
        *_failed("诉调", 120, outcome=None),  # returned at once: not fit for mediation
        *_late("诉调", 10, bj(2024, 8, 20)),  # agreed after the report was written
    ]
    court += [  # still in mediation when the report was written
        (_case("诉调", _received(i), "办理中"), ("诉调", None, None)) for i in range(70)
    ]
    assert len(court) == 1907
    police = [*_agreed("警调", 530), *_failed("警调", 48, outcome=FAILED)]
    petition = list(_agreed("访调", 18))
    noise = [  # received in December 2023, agreed in January: in 化解数, not in 化解率
        (_case("诉调", bj(2023, 12, 20), "已化解", resolved_at=bj(2024, 1, 5)),
         ("诉调", AGREED, bj(2024, 1, 5)))
        for _ in range(50)
    ]  # fmt: skip
    noise.append((_case("诉调", bj(2024, 3, 1), "已撤销", closed_at=bj(2024, 3, 2)), None))
    other_county = [
        (_case("警调", _received(i), "办理中", region_code=GANZHOU), None) for i in range(40)
    ]
    return [*court, *police, *petition, *noise, *other_county]


def seed_shandan(session: Session) -> None:
    session.add_all(
        [
            Region(code=CITY, name="张掖市", level="市", parent_code=None),
            Region(code=SHANDAN, name="山丹县", level="县", parent_code=CITY),
            Region(code=GANZHOU, name="甘州区", level="县", parent_code=CITY),
        ]
    )
    session.flush()
    # the court's first-instance civil filings, January to July: 6 × 348 + 350 = 2438
    session.add_all(
        CourtFiling(
            region_code=SHANDAN, month=date(2024, month, 1), civil_cases=348 + 2 * (month == 7),
            entered_by="县综治中心", entered_at=bj(2024, 8, 1),
        )
        for month in range(1, 8)
    )  # fmt: skip
    session.flush()
    rows = shandan_rows()
    for n, (case, _) in enumerate(rows):
        case["code"] = f"SD-{n:05d}"
    ids = session.scalars(
        insert(Case).returning(Case.id, sort_by_parameter_order=True), [c for c, _ in rows]
    ).all()
    mediations = [
        {"case_id": case_id, "handoff": handoff, "outcome": outcome, "agreement_at": agreed_at}
        for case_id, (_, mediation) in zip(ids, rows, strict=True)
        if mediation is not None
        for handoff, outcome, agreed_at in [mediation]
    ]
    session.execute(insert(Mediation), mediations)
    session.flush()


@pytest.fixture
def session(sa_engine):
    with Session(sa_engine) as session:
        seed_shandan(session)
        session.commit()
        yield session


def test_the_shandan_figures_as_published(session):
    report = build_report(session, region_code=SHANDAN, period=JANUARY_TO_JULY, as_of=AS_OF)
    rates = report["rates"]
    # 化解率: of the 2503 三调 matters received, 1955 resolved by the report (100 of them
    # in August); not the 50 received in December, nor the 10 agreed after 10 August
    assert rates["received_resolution_rate"] == metrics.rate(1955, 2503)
    assert _shown(rates["received_resolution_rate"]) == "78.1%"
    # 调解成功率 over the three hand-offs: every one of those 1955 was an agreement
    assert rates["received_mediation_success_rate"] == metrics.rate(1955, 2503)
    court, police, petition = report["handoffs"]
    assert (court["handoff"], court["pushed"]) == ("诉调", 1907)
    assert court["received_mediation_success_rate"] == metrics.rate(1407, 1907)
    assert _shown(court["received_mediation_success_rate"]) == "73.8%"
    assert court["received_resolution_rate"] == metrics.rate(1407, 1907)
    assert _shown(court["diversion_rate"]) == "78.2%"  # 1907 / 2438
    assert _shown(police["received_mediation_success_rate"]) == "91.7%"  # 530 / 578
    assert petition["received_mediation_success_rate"] == metrics.rate(18, 18)
    headline = {row["key"]: row for row in report["headline"]}
    assert headline["received_resolution_rate"]["label"] == "化解率"
    assert headline["received_mediation_success_rate"]["label"] == "调解成功率"


def test_the_figures_over_concluded_cases_stay_under_their_own_names(session):
    report = build_report(session, region_code=SHANDAN, period=JANUARY_TO_JULY, as_of=AS_OF)
    headline = {row["key"]: row for row in report["headline"]}
    # 化解数: resolved January-July = 1307 + 530 + 18 of the period's receipts (the 100
    # agreed in August are not) and the 50 received in December = 1905; 办结数 adds the
    # 468 returned (诉调 300 failed + 120 unfit, 警调 48 failed)
    assert (headline["resolved"]["value"], headline["concluded"]["value"]) == (1905, 2373)
    assert headline["resolution_rate"]["label"] == "办结化解率"
    assert report["rates"]["resolution_rate"] == metrics.rate(1905, 2373)  # 80.3%
    # 结案调解成功率: concluded with a mediation outcome: 1905 agreed + 348 failed; the
    # 120 returned at once have no outcome
    assert headline["mediation_success_rate"]["label"] == "结案调解成功率"
    assert report["rates"]["mediation_success_rate"] == metrics.rate(1905, 2253)  # 84.6%
    assert headline["resolution_rate"]["variant_of"] == "received_resolution_rate"


def test_the_metric_functions_agree_and_count_up_to_the_moment_given(session):
    regions = descendants(session, SHANDAN)
    figures = {
        "regions": regions,
        "period": JANUARY_TO_JULY,
    }
    assert metrics.received_resolution_rate(session, **figures, as_of=AS_OF)["n"] == 1955
    assert metrics.received_mediation_success_rate(session, **figures, as_of=AS_OF)["n"] == 1955
    # written on 1 August: the 100 agreed on 5 August were not resolved yet
    first = bj(2024, 8, 1)
    assert metrics.received_resolution_rate(session, **figures, as_of=first) == metrics.rate(
        1855, 2503
    )
    assert metrics.received_mediation_success_rate(session, **figures, as_of=first)["n"] == 1855
    # and on 1 September the 10 agreed on 20 August count too
    later = bj(2024, 9, 1)
    assert metrics.received_resolution_rate(session, **figures, as_of=later)["n"] == 1965
    assert metrics.resolution_rate(session, **figures) == metrics.rate(1905, 2373)
    assert metrics.mediation_success_rate(session, **figures) == metrics.rate(1905, 2253)
