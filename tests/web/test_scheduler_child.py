"""The scheduler child beside gunicorn: restarted when it stops beating, not only when it
exits, and its real exit signal reported."""

from __future__ import annotations

import signal
import sys
import threading
import time

from webapp.cli.server import HEARTBEAT_ENV, SchedulerChild, exit_description, heartbeat


class _Log:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()

    def _add(self, message: str, *args) -> None:
        with self.changed:
            self.lines.append(message % args)
            self.changed.notify_all()

    info = warning = error = _add

    def wait_for(self, text: str, timeout: float = 20, times: int = 1) -> list[str]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while sum(text in line for line in self.lines) < times:
                left = deadline - time.monotonic()
                assert left > 0, f"no log line with {text!r}: {self.lines}"
                self.changed.wait(left)
        return self.lines


class _Server:
    def __init__(self) -> None:
        self.log = _Log()


def _child(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_child_that_stops_beating_is_killed_and_restarted():
    # Beats once, then hangs as a scheduler stuck inside a step would.
    stuck = (
        f"import os, pathlib, time; pathlib.Path(os.environ['{HEARTBEAT_ENV}']).touch(); "
        "time.sleep(600)"
    )
    child = SchedulerChild(stale_seconds=1.0, restart_delay=0.1, command=_child(stuck))
    server = _Server()
    child.start(server)
    try:
        first = child._proc
        lines = server.log.wait_for("已启动", times=2)
        assert any("没有心跳，强制结束后重新启动" in line for line in lines)
        assert any("被信号 SIGKILL 结束" in line for line in lines)
        assert child._proc is not first
    finally:
        child.stop(server)
    assert not child.heartbeat.exists()


def test_a_beating_child_is_left_alone_and_a_killed_one_reports_its_signal():
    beating = (
        "import os, pathlib, time\n"
        f"p = pathlib.Path(os.environ['{HEARTBEAT_ENV}'])\n"
        "while True:\n    p.touch(); time.sleep(0.2)"
    )
    child = SchedulerChild(stale_seconds=1.0, restart_delay=0.1, command=_child(beating))
    server = _Server()
    child.start(server)
    try:
        time.sleep(2.5)
        assert not any("重新启动" in line for line in server.log.lines)
        child._proc.send_signal(signal.SIGTERM)
        server.log.wait_for("被信号 SIGTERM 结束")
    finally:
        child.stop(server)


def test_exit_descriptions_and_heartbeat_file(tmp_path):
    assert exit_description(1) == "退出码 1"
    assert exit_description(-9) == "被信号 SIGKILL 结束"
    assert heartbeat(None) is None
    beat = heartbeat(str(tmp_path / "beat"))
    beat()
    assert (tmp_path / "beat").exists()
