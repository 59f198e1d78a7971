"""The ``zongzhi`` command: set up, deploy, check history, manage users, run the site.

Exit codes: 0 done, 1 failed (message on stderr), 2 wrong usage. ``python -m webapp.cli``
runs the same command.
"""

from __future__ import annotations

import logging
import os

from flask.cli import FlaskGroup
from flask_migrate.cli import db as migrate_group

from engine import SPIFF_LOGGERS

from .. import create_app
from .calendar import calendar_group
from .deploy import deploy_command, init_command, verify_history_command
from .reference import reference_group
from .reports import reports_group
from .roster import roster_group
from .senders import senders_group
from .server import scheduler_command, serve_command
from .stations import rota_group, stations_group
from .timers import timers_group
from .units import units_group
from .uploads import sweep_uploads_command
from .users import users_group

cli = FlaskGroup(
    name="zongzhi",
    help="综治中心工作平台管理命令。",
    create_app=create_app,
    add_default_commands=False,
    add_version_option=False,
)
for _command in (
    init_command,
    deploy_command,
    verify_history_command,
    users_group,
    units_group,
    roster_group,
    stations_group,
    rota_group,
    senders_group,
    calendar_group,
    reference_group,
    reports_group,
    timers_group,
    scheduler_command,
    serve_command,
    sweep_uploads_command,
):
    cli.add_command(_command)
cli.add_command(migrate_group, "db")


def main() -> None:
    """Console entry point (``zongzhi``)."""
    level = logging.getLevelName(os.environ.get("ZONGZHI_LOG_LEVEL", "INFO").strip().upper())
    level = level if isinstance(level, int) else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_libraries(level)
    cli.main(prog_name="zongzhi")


def quiet_libraries(level: int) -> None:
    """The libraries' chatter stays below our own events: APScheduler logs every poll and
    SpiffWorkflow every task state change at INFO (about nine lines per fired timer); the
    engine logs what matters (timers fired, steps failed). ``ZONGZHI_LIBRARY_LOG_LEVEL``
    (default WARNING) lets them speak when a problem needs it."""
    raw = os.environ.get("ZONGZHI_LIBRARY_LOG_LEVEL", "WARNING").strip().upper()
    library = logging.getLevelName(raw)
    library = library if isinstance(library, int) else logging.WARNING
    for name in QUIETED:
        logging.getLogger(name).setLevel(max(level, library))


QUIETED = ("apscheduler", "spiff", *SPIFF_LOGGERS)
"""SpiffWorkflow's own loggers are set too, not only their parent: below INFO by their own
level (unset: 0) it adds the task data to every state change's log extras and the ids of
every task in the tree to a workflow's (a walk of the whole tree per completed instance)."""
