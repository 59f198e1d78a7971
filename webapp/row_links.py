"""Links of a list's rows, built once per page: ``url_for`` costs about 25 µs a call, and
a work-list page of 50 rows made 150 of them (4 ms of a 40 ms page, ``bench/worklist.py``).

In a template: ``{% set show = row_link('tasks.show', 'task_id') %}`` before the loop, then
``show(item.task_id)`` for each row: the same address ``url_for`` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from flask import Flask, url_for

SLOT = 7305962817364509
"""The placeholder: a number, so that integer converters take it too."""
SAFE = "!$&'()*+,/:;=@"
"""What Werkzeug's converters leave unquoted in a path segment (``BaseConverter.to_url``)."""


def row_link(endpoint: str, key: str, **values: object) -> Callable[[object], str]:
    """``url_for(endpoint, key=value, **values)`` as a function of ``value``: the address is
    built once with a placeholder, and each row's value is quoted into it."""
    head, tail = url_for(endpoint, **values, **{key: SLOT}).split(str(SLOT))
    return lambda value: f"{head}{quote(str(value), safe=SAFE)}{tail}"


def init_app(app: Flask) -> None:
    app.add_template_global(row_link)
