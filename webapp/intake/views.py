"""Routes of the intake blueprint; every route states its roles (``webapp.security``)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from engine.db import db
from processes.enums import Channel

from ..cases.detail import find_case
from ..cases.qr import case_qr
from ..engine_binding import current_engine
from ..errors import input_refused
from ..scope import region_scope
from ..security import INTAKE_ROLES, current_actor, roles_required
from ..validation import InputRefused, int_set
from . import form, service
from . import receipt as receipt_slip

bp = Blueprint("intake", __name__, url_prefix="/intake")


@bp.errorhandler(InputRefused)
def refused(error: InputRefused):
    """An input that cannot be stored (a NUL, a lone surrogate), named by its label."""
    return input_refused(error, form.input_label)


RISK_HELP = {
    "红": "高风险：可能激化（如命案、民转刑风险）或群体性事件，指定包案领导，时限缩短",
    "黄": "中风险：矛盾较深或涉及人数较多，需重点跟踪",
    "绿": "低风险：一般性纠纷或诉求",
}


@bp.route("/new", methods=["GET", "POST"])
@roles_required(INTAKE_ROLES)
def new():
    if request.method == "GET":
        return _page(form.blank(current_user.region_code))
    entry = form.parse(request.form)
    if "add_party" in request.form:  # the no-script way to add a row
        return _page(form.with_extra_row(entry))
    outcome = service.register(
        current_engine(),
        entry,
        actor=current_actor(),
        scope=region_scope(db.session, current_user),
        acknowledged=_acknowledged(),
    )
    if outcome.received is not None:
        flash(f"已受理，案件编号 {outcome.received.code}", "info")
        return redirect(_after_intake(outcome.received.case_id, entry.fields.get("channel")))
    entry.errors = form.shown_errors(entry, outcome.errors)
    status = 422 if outcome.errors else 200
    return _page(form.ensure_rows(entry), duplicates=outcome.duplicates), status


@bp.get("/<int:case_id>/receipt")
@roles_required(INTAKE_ROLES)
def receipt(case_id: int):
    """受理回执: printable, A4 or 80 mm (``?paper=80mm``); reprinted from the case page."""
    case = find_case(db.session, case_id, region_scope(db.session, current_user))
    if case is None or not case.code:
        abort(404)
    paper = receipt_slip.paper_of(request.args.get("paper"))
    slip = receipt_slip.receipt_of(
        db.session,
        case,
        lookup_url=url_for("lookup.index", _external=True),
        qr=case_qr(case.code),
        phones=current_app.config.get("ZONGZHI_CENTER_PHONE") or {},
    )
    return render_template(
        "intake/receipt.html",
        receipt=slip,
        paper=paper,
        papers=receipt_slip.PAPERS,
        case_url=case_url(case.id),
    )


def _after_intake(case_id: int, channel: str | None) -> str:
    """A walk-in (窗口) goes on to its 受理回执, to hand over; other channels to the case."""
    if channel == Channel.WINDOW:
        return url_for("intake.receipt", case_id=case_id)
    return case_url(case_id)


def case_url(case_id: int) -> str:
    """The case page (``cases.show``); its path if that page is not there yet."""
    if "cases.show" in current_app.view_functions:
        return url_for("cases.show", case_id=case_id)
    return f"/cases/{case_id}"


def _acknowledged() -> frozenset[int]:
    """The open cases the clerk saw in the warning and chose to register past."""
    raw = request.form.get("acknowledged", "")
    return int_set(raw)


def _page(entry: form.IntakeInput, duplicates: list[service.DuplicateRow] | None = None):
    types, subtypes = service.type_choices(db.session)
    return render_template(
        "intake/new.html",
        entry=entry,
        errors=entry.errors,
        duplicates=duplicates or [],
        acknowledged=",".join(str(row.case.case_id) for row in duplicates or []),
        channels=service.CHANNELS,
        types=types,
        subtypes=subtypes,
        type_names={t.code: t.name for t in types},
        regions=service.region_choices(db.session, current_user.region_code),
        party_roles=form.PARTY_ROLES,
        risk_help=RISK_HELP,
        case_url=case_url,
        local_day=service.local_day,
        field_id=form.field_id,
        error_label=form.error_label,
    )
