"""The history search returns exactly the rows a plain filter finds, newest first, however
the pages are walked (forward by ``before``, back by ``after``) and whatever filters and
time range are combined."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from engine import history_plan
from engine.history import PendingEvent, append
from engine.history_search import HistoryQuery, HistoryRow, iter_rows, search
from tests.conftest import MONDAY_9AM

ACTORS = ["li", "wang", "zhao"]
LANES = ["网格员", "村调委会", None]
TYPES = ["task_completed", "task_ready", "case_routed", "timer_fired"]


@pytest.fixture
def events(engine) -> list[PendingEvent]:
    """300 events over ten days, times a little out of order now and then."""
    rng = random.Random(7)
    made = []
    for n in range(300):
        at = MONDAY_9AM + timedelta(hours=0.8 * n + rng.choice([0, 0, 0, -2]))
        made.append(
            PendingEvent(
                event_type=rng.choice(TYPES),
                at=at,
                actor=rng.choice(ACTORS),
                instance_id=rng.choice([1, 2, 3, None]),
                process_id=rng.choice(["case_main", "ladder"]),
                version_id=rng.choice([1, 2]),
                lane=rng.choice(LANES),
                data={"n": n},
            )
        )
    with engine.session_factory() as session:
        append(session, made)
        session.commit()
    return made


def expected(events: list[PendingEvent], query: HistoryQuery) -> list[int]:
    def keep(event: PendingEvent) -> bool:
        checks = [
            not query.instance_ids or event.instance_id in query.instance_ids,
            query.actor in (None, event.actor),
            query.lane in (None, event.lane),
            query.event_type in (None, event.event_type),
            query.version_id in (None, event.version_id),
            query.process_id in (None, event.process_id),
            query.since is None or event.at >= query.since,
            query.until is None or event.at < query.until,
        ]
        return all(checks)

    return [seq for seq, event in reversed(list(enumerate(events, 1))) if keep(event)]


def walk(session, query: HistoryQuery, limit: int) -> list[HistoryRow]:
    pages = [search(session, query, limit=limit)]
    while pages[-1].older is not None:
        pages.append(search(session, query, before=pages[-1].older, limit=limit))
    back = [pages[-1]]
    while back[-1].newer is not None:
        back.append(search(session, query, after=back[-1].newer, limit=limit))
    forward = [[r.seq for r in page.rows] for page in pages]
    assert forward[::-1] == [[r.seq for r in page.rows] for page in back], "back = forward"
    return [row for page in pages for row in page.rows]


DAY = timedelta(days=1)
QUERIES = [
    HistoryQuery(),
    HistoryQuery(actor="li"),
    HistoryQuery(instance_ids=(2,)),
    HistoryQuery(instance_ids=(1, 3)),
    HistoryQuery(lane="网格员", event_type="task_completed"),
    HistoryQuery(version_id=2, process_id="ladder"),
    HistoryQuery(since=MONDAY_9AM + 2 * DAY, until=MONDAY_9AM + 3 * DAY),
    HistoryQuery(actor="wang", since=MONDAY_9AM + 4 * DAY),
    HistoryQuery(event_type="timer_fired", until=MONDAY_9AM + 5 * DAY),
    HistoryQuery(since=MONDAY_9AM + 30 * DAY),
]


@pytest.mark.parametrize("query", QUERIES)
def test_pages_hold_exactly_the_matching_rows_newest_first(engine, events, query):
    with engine.session_factory() as session:
        found = [row.seq for row in walk(session, query, limit=7)]
        exported = [row.seq for row in iter_rows(session, query, cap=10_000, batch=9)]
    assert found == expected(events, query)
    assert exported == found


def test_an_export_stops_at_its_cap(engine, events):
    with engine.session_factory() as session:
        rows = list(iter_rows(session, HistoryQuery(), cap=25, batch=10))
    assert [row.seq for row in rows] == list(range(300, 275, -1))


def test_the_answer_does_not_depend_on_which_filter_leads(engine, events, monkeypatch):
    monkeypatch.setattr(history_plan, "PROBE_CAP", 3)  # every probe ties: order decides
    with engine.session_factory() as session:
        for query in QUERIES:
            assert [row.seq for row in walk(session, query, limit=11)] == expected(events, query)
