"""``zongzhi serve`` killed with SIGKILL leaves no process behind, and a new one gets the
port back; a scheduler whose master is already gone does not start; a scheduler killed
under the real gunicorn arbiter is logged with its signal.

Real processes on a free local port with a temporary SQLite file; Linux only (``/proc``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)"
)

STARTUP_SECONDS = 20
GONE_SECONDS = 5


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ZONGZHI_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "ZONGZHI_SECRET_KEY": "serve-lifeline-test",
        "ZONGZHI_LOG_LEVEL": "WARNING",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _running(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _tree(root: int) -> set[int]:
    """``root`` and all its living descendants."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[0] != "Z":
            parents[int(entry.name)] = stat[1]
    found, todo = {root}, [root]
    while todo:
        parent = todo.pop()
        children = {pid for pid, ppid in parents.items() if ppid == parent} - found
        found |= children
        todo.extend(children)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    return inodes


def _holders(pids: set[int], port: int) -> set[int]:
    """Which of ``pids`` hold the socket listening on ``port``."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    holders = set()
    for pid in pids:
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if links & wanted:
            holders.add(pid)
    return holders


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


class Serve:
    """One ``zongzhi serve`` in its own process group, its output in a file."""

    def __init__(self, tmp_path: Path, port: int, name: str) -> None:
        self.port = port
        self.log = tmp_path / f"{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "webapp.cli", "serve", "--port", str(port)],
                env=_env(tmp_path),
                cwd=tmp_path,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.seen: set[int] = {self.proc.pid}

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, schedulers_started: int = 1) -> int:
        """Wait for /healthz, two workers and a running scheduler; the scheduler's pid."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            tree = _tree(self.proc.pid)
            self.seen |= tree
            schedulers = [pid for pid in tree if "scheduler" in _cmdline(pid)]
            started = self.output().count("定时器调度已启动") >= schedulers_started
            if len(tree) == 4 and schedulers and started and _healthy(self.port):
                return schedulers[0]
            time.sleep(0.2)
        pytest.fail(f"serve did not come up: {self.output()}")

    def cleanup(self) -> None:
        for pid in self.seen:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait()


def _wait_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + GONE_SECONDS
    left = pids
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = {pid for pid in left if _running(pid)}
    return left


def test_kill_9_of_the_master_leaves_nothing_and_the_port_comes_back(tmp_path):
    port = _free_port()
    first = Serve(tmp_path, port, "first")
    second = None
    try:
        scheduler = first.wait_ready()
        # A scheduler killed outright is logged as such and replaced.
        os.kill(scheduler, signal.SIGKILL)
        scheduler = first.wait_ready(schedulers_started=2)
        assert "定时器调度进程意外结束（被信号 SIGKILL 结束），正在重新启动" in first.output()
        tree = _tree(first.proc.pid)
        beat_file = Path(_environ(scheduler)["ZONGZHI_SCHEDULER_HEARTBEAT"])
        assert beat_file.exists()
        # The workers share the master's listening socket; the scheduler must not hold it.
        assert scheduler not in _holders(tree, port)
        assert first.proc.pid in _holders(tree, port)

        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait()
        left = _wait_gone(tree)
        assert not left, [_cmdline(pid) for pid in left]
        assert not beat_file.exists()

        second = Serve(tmp_path, port, "second")
        second.wait_ready()
        assert _healthy(port)
        # A graceful stop still stops the whole tree in order.
        tree = _tree(second.proc.pid)
        second.proc.send_signal(signal.SIGTERM)
        assert second.proc.wait(timeout=GONE_SECONDS + 15) == 0
        assert not _wait_gone(tree)
    finally:
        first.cleanup()
        if second is not None:
            second.cleanup()


def test_a_scheduler_whose_master_is_gone_does_not_start(tmp_path):
    # Its parent is this test, not the process named as its master.
    beat_file = tmp_path / "scheduler.beat"
    beat_file.touch()
    env = {
        **_env(tmp_path),
        "ZONGZHI_SUPERVISOR_PID": "1",
        "ZONGZHI_SCHEDULER_HEARTBEAT": str(beat_file),
    }
    done = subprocess.run(
        [sys.executable, "-m", "webapp.cli", "scheduler"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=STARTUP_SECONDS,
    )
    assert done.returncode == 1
    assert "错误：启动本调度进程的 serve 主进程已退出，调度不再启动" in done.stderr
    assert "定时器调度已启动" not in done.stdout
    assert not beat_file.exists()
