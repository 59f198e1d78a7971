"""Every route states who may use it (``webapp.security``); none is left implicit."""

from __future__ import annotations

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
