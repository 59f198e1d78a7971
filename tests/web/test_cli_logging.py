"""The command line's logging: the application's events at ZONGZHI_LOG_LEVEL, the
libraries' chatter (SpiffWorkflow's task state changes, APScheduler's polls) at WARNING
unless asked for."""

from __future__ import annotations

import logging

import pytest

from webapp.cli import QUIETED, quiet_libraries


@pytest.fixture(autouse=True)
def restore_levels():
    names = QUIETED
    before = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


def test_the_libraries_stay_quiet_at_info(monkeypatch):
    monkeypatch.delenv("ZONGZHI_LIBRARY_LOG_LEVEL", raising=False)
    quiet_libraries(logging.INFO)
    assert not logging.getLogger("spiff.task").isEnabledFor(logging.INFO)
    assert not logging.getLogger("apscheduler.scheduler").isEnabledFor(logging.INFO)
    assert logging.getLogger("spiff.task").isEnabledFor(logging.WARNING)


def test_the_libraries_speak_when_asked_but_never_below_the_application(monkeypatch):
    monkeypatch.setenv("ZONGZHI_LIBRARY_LOG_LEVEL", "debug")
    quiet_libraries(logging.INFO)
    assert logging.getLogger("spiff.workflow").isEnabledFor(logging.INFO)
    assert not logging.getLogger("spiff.workflow").isEnabledFor(logging.DEBUG)
    monkeypatch.setenv("ZONGZHI_LIBRARY_LOG_LEVEL", "nonsense")
    quiet_libraries(logging.INFO)
    assert not logging.getLogger("spiff.data").isEnabledFor(logging.INFO)


def test_spiffworkflow_builds_no_debug_extras_for_a_line_nobody_reads(monkeypatch):
    """SpiffWorkflow reads its own loggers' levels (not the effective ones) to decide
    whether every state change's log extras carry the task data and a completed
    workflow's the ids of its whole tree: quieted, none of its loggers is left below INFO."""
    monkeypatch.delenv("ZONGZHI_LIBRARY_LOG_LEVEL", raising=False)
    quiet_libraries(logging.DEBUG)
    for name in ("spiff.task", "spiff.workflow", "spiff.data"):
        assert logging.getLogger(name).level >= logging.INFO
