"""法院收案数 page: the county center enters the court's monthly first-instance civil
filings of each county in its scope (``court``), each change logged."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.db import db
from processes.deadlines import local

from ..engine_binding import current_engine
from ..scope import region_scope
from ..security import COURT_FIGURE_ROLES, roles_required
from .blueprint import bp
from .choices import region_options
from .court import FIRST_YEAR, FilingForm, save_filing, year_figures


def _counties() -> dict[str, str]:
    options = region_options(db.session, region_scope(db.session, current_user))
    return {option.code: option.name for option in options if option.level == "县"}


def _page(year: int, form: FilingForm, status: int = 200):
    counties = _counties()
    today = local(current_engine().clock.now()).date()
    return render_template(
        "reports/court_filings.html",
        year=year,
        years=range(today.year, FIRST_YEAR - 1, -1),
        counties=counties,
        figures=year_figures(db.session, counties, year),
        form=form,
        this_month=today.strftime("%Y-%m"),
    ), status


@bp.get("/court-filings")
@roles_required(COURT_FIGURE_ROLES)
def court_filings():
    today = local(current_engine().clock.now()).date()
    year = request.args.get("year", type=int) or today.year
    year = year if FIRST_YEAR <= year <= today.year else today.year
    counties = _counties()
    form = FilingForm(region=next(iter(counties), ""), month=today.strftime("%Y-%m"))
    return _page(year, form)


@bp.post("/court-filings")
@roles_required(COURT_FIGURE_ROLES)
def save_court_filing():
    engine = current_engine()
    now = engine.clock.now()
    today = local(now).date()
    form = FilingForm.read(request.form)
    counties = _counties()
    checked = form.check(counties, today.replace(day=1))
    if checked is None:
        return _page(today.year, form, status=422)
    region, month, cases = checked
    saved = save_filing(
        db.session,
        region_code=region,
        month=month,
        civil_cases=cases,
        actor=current_user.username,
        now=now,
        record=engine.record_operation,
    )
    db.session.commit()
    what = f"{counties[region]} {month.year}年{month.month}月一审民事收案数"
    if not saved.changed:
        flash(f"{what}仍为 {cases} 件，未作修改。", "info")
    elif saved.before is None:
        flash(f"已录入{what}：{cases} 件。", "info")
    else:
        flash(f"已将{what}由 {saved.before} 件改为 {cases} 件。", "info")
    return redirect(url_for("reports.court_filings", year=month.year))
