"""Every route × every role (and anonymous) answers as the route's stated rule says, and the
main pages state the rules written down here by hand (so a wrong declaration is caught,
not only a wrong enforcement).

Routes are read from ``app.url_map``: a new route is checked without editing this file,
unless its URL has parameters, which ``URL_PARAMS`` must fill with seeded objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter, RequestRedirect, Rule
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from engine import Actor
from engine.db import db
from engine.enums import TaskStatus
from engine.models import TaskRecord
from processes.intake import receive_case
from processes.models import SupervisionRecord
from processes.reports.periods import Period, PeriodKind
from processes.reports.snapshots import issue_snapshot
from processes.roles import Role
from processes.roster import save_entry
from processes.stations import save_station
from processes.units import save_unit
from tests.processes.conftest import COUNTY, GRID
from tests.web.assigned_support import start_assigned_case
from tests.web.tasks_support import only_ready
from webapp.accounts.models import User, UserRole
from webapp.limits import limiter
from webapp.security import LOGIN, PUBLIC, TOKEN, route_rule

Principal = Role | None
"""A user holding exactly this role, or ``None`` for an anonymous visitor."""
PRINCIPALS: list[Principal] = [None, *Role]

EVERYONE = "everyone (public)"
ANY_LOGIN = "any logged-in user"
CASEWORKER_ROLES = {
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
REPORT_READERS = {
    Role.COUNTY_CENTER,
    Role.TOWNSHIP_CENTER,
    Role.TOWNSHIP_LEADERSHIP,
    Role.CASE_LEADER,
    Role.SUPERVISOR,
}
"""Leaders and the centers read the figures (统计报表); caseworkers below the township,
departments, mediators, auditors, admins and designers do not."""
MAIN_PAGES: dict[str, set[Role] | str] = {
    "/": ANY_LOGIN,
    "/login": EVERYONE,
    "/healthz": EVERYONE,
    "/chaxun": EVERYONE,
    "/tasks": CASEWORKER_ROLES,
    "/cases": CASEWORKER_ROLES | {Role.AUDITOR, Role.ADMIN},
    "/intake/new": {Role.GRID_WORKER, Role.TOWNSHIP_CENTER, Role.COUNTY_CENTER},
    "/supervision": {Role.SUPERVISOR, Role.COUNTY_CENTER, Role.TOWNSHIP_CENTER},
    "/leader": {Role.CASE_LEADER},
    "/admin": {Role.ADMIN},
    "/admin/units": {Role.ADMIN},
    "/admin/roster": {Role.ADMIN},
    "/admin/stations": {Role.ADMIN},
    "/designer": {Role.PROCESS_DESIGNER},
    "/designer/files/case_main.bpmn/edit": {Role.PROCESS_DESIGNER},
    "/designer/trials": {Role.PROCESS_DESIGNER},
    "/audit": {Role.AUDITOR},
    "/reports/": REPORT_READERS,
    "/reports/snapshots": REPORT_READERS,
    "/reports/court-filings": {Role.COUNTY_CENTER},
    "/m/": CASEWORKER_ROLES,
    "/m/report": CASEWORKER_ROLES,
    "/screening/ledger": REPORT_READERS | {Role.GRID_WORKER, Role.VILLAGE_MEDIATION},
}
"""Who may open each main page, written by hand from the issue and domain.md."""

CASE_WRITES: dict[str, set[Role]] = {
    "cases.reveal": {
        Role.GRID_WORKER,
        Role.VILLAGE_MEDIATION,
        Role.TOWNSHIP_CENTER,
        Role.COUNTY_CENTER,
        Role.MEDIATOR,
        Role.CASE_LEADER,
    },
    "cases.change_risk_colour": {Role.TOWNSHIP_CENTER, Role.COUNTY_CENTER, Role.CASE_LEADER},
}
"""Who may change a case from its page, written by hand: 调整风险等级 is for the centers,
which assess risk, and the 包案领导, who answers for high-risk cases (domain.md 三色预警)."""

MATTER = {
    "channel": "窗口",
    "dispute_type": "02",
    "summary": "两户因院墙漏水发生争执",
    "region_code": GRID,
    "risk_colour": "黄",
    "parties": [{"role": "申请人", "name": "张三", "phone": "13812345678"}],
}


@dataclass(frozen=True)
class Seeded:
    """Real objects in every user's scope, to put in URLs."""

    case_id: int
    case_code: str
    instance_id: int
    task_id: str
    supervision_id: int
    user_id: int
    version_id: int
    """The deployed library's version (every process of the shipped library is in it)."""
    snapshot_id: int
    """The county's monthly report, issued on schedule."""
    roster_entry_id: int
    station_id: int
    """The court stationed at the county's center (轮驻: it has a rota)."""


NO_TRIAL, NO_TASK = 999_999, "00000000-0000-0000-0000-000000000000"
"""Trial runs are per designer and seeded by none: their routes answer 404 for a missing id
(after the role check), which the matrix accepts; tests/web/test_designer_trial.py covers
real ones."""

URL_PARAMS: dict[str, Callable[[Seeded], dict[str, Any]]] = {
    "mobile.upload_status": lambda _s: {"sha256": "0" * 64},
    "mobile.upload_chunk": lambda _s: {"sha256": "0" * 64},
    "tasks.show": lambda s: {"task_id": s.task_id},
    "tasks.claim": lambda s: {"task_id": s.task_id},
    "tasks.unclaim": lambda s: {"task_id": s.task_id},
    "tasks.reveal_phone": lambda s: {"task_id": s.task_id},
    "intake.receipt": lambda s: {"case_id": s.case_id},
    "tasks.assign": lambda s: {"task_id": s.task_id},
    "cases.show": lambda s: {"case_id": s.case_id},
    "cases.reveal": lambda s: {"case_id": s.case_id},
    "cases.change_risk_colour": lambda s: {"case_id": s.case_id},
    "cases.diagram": lambda s: {"case_id": s.case_id},
    "cases.document": lambda s: {"case_id": s.case_id, "record_id": s.supervision_id},
    "attachments.upload": lambda s: {"case_id": s.case_id},
    # no attachment is seeded: a missing one answers 404 after the role check
    "attachments.download": lambda s: {"case_id": s.case_id, "attachment_id": NO_TRIAL},
    "supervision.chase": lambda s: {"case_id": s.case_id},
    "admin.remove_day": lambda s: {"day": "2026-05-06"},
    "admin.reference": lambda s: {"kind": "region"},
    "admin.new_reference": lambda s: {"kind": "region"},
    "admin.edit_reference": lambda s: {"kind": "region", "code": COUNTY},
    "admin.edit_rule": lambda s: {"key": "ladder.grid"},
    "admin.edit_user": lambda s: {"user_id": s.user_id},
    "admin.user_password": lambda s: {"user_id": s.user_id},
    "admin.unlock_user": lambda s: {"user_id": s.user_id},
    "admin.edit_unit": lambda s: {"code": "court"},
    "admin.edit_roster_entry": lambda s: {"entry_id": s.roster_entry_id},
    "admin.edit_station": lambda s: {"station_id": s.station_id},
    "admin.station_rota": lambda s: {"station_id": s.station_id},
    "api.matter_status": lambda s: {"external_id": "no-such-push"},
    "api.post_verdict": lambda s: {"external_id": "no-such-push"},
    "designer.version": lambda s: {"version_id": s.version_id},
    "designer.form_edit": lambda s: {"key": "case_main/assess.schema.json"},
    "designer.dmn_edit": lambda s: {"name": "triage.dmn"},
    "designer.edit": lambda s: {"name": "case_main.bpmn"},
    "designer.validate": lambda s: {"name": "case_main.bpmn"},
    "designer.deploy": lambda s: {"name": "case_main.bpmn"},
    "designer.version_file": lambda s: {"version_id": s.version_id, "name": "case_main.bpmn"},
    "designer.trial": lambda s: {"trial_id": NO_TRIAL},
    "designer.trial_diagram": lambda s: {"trial_id": NO_TRIAL},
    "designer.trial_complete": lambda s: {"trial_id": NO_TRIAL, "task_id": NO_TASK},
    "designer.trial_fire_timer": lambda s: {"trial_id": NO_TRIAL, "timer_id": NO_TASK},
    "designer.trial_send_message": lambda s: {"trial_id": NO_TRIAL},
    "designer.trial_send_signal": lambda s: {"trial_id": NO_TRIAL},
    "designer.trial_restart": lambda s: {"trial_id": NO_TRIAL},
    "designer.trial_autorun": lambda s: {"trial_id": NO_TRIAL},
    "designer.trial_delete": lambda s: {"trial_id": NO_TRIAL},
    "audit.replay": lambda s: {"case_id": s.case_id},
    "audit.verify_case_chain": lambda s: {"case_id": s.case_id},
    "reports.snapshot": lambda s: {"snapshot_id": s.snapshot_id},
    "reports.snapshot_print": lambda s: {"snapshot_id": s.snapshot_id},
    "reports.snapshot_xlsx": lambda s: {"snapshot_id": s.snapshot_id},
}
"""URL parameters for each route that has some, by endpoint."""

TASK_LANE = {Role.TOWNSHIP_CENTER}
SUPERVISORS = {Role.SUPERVISOR, Role.COUNTY_CENTER, Role.TOWNSHIP_CENTER}
"""督办员, 县综治中心 and 镇综治中心 supervise the cases of their area: they may open,
complete and reassign any of their tasks, on the holder's behalf."""
OBJECT_ROLES: dict[str, set[Role]] = {
    "tasks.show": TASK_LANE | SUPERVISORS,
    "tasks.reveal_phone": set(),
}
"""Routes that also ask whether the seeded object is the user's: the seeded task (分流研判)
is offered to its lane and opened by supervisors in scope, so the other roles the route
admits are refused it (403: a task open to a lane is no secret); and 分流研判 is no calling
task, so nobody may reveal phones on it (the calling tasks: tests/web/test_tasks_handon.py)."""


@pytest.fixture
def seeded(app, web_engine, clock) -> Seeded:
    clerk = Actor.of("window.clerk", [Role.TOWNSHIP_CENTER])
    received = receive_case(web_engine, MATTER, actor=clerk)
    with web_engine.session_factory() as session:
        task_id = session.scalar(
            select(TaskRecord.id).where(
                TaskRecord.instance_id == received.instance_id,
                TaskRecord.status == TaskStatus.READY,
            )
        )
        record = SupervisionRecord(
            case_id=received.case_id,
            kind="督办提示单",
            reason="逾期",
            target="镇综治中心",
            issued_at=clock.now(),
            issued_by="system",
        )
        session.add(record)
        snapshot = issue_snapshot(
            session,
            kind=PeriodKind.MONTH,
            region_code=COUNTY,
            period=Period.containing(PeriodKind.MONTH, clock.now().date()),
            as_of=clock.now(),
            issued_by="定时任务",
            scheduled=True,
        )
        roster_entry_id, station_id = _seed_directory(session, web_engine)
        session.commit()
        supervision_id, snapshot_id = record.id, snapshot.id
    assert task_id is not None, "the new case should wait at a ready task"
    with app.app_context():
        user_id = _add_user("someone.else", None)
        db.session.commit()
    return Seeded(
        received.case_id,
        received.code,
        received.instance_id,
        task_id,
        supervision_id,
        user_id,
        web_engine.latest_version_id(),
        snapshot_id,
        roster_entry_id,
        station_id,
    )


def _seed_directory(session, engine) -> tuple[int, int]:
    """A center unit in the county, a mediator on the roster and the court stationed there."""
    audit = {"actor": "tester", "record": engine.record_operation}
    values = {"name": "甘州区综治中心", "kind": "县综治中心", "region_code": COUNTY}
    save_unit(session, code="center", values=values, create=True, **audit)
    entry = save_entry(
        session,
        entry_id=None,
        values={
            "name": "王调解",
            "kind": "人民调解员",
            "unit_code": "center",
            "region_code": COUNTY,
        },
        **audit,
    )
    station = save_station(
        session, station_id=None, department_code="court", unit_code="center", values={}, **audit
    )
    return entry.id, station.id


@pytest.fixture
def principals(app) -> dict[Principal, int | None]:
    """One user per role, region = the county (so scope hides nothing), by role."""
    with app.app_context():
        ids = {role: _add_user(f"only.{role.name.lower()}", role) for role in Role}
        db.session.commit()
    return {None: None, **ids}


_HASH = generate_password_hash("unused-password")


def _add_user(username: str, role: Role | None) -> int:
    user = User(username=username, display_name=username, password_hash=_HASH, active=True)
    user.role_rows = [UserRole(role=role.value)] if role else []
    user.region_code = COUNTY
    db.session.add(user)
    db.session.flush()
    return user.id


def test_the_main_pages_admit_the_roles_written_here(app):
    adapter = app.url_map.bind("localhost")
    wrong = []
    with app.test_request_context():
        for path, expected in MAIN_PAGES.items():
            route = _route(adapter, path)
            if route is None:
                wrong.append(f"{path}: no GET route")
                continue
            endpoint = route[0]
            stated = _readable(route_rule(endpoint))
            if stated != expected:
                wrong.append(f"{path} ({endpoint}): states {stated}, expected {expected}")
    assert wrong == [], "\n".join(wrong)


def test_the_case_page_writes_admit_the_roles_written_here(app):
    with app.test_request_context():
        stated = {endpoint: _readable(route_rule(endpoint)) for endpoint in CASE_WRITES}
    assert stated == CASE_WRITES


def test_every_route_answers_every_role_as_its_rule_states(app, seeded, principals):
    rules = _rules(app)
    unfilled = [
        f"{rule.rule} ({rule.endpoint})"
        for rule in rules
        if rule.arguments and rule.endpoint not in URL_PARAMS
    ]
    assert unfilled == [], "add these routes' URL parameters to URL_PARAMS: " + ", ".join(unfilled)
    stale = sorted(set(URL_PARAMS) - {rule.endpoint for rule in rules})
    assert stale == [], f"URL_PARAMS names routes that no longer exist: {stale}"

    wrong = [
        problem
        for method, rule in _requests(rules)
        for principal, user_id in principals.items()
        for problem in _check(app, method, rule, seeded, principal, user_id)
    ]
    assert wrong == [], f"{len(wrong)} answers differ from the stated rules:\n" + "\n".join(wrong)


def test_the_main_pages_open_for_their_roles_and_refuse_the_others(app, seeded, principals):
    adapter = app.url_map.bind("localhost")
    wrong = []
    for path, expected in MAIN_PAGES.items():
        route = _route(adapter, path)
        assert route is not None, f"{path}: no GET route"
        for principal, user_id in principals.items():
            if principal is None or expected in (EVERYONE, ANY_LOGIN):
                continue
            try:
                status = _request(app, "GET", route[1], user_id).status_code
            except Exception as error:  # the test app propagates a view's exception
                status = repr(error)
            want = 200 if principal in expected else 403
            if status != want:
                wrong.append(f"GET {path} as {principal}: {status}, expected {want}")
    assert wrong == [], "\n".join(wrong)


def _route(adapter: MapAdapter, path: str) -> tuple[str, str] | None:
    """The endpoint serving ``path`` and its own path (``/tasks`` is ``/tasks/``), or ``None``."""
    try:
        return adapter.match(path, method="GET")[0], path
    except RequestRedirect as redirect:
        return _route(adapter, urlsplit(redirect.new_url).path)
    except HTTPException:
        return None


def _rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _requests(rules: list[Rule]) -> list[tuple[str, Rule]]:
    """Each route's GET and POST (with empty data); every GET first, so no POST can change
    what a GET sees."""
    pairs = [
        (method, rule) for rule in rules for method in ("GET", "POST") if method in rule.methods
    ]
    return sorted(pairs, key=lambda pair: (pair[0] != "GET", pair[1].rule))


def _check(
    app: Flask, method: str, rule: Rule, seeded: Seeded, principal: Principal, user_id: int | None
) -> Iterator[str]:
    with app.test_request_context():
        url = url_for(rule.endpoint, **URL_PARAMS.get(rule.endpoint, lambda _: {})(seeded))
        stated = route_rule(rule.endpoint)
    who = principal or "anonymous"
    try:
        response = _request(app, method, url, user_id)
    except Exception as error:  # the test app propagates a view's exception: report it
        yield f"{method} {url} ({rule.endpoint}) as {who}: raised {error!r}"
        return
    object_roles = OBJECT_ROLES.get(rule.endpoint, set(Role))
    problem = _verdict(stated, principal, response, object_roles)
    if problem:
        yield f"{method} {url} ({rule.endpoint}) as {who}: {response.status_code}, {problem}"


def _verdict(
    stated: Any, principal: Principal, response: TestResponse, object_roles: set[Role] | Any
) -> str | None:
    status = response.status_code
    if status >= 500:
        return "server error"
    if stated == TOKEN:
        return None if status == 401 else "expected 401 (a token route, no token sent)"
    to_login = status in (301, 302, 303) and urlsplit(response.location).path == "/login"
    if stated == PUBLIC:
        return "a public route refused" if status in (401, 403) or to_login else None
    if principal is None:
        return None if to_login else "expected a redirect to the login page"
    if stated == LOGIN or (principal in stated and principal in object_roles):
        return "refused a role the route admits" if status == 403 else None
    return None if status == 403 else "expected 403 for a role the route does not admit"


def _request(app: Flask, method: str, url: str, user_id: int | None) -> TestResponse:
    client = app.test_client()
    with app.app_context():
        limiter.reset()
        # the session id carries the user's session version (a logout moves it on)
        user = db.session.get(User, user_id) if user_id is not None else None
        session_id = user.get_id() if user is not None else None
        db.session.remove()
    if session_id is not None:
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True
    return client.open(url, method=method, data={})


def _readable(stated: Any) -> set[Role] | str:
    if stated == PUBLIC:
        return EVERYONE
    if stated == LOGIN:
        return ANY_LOGIN
    if isinstance(stated, frozenset):
        return {Role(role) for role in stated}
    return repr(stated)


HOLDER = "holder.med"


@pytest.fixture
def assigned(app, web_engine) -> str:
    """A task the diagram assigned to the mediator ``holder.med`` (a case in every user's
    scope), and that mediator."""
    started = start_assigned_case(web_engine, departments=(), mediator=HOLDER)
    with app.app_context():
        _add_user(HOLDER, Role.MEDIATOR)
        db.session.commit()
    return only_ready(web_engine, started.instance_id, "mediate").id


def _assigned_answer(principal: Principal | str) -> int | str:
    """What opening a task assigned to someone else answers each user, written by hand."""
    if principal == HOLDER:
        return 200
    if principal is None:
        return "login"
    if principal in SUPERVISORS:
        return 200
    if principal in CASEWORKER_ROLES:
        return 404  # another mediator too: the task is not theirs, and not shown to exist
    return 403


def test_a_task_assigned_to_a_person_answers_its_holder_and_supervisors_only(
    app, assigned, principals
):
    with app.app_context():
        holder_id = db.session.scalar(select(User.id).where(User.username == HOLDER))
    users: dict[Principal | str, int | None] = {**principals, HOLDER: holder_id}
    wrong = []
    for principal, user_id in users.items():
        want = _assigned_answer(principal)
        response = _request(app, "GET", f"/tasks/{assigned}", user_id)
        got = response.status_code
        if want == "login":
            got = "login" if urlsplit(response.location or "").path == "/login" else got
        if got != want:
            wrong.append(f"GET as {principal}: {got}, expected {want}")
        if want == 404:  # nor may they submit, claim or hand it back
            for action in ("", "/claim", "/unclaim"):
                status = _request(app, "POST", f"/tasks/{assigned}{action}", user_id).status_code
                if status != 404:
                    wrong.append(f"POST {action or 'submit'} as {principal}: {status}")
    assert wrong == [], "\n".join(wrong)
    assert Role.MEDIATOR in principals, "another user of the holder's role is among them"
