"""Every admin route is for 管理员 only: other roles get 403, visitors the login page."""

from __future__ import annotations

import pytest

from processes.roles import Role
from webapp.security import ADMIN_ROLES

SAMPLE_ARGS = {
    "user_id": 1,
    "kind": "region",
    "code": "620702",
    "key": "x",
    "day": "2099-10-01",
    "entry_id": 1,
    "station_id": 1,
}


def _admin_requests(app) -> list[tuple[str, str]]:
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("admin."):
                continue
            path = rule.build({name: SAMPLE_ARGS[name] for name in rule.arguments})[1]
            found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_the_admin_routes_are_all_found(app):
    requests = _admin_requests(app)
    assert ("GET", "/admin/") in requests and ("POST", "/admin/users/new") in requests
    assert len(requests) >= 14
    with app.test_request_context():
        rules = {
            app.view_functions[r.endpoint].allowed_roles
            for r in app.url_map.iter_rules()
            if r.endpoint.startswith("admin.")
        }
    assert rules == {ADMIN_ROLES}


@pytest.mark.parametrize("role", sorted(set(Role) - ADMIN_ROLES))
def test_every_other_role_is_refused(app, login_as, role):
    client = login_as(f"u_{role.name.lower()}", role)
    refused = {(m, p): client.open(p, method=m).status_code for m, p in _admin_requests(app)}
    assert set(refused.values()) == {403}, refused


def test_visitors_are_sent_to_login(app, client):
    for method, path in _admin_requests(app):
        response = client.open(path, method=method)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_the_menu_shows_admin_to_admins_only(login_as):
    admin = login_as("boss", "管理员")
    assert 'href="/admin/"' in admin.get("/").get_data(as_text=True)
    admin.post("/logout")
    worker = login_as("wang", "网格员")
    assert 'href="/admin/"' not in worker.get("/").get_data(as_text=True)
