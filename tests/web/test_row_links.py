"""A list's row links are built once per page (``webapp.row_links``) and are the addresses
``url_for`` gives, for string ids (tasks) and integer ids (cases)."""

from __future__ import annotations

from flask import url_for

from webapp.row_links import row_link


def test_a_row_link_is_the_address_url_for_gives(app):
    with app.test_request_context("/"):
        task, case = row_link("tasks.show", "task_id"), row_link("cases.show", "case_id")
        for task_id in ("0b9f5c1e-3a0d-4d1e-9f43-2c1b5a7e8d90", "带 空格/斜杠?#", "a%2Fb"):
            assert task(task_id) == url_for("tasks.show", task_id=task_id)
        for case_id in (1, 42, 7305962817364509):
            assert case(case_id) == url_for("cases.show", case_id=case_id)
        claim = row_link("tasks.claim", "task_id")
        assert claim("x") == url_for("tasks.claim", task_id="x") == "/tasks/x/claim"
