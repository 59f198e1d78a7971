"""Every route states who may use it (``webapp.security``); none is left implicit."""

from __future__ import annotations

import pytest

from webapp.security import LOGIN, PUBLIC, TOKEN


def test_every_route_states_its_rule(app):
    missing = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            stated = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
            if not (stated in (LOGIN, PUBLIC, TOKEN) or isinstance(stated, frozenset)):
                missing.append(f"{rule.rule} ({rule.endpoint})")
    assert missing == [], "routes without a stated rule: " + ", ".join(missing)


@pytest.mark.parametrize("path", ["/cases", "/cases/", "/tasks", "/tasks/", "/admin", "/admin/"])
def test_a_page_answers_with_or_without_a_trailing_slash(login_as, path):
    client = login_as("both", "县综治中心", "管理员")
    assert client.get(path).status_code == 200
