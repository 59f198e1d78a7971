"""Processes ``zongzhi serve`` starts end with it, even when it is killed with SIGKILL.

The scheduler child and the gunicorn workers ask the kernel (Linux ``prctl
PR_SET_PDEATHSIG``) for SIGTERM the moment their parent dies, then check that their
parent is still the process that started them: one whose parent died before the request
took hold is already an orphan and stops at once. The scheduler also checks its parent
every second (the portable fallback where ``prctl`` is missing).

The death signal is tied to the parent *thread* that forked the child, so the
supervisor forks from threads that live as long as it does (the arbiter's main thread,
the scheduler watcher).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

SUPERVISOR_ENV = "ZONGZHI_SUPERVISOR_PID"
"""The pid of the ``serve`` master, set in the scheduler child's environment."""
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def ask_death_signal(signum: int = signal.SIGTERM) -> bool:
    """Have the kernel send ``signum`` to this process when its parent dies (Linux);
    whether the request took hold."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent_pid: int) -> bool:
    """End with ``parent_pid`` (SIGTERM when it dies); False when it is already gone,
    i.e. this process is an orphan and must not start its work."""
    ask_death_signal()
    return os.getppid() == parent_pid


def parent_alive(parent_pid: int) -> Callable[[], bool]:
    """A check that ``parent_pid`` is still this process's parent."""
    return lambda: os.getppid() == parent_pid


def supervisor_pid() -> int | None:
    """The ``serve`` master this process was started by, if any (``SUPERVISOR_ENV``)."""
    raw = os.environ.get(SUPERVISOR_ENV, "")
    return int(raw) if raw.isdigit() else None


def worker_post_fork(server, worker) -> None:
    """gunicorn ``post_fork`` hook: a web worker ends with its arbiter at once, rather
    than serve on (and hold the port) until its next idle check."""
    if not die_with_parent(worker.ppid):
        server.log.warning("工作进程 %s 启动时主进程已不在，立即退出", worker.pid)
        os._exit(0)
