"""``serve`` (gunicorn plus one scheduler process) and ``scheduler`` (the timer loop alone).

The scheduler process fires timers when they fall due (``engine.scheduler``). It also
delivers the hand-off outbox (results owed to outside systems) and re-times deadlines a
calendar change moved, every ``ZONGZHI_TIMER_POLL_SECONDS``, and issues the scheduled
reports (日汇总、周研判、月总结、季汇报) with their risk alerts, and sweeps abandoned
phone uploads hourly (``sweep-uploads``). Every job's first round
runs at start-up, so what fell due while no scheduler ran is done then.

The gunicorn arbiter starts exactly one scheduler child once it is listening and stops
it when it exits; web workers never run timers. If the child dies, the arbiter restarts
it after a pause and logs its exit code or the signal that ended it. The child beats a
heartbeat file (``ZONGZHI_SCHEDULER_HEARTBEAT``) from every timer round; one that stops
beating (stuck inside a step) is killed and restarted too. Timer rows are claimed in the
database, so a second scheduler on another machine is safe too.

Killed outright (SIGKILL, a crash), the arbiter leaves nothing behind: its workers and
its scheduler end with it (``lifeline``), and no process but the workers holds the
listening socket, so a restart gets its port back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from engine import SCHEDULER, Engine
from engine.scheduler import Beat, PollJob, run_forever
from processes.delivery import RetryPolicy, deliver_due
from processes.reports.jobs import poll_reports
from processes.retime import retime_pending

from .. import create_app
from ..engine_binding import current_engine
from .common import CliFailure
from .lifeline import (
    SUPERVISOR_ENV,
    die_with_parent,
    parent_alive,
    supervisor_pid,
    worker_post_fork,
)
from .uploads import keep_setting, sweep_job

RESTART_DELAY_SECONDS = 5
STOP_TIMEOUT_SECONDS = 15
HEARTBEAT_ENV = "ZONGZHI_SCHEDULER_HEARTBEAT"
HEARTBEAT_GRACE_SECONDS = 120
"""A child is stuck when it has not beaten for 3 polls plus this (a step is bounded by
its script budget, a round beats after every timer)."""
OUTBOX_JOB_ID = "zongzhi-deliver-outbox"
REPORT_JOB_ID = "zongzhi-issue-reports"
RETIME_JOB_ID = "zongzhi-retime-deadlines"


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """在前台单独运行定时器调度，直到收到 SIGTERM 或按 Ctrl+C。"""
    supervisor = supervisor_pid()  # set when ``serve`` started us
    beat_file = os.environ.get(HEARTBEAT_ENV)
    try:
        if supervisor is not None and not die_with_parent(supervisor):
            raise CliFailure("启动本调度进程的 serve 主进程已退出，调度不再启动")
        alive = parent_alive(supervisor) if supervisor is not None else None
        _run_scheduler(heartbeat(beat_file), alive)
    finally:
        if supervisor is not None and beat_file:
            # A master killed outright cannot remove it; a live one touches a new one.
            Path(beat_file).unlink(missing_ok=True)


def _run_scheduler(beat: Beat | None, alive: Callable[[], bool] | None) -> None:
    poll = current_app.config["ZONGZHI_TIMER_POLL_SECONDS"]
    click.echo(
        f"定时器调度已启动（进程 {os.getpid()}）：定时器到期即触发，并至少每 {poll} 秒复查一次。"
    )
    engine = current_engine()
    jobs = [
        outbox_job(engine, poll_seconds=poll),
        report_job(engine),
        retime_job(engine, poll_seconds=poll),
        sweep_job(engine, keep_setting()),
    ]
    # Returns on SIGTERM / SIGINT (the kernel's SIGTERM when the master dies) or once
    # ``alive`` says the master is gone.
    run_forever(engine, poll_seconds=poll, jobs=jobs, beat=beat, alive=alive)
    click.echo("定时器调度已停止。")


def heartbeat(path: str | None):
    """The beat that touches ``path`` (None when no supervisor watches)."""
    if not path:
        return None
    target = Path(path)

    def beat() -> None:
        target.touch()

    return beat


def exit_description(code: int) -> str:
    """``退出码 1`` or ``被信号 SIGKILL 结束``: how a child process ended."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"被信号 {name} 结束"
    return f"退出码 {code}"


def outbox_job(engine: Engine, *, poll_seconds: float) -> PollJob:
    """Deliver due outbox messages on the engine's clock, every ``poll_seconds``.

    ``ZONGZHI_OUTBOX_MAX_ATTEMPTS`` (default 10) sets how many tries a result gets.
    """
    raw = os.environ.get("ZONGZHI_OUTBOX_MAX_ATTEMPTS", "10")
    if not raw.isdigit() or int(raw) < 1:
        raise click.UsageError(f"ZONGZHI_OUTBOX_MAX_ATTEMPTS 应为正整数，当前为 {raw!r}")
    policy = RetryPolicy(max_attempts=int(raw))

    def deliver() -> int:
        return deliver_due(engine.session_factory, now=engine.clock.now(), policy=policy)

    return PollJob(OUTBOX_JOB_ID, deliver, seconds=poll_seconds)


def report_job(engine: Engine) -> PollJob:
    """Issue the scheduled reports that are due and start their risk alerts
    (``processes.reports.jobs.poll_reports``), every ``ZONGZHI_REPORT_POLL_SECONDS``
    (default 300: reports are daily at most; each round only looks for what is due)."""
    raw = os.environ.get("ZONGZHI_REPORT_POLL_SECONDS", "300")
    if not raw.isdigit() or int(raw) < 1:
        raise click.UsageError(f"ZONGZHI_REPORT_POLL_SECONDS 应为正整数，当前为 {raw!r}")
    return PollJob(REPORT_JOB_ID, lambda: poll_reports(engine), seconds=int(raw))


def retime_job(engine: Engine, *, poll_seconds: float) -> PollJob:
    """Re-time the deadlines a calendar change moved that the change itself left behind
    (a page that ran out of time, an instance busy at that moment), every ``poll_seconds``."""

    def retime() -> int:
        report = retime_pending(engine, actor=SCHEDULER, budget_seconds=poll_seconds)
        return len(report.moved)

    return PollJob(RETIME_JOB_ID, retime, seconds=poll_seconds)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """以生产方式运行网站（gunicorn），并在旁运行一个定时器调度进程。"""
    # Build one app here to fail fast on bad settings and to create the shared secret
    # key file before the workers race for it; each worker then builds its own.
    app = ctx.ensure_object(ScriptInfo).load_app()
    click.echo(f"网站地址 http://{host}:{port}/ ，{workers} 个工作进程；按 Ctrl+C 停止。")
    poll = app.config["ZONGZHI_TIMER_POLL_SECONDS"]
    scheduler = SchedulerChild(stale_seconds=3 * poll + HEARTBEAT_GRACE_SECONDS)
    WebServer(
        scheduler,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "preload_app": False,
            "proc_name": "zongzhi",
            "accesslog": "-",
            "when_ready": scheduler.start,
            "post_fork": worker_post_fork,
            "on_exit": scheduler.stop,
            "control_socket_disable": True,  # gunicorn >= 27; one per host would clash
        },
    ).run()


class WebServer(BaseApplication):
    """gunicorn with our options; every worker builds its own app (no preloading)."""

    def __init__(self, scheduler: SchedulerChild, options: dict):
        self._scheduler = scheduler
        self._options = options
        super().__init__()

    def run(self) -> None:
        try:
            ReapingArbiter(self, self._scheduler).run()
        except RuntimeError as error:
            raise CliFailure(f"网站无法启动：{error}") from error

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings:  # older gunicorn lacks some settings
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app()


class ReapingArbiter(Arbiter):
    """gunicorn's arbiter reaps with ``waitpid(-1)``, which would take the scheduler
    child's exit status from under its ``Popen`` (then read as 退出码 0); a targeted wait
    claims it first, so the real exit code or signal is logged."""

    def __init__(self, app: BaseApplication, scheduler: SchedulerChild) -> None:
        self._scheduler = scheduler
        super().__init__(app)

    def reap_workers(self) -> None:
        self._scheduler.claim_exit()
        super().reap_workers()


class SchedulerChild:
    """The scheduler process beside gunicorn's workers, owned by the arbiter.

    Restarted when it exits, or when its heartbeat file is older than ``stale_seconds``
    (then it is killed first): a scheduler stuck in a step must not stop every timer.
    """

    def __init__(
        self,
        *,
        stale_seconds: float = 3 * 30 + HEARTBEAT_GRACE_SECONDS,
        restart_delay: float = RESTART_DELAY_SECONDS,
        command: list[str] | None = None,
    ) -> None:
        self._proc: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._stale_seconds = stale_seconds
        self._restart_delay = restart_delay
        self._command = command or [sys.executable, "-m", "webapp.cli", "scheduler"]
        handle, name = tempfile.mkstemp(prefix="zongzhi-scheduler-", suffix=".beat")
        os.close(handle)
        self.heartbeat = Path(name)

    def start(self, server) -> None:
        """gunicorn ``when_ready`` hook."""
        with self._lock:
            self._spawn(server)
        threading.Thread(target=self._watch, args=(server,), daemon=True).start()

    def stop(self, server) -> None:
        """gunicorn ``on_exit`` hook."""
        with self._lock:
            self._stopping.set()
            proc = self._proc
        if proc is None or proc.poll() is not None:
            self.heartbeat.unlink(missing_ok=True)
            return
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            server.log.warning("定时器调度进程 %s 未按时退出，强制结束", proc.pid)
            proc.kill()
            proc.wait()
        self.heartbeat.unlink(missing_ok=True)
        server.log.info("定时器调度进程已停止")

    def claim_exit(self) -> None:
        """Collect the child's exit status if it has ended (a targeted, non-blocking wait)."""
        proc = self._proc
        if proc is not None and proc.returncode is None:
            proc.poll()

    def _spawn(self, server) -> None:
        self.heartbeat.touch()  # a fresh child gets a full period before its first beat
        self._proc = subprocess.Popen(
            self._command,
            env={
                **os.environ,
                HEARTBEAT_ENV: str(self.heartbeat),
                SUPERVISOR_ENV: str(os.getpid()),
            },
            start_new_session=True,  # Ctrl+C reaches the arbiter, which stops us in order
            close_fds=True,  # never the listening socket: an orphan must not hold the port
        )
        server.log.info("定时器调度进程已启动（pid %s）", self._proc.pid)

    def _silent_for(self) -> float:
        try:
            return time.time() - self.heartbeat.stat().st_mtime
        except OSError:
            return 0.0

    def _wait_exit_or_stall(self, server, proc: subprocess.Popen) -> int:
        """Wait until the child exits, or kill it once it stops beating; its exit code."""
        while True:
            try:
                return proc.wait(timeout=min(1.0, self._stale_seconds / 4))
            except subprocess.TimeoutExpired:
                pass
            if self._stopping.is_set():
                return proc.wait()
            silent = self._silent_for()
            if silent > self._stale_seconds:
                server.log.error(
                    "定时器调度进程（pid %s）已 %d 秒没有心跳，强制结束后重新启动",
                    proc.pid,
                    silent,
                )
                proc.kill()
                return proc.wait()

    def _watch(self, server) -> None:
        while True:
            proc = self._proc
            assert proc is not None
            code = self._wait_exit_or_stall(server, proc)
            if self._stopping.wait(self._restart_delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                server.log.error(
                    "定时器调度进程意外结束（%s），正在重新启动", exit_description(code)
                )
                self._spawn(server)
