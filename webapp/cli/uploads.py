"""``sweep-uploads``: clean abandoned phone uploads now; the scheduler runs it hourly."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from engine import Engine
from engine.scheduler import PollJob
from processes.field.sweep import SweepResult, sweep_uploads

from ..engine_binding import current_engine

SWEEP_JOB_ID = "zongzhi-sweep-uploads"
SWEEP_SECONDS = 3600


def sweep(engine: Engine, keep: timedelta) -> SweepResult:
    """One sweep in its own transaction (``processes.field.sweep``)."""
    with engine.session_factory() as session:
        result = sweep_uploads(session, now=engine.clock.now(), keep=keep)
        session.commit()
    return result


def keep_setting() -> timedelta:
    return timedelta(days=current_app.config["ZONGZHI_UPLOAD_KEEP_DAYS"])


def sweep_job(engine: Engine, keep: timedelta) -> PollJob:
    """The scheduler's hourly sweep."""
    return PollJob(SWEEP_JOB_ID, lambda: sweep(engine, keep), seconds=SWEEP_SECONDS)


@click.command("sweep-uploads")
@with_appcontext
def sweep_uploads_command() -> None:
    """删除超过保留天数仍未传完的手机上传，并释放已归入案件的文件所占的分段。"""
    keep = keep_setting()
    click.echo(sweep(current_engine(), keep).describe(keep))
