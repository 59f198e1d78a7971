"""Who may use which route, stated on the route itself.

Every view is decorated with ``roles_required(...)`` (logged-in users holding one of the
roles), ``login_only`` (any logged-in user) or ``public`` (no login). The decorators
record the rule on the view function, so the permission-matrix test reads the same rule
the request check enforces, and a route without one fails that test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import abort, current_app
from flask_login import current_user, login_required

from engine import Actor
from processes.roles import Role

PUBLIC = "public"
LOGIN = "login"
TOKEN = "token"
"""An outside system's Bearer token (the hand-off API), not a login."""

CASEWORKERS = frozenset(
    {
        Role.GRID_WORKER,
        Role.VILLAGE_MEDIATION,
        Role.TOWNSHIP_CENTER,
        Role.TOWNSHIP_LEADERSHIP,
        Role.COUNTY_CENTER,
        Role.MEDIATOR,
        Role.DEPARTMENT,
        Role.CASE_LEADER,
        Role.SUPERVISOR,
    }
)
"""Roles that receive tasks in the diagrams' lanes."""
INTAKE_ROLES = frozenset({Role.GRID_WORKER, Role.TOWNSHIP_CENTER, Role.COUNTY_CENTER})
"""Roles that register matters: the window (镇/县综治中心) and grid reports (网格员)."""
CASE_READERS = CASEWORKERS | {Role.AUDITOR, Role.ADMIN}
"""Roles that may open a case page (within their region)."""
SUPERVISION_ROLES = frozenset({Role.SUPERVISOR, Role.COUNTY_CENTER, Role.TOWNSHIP_CENTER})
"""Roles that watch deadlines and chase late work (督办)."""
PERSONAL_DATA_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.VILLAGE_MEDIATION,
        Role.TOWNSHIP_CENTER,
        Role.COUNTY_CENTER,
        Role.MEDIATOR,
        Role.CASE_LEADER,
    }
)
"""Roles whose work needs a party's full name, phone and ID number (to call, to visit,
to draw up an agreement); they may reveal them on a case page, and each reveal is logged."""
RISK_ROLES = frozenset({Role.TOWNSHIP_CENTER, Role.COUNTY_CENTER, Role.CASE_LEADER})
"""Roles that change a case's risk colour (三色预警) on the case page at any time while it
is open, with a reason: the centers, which assess risk at intake and triage, and the
包案领导, who answers for high-risk cases. Supervisors chase deadlines and do not assess
risk; departments, mediators and the levels below the township report to the centers."""
LEADER_ROLES = frozenset({Role.CASE_LEADER})
"""Roles with a list of the cases they lead (我包案的案件: 包案领导 or 牵头领导)."""
ADMIN_ROLES = frozenset({Role.ADMIN})
DESIGN_ROLES = frozenset({Role.PROCESS_DESIGNER})
"""Roles that edit, validate, try, deploy and migrate diagrams, decision tables and forms."""
REPORT_ROLES = frozenset(
    {
        Role.COUNTY_CENTER,
        Role.TOWNSHIP_CENTER,
        Role.TOWNSHIP_LEADERSHIP,
        Role.CASE_LEADER,
        Role.SUPERVISOR,
    }
)
"""Roles that read the figures of their area (领导驾驶舱, 日汇总 … 季汇报) and export them."""
COURT_FIGURE_ROLES = frozenset({Role.COUNTY_CENTER})
"""Roles that enter the court's first-instance civil filings (the 诉前分流率's denominator)."""
AUDIT_ROLES = frozenset({Role.AUDITOR})
"""Roles that search and replay the execution history, verify its hash chain and export it;
they read, never change (every write route refuses them)."""


def roles_required(*roles: Role | Iterable[Role]) -> Callable:
    """Logged-in users holding one of ``roles`` (roles or sets of roles); others get 403."""
    allowed = frozenset(_flatten(roles))

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not has_any_role(allowed):
                abort(403)
            return view(*args, **kwargs)

        guarded = login_required(checked)
        guarded.allowed_roles = allowed  # type: ignore[attr-defined]
        return guarded

    return decorate


def login_only(view: Callable) -> Callable:
    """Any logged-in user."""
    guarded = login_required(view)
    guarded.allowed_roles = LOGIN  # type: ignore[attr-defined]
    return guarded


def public(view: Callable) -> Callable:
    """No login needed (the citizen lookup, the login page, health checks)."""
    view.allowed_roles = PUBLIC  # type: ignore[attr-defined]
    return view


def route_rule(endpoint: str) -> frozenset[str] | str | None:
    """The rule stated on ``endpoint``'s view, or ``None`` if it states none."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "allowed_roles", None)


def has_any_role(roles: Iterable[str]) -> bool:
    return current_user.is_authenticated and bool(set(current_user.roles) & set(roles))


def user_units(user) -> frozenset[str]:
    """The unit codes ``user`` belongs to, which a task's ``candidateUnits`` name: their
    unit, and a 部门 liaison's department (every department is a unit with the same code).
    The one place the app reads a user's unit."""
    codes = {user.unit_code, user.department_code} - {None}
    return frozenset(codes)


def current_actor() -> Actor:
    """The logged-in user as the engine's ``Actor`` (name, lane roles and units)."""
    return Actor.of(current_user.username, current_user.roles, user_units(current_user))


def _flatten(items: Iterable[Role | Iterable[Role]]) -> Iterable[str]:
    for item in items:
        if isinstance(item, str):
            yield str(item)
        else:
            yield from (str(role) for role in item)
