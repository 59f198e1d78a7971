"""The scheduler's report job: issue the reports that are due, raise and start the alerts.

Runs in the scheduler process beside the timer poll (``webapp.cli.server``), first at
start-up, so reports missed while no scheduler ran are issued then. Times come from the
engine's clock, so tests drive them.
"""

from __future__ import annotations

import logging

from engine import Engine

from .alerts import raise_alerts, start_pending
from .snapshots import issue_due

log = logging.getLogger(__name__)


def poll_reports(engine: Engine) -> int:
    """One round: issue every due scheduled report (raising the alerts of county weekly
    reports in each report's transaction), then start the alerts not started yet.
    Returns how many reports this round issued."""
    now = engine.clock.now()

    def after_issue(session, snapshot) -> None:
        raise_alerts(session, snapshot, decide=engine.decide, now=now)

    issued = issue_due(
        engine.session_factory, now, record=engine.record_operation, after_issue=after_issue
    )
    started = start_pending(engine)
    if issued or started:
        log.info("issued %d report(s), started %d risk alert(s)", issued, started)
    return issued
