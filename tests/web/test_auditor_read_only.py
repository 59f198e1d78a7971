"""Auditors read, never change: every route that takes a POST, PUT, PATCH or DELETE refuses
a user whose only role is 审计, and nothing in the database changes, except the routes of
the allow-list below, each with its reason.

Routes come from ``app.url_map``, so a new write route is checked without editing this file.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, url_for
from sqlalchemy import select, text
from werkzeug.routing import Rule

from engine.db import db
from webapp.limits import limiter
from webapp.security import TOKEN, route_rule

from .test_permission_matrix import URL_PARAMS, seeded  # noqa: F401 (the fixture)

WRITES = ("POST", "PUT", "PATCH", "DELETE")
ALLOWED: dict[str, str] = {
    "auth.login": "logging in changes nothing but the visitor's own session",
    "auth.logout": "logging out ends the auditor's own session",
    "lookup.index": "the public progress lookup posts a code and four digits and only reads",
    "audit.verify": "verifies the hash chain: a read; it logs only that it ran (history_verified)",
    "audit.verify_part": "one part of the same verify, from the page's script",
    "audit.verify_case_chain": "verifies one case's rows: a read, logged like the others",
}
"""Write routes an auditor may use, and why none of them changes what is audited."""
VERIFY_LOG = "history_verified"


def _url(app: Flask, rule: Rule, objects) -> str:
    """The route's URL with the seeded objects, or placeholders (a refusal comes first)."""
    if rule.endpoint in URL_PARAMS:
        values = URL_PARAMS[rule.endpoint](objects)
    else:
        values = {name: 1 if f"<int:{name}>" in rule.rule else "x" for name in rule.arguments}
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _fingerprint(app: Flask, *, ignore_events: tuple[str, ...] = ()) -> str:
    """A digest of every row of every table (history rows of ``ignore_events`` left out)."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            if table.name == "history_event" and ignore_events:
                query = query.where(table.c.event_type.not_in(ignore_events))
            if table.name == "history_head":
                continue  # moves with every appended row; the rows themselves are compared
            for row in db.session.execute(query):
                digest.update(repr(tuple(row)).encode())
        db.session.remove()
    return digest.hexdigest()


def _write_rules(app: Flask) -> list[tuple[str, Rule]]:
    return sorted(
        (
            (method, rule)
            for rule in app.url_map.iter_rules()
            for method in WRITES
            if method in rule.methods
        ),
        key=lambda pair: (pair[1].rule, pair[0]),
    )


def _open(client, method: str, url: str) -> Any:
    with client.application.app_context():
        limiter.reset()
    return client.open(url, method=method, data={})


def test_every_write_route_refuses_the_auditor_and_changes_nothing(
    app,
    seeded,  # noqa: F811 (the fixture)
    login_as,
):
    client = login_as("shen", "审计")
    before = _fingerprint(app)
    checked, wrong = [], []
    for method, rule in _write_rules(app):
        if rule.endpoint in ALLOWED:
            continue
        url = _url(app, rule, seeded)
        with app.test_request_context():
            refused = 401 if route_rule(rule.endpoint) == TOKEN else 403
        status = _open(client, method, url).status_code
        checked.append(rule.endpoint)
        if status != refused:
            wrong.append(f"{method} {url} ({rule.endpoint}): {status}, expected {refused}")
    assert wrong == [], "\n".join(wrong)
    assert len(checked) >= 10, "the app has more write routes than that"
    assert {"reports.generate", "reports.save_court_filing"} <= set(checked), (
        "issuing a report and entering court figures are writes the auditor is refused"
    )
    assert _fingerprint(app) == before, "a refused request changed the database"


def test_the_allowed_audit_posts_only_log_that_they_ran(app, seeded, login_as):  # noqa: F811
    client = login_as("shen", "审计")
    before = _fingerprint(app, ignore_events=(VERIFY_LOG,))
    for method, rule in _write_rules(app):
        if rule.endpoint.startswith("audit."):
            assert rule.endpoint in ALLOWED, f"{rule.endpoint}: a new audit write route"
            response = _open(client, method, _url(app, rule, seeded))
            assert response.status_code == 200, rule.endpoint
    assert _fingerprint(app, ignore_events=(VERIFY_LOG,)) == before
    with app.app_context():
        logged = db.session.execute(
            text("SELECT count(*) FROM history_event WHERE event_type = :t"), {"t": VERIFY_LOG}
        ).scalar()
        db.session.remove()
    assert logged == 3


def test_the_allow_list_names_only_existing_write_routes(app):
    writes = {rule.endpoint for _, rule in _write_rules(app)}
    assert set(ALLOWED) <= writes
