"""The main menu: each entry shows to the roles its page admits, once the page exists."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_login import current_user

from .security import LOGIN, route_rule


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    prefix: str
    """The path prefix that marks the entry as the current section."""


NAV: tuple[NavItem, ...] = (
    NavItem("首页", "home.index", "/"),
    NavItem("我的待办", "tasks.index", "/tasks"),
    NavItem("受理登记", "intake.new", "/intake"),
    NavItem("案件查询", "cases.index", "/cases"),
    NavItem("督办", "supervision.board", "/supervision"),
    NavItem("我包案的案件", "leader.index", "/leader"),
    NavItem("统计报表", "reports.dashboard", "/reports"),
    NavItem("排查台账", "screening.ledger", "/screening"),
    NavItem("流程设计", "designer.index", "/designer"),
    NavItem("审计", "audit.index", "/audit"),
    NavItem("系统管理", "admin.index", "/admin"),
)


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"nav_items": visible_items})


def visible_items() -> list[tuple[NavItem, bool]]:
    """The entries the current user may open, each with whether it is the current section."""
    if not current_user.is_authenticated:
        return []
    shown = []
    for item in NAV:
        if item.endpoint not in current_app.view_functions:
            continue
        rule = route_rule(item.endpoint)
        if rule == LOGIN or (isinstance(rule, frozenset) and rule & current_user.roles):
            shown.append((item, _is_current(item)))
    return shown


def _is_current(item: NavItem) -> bool:
    if item.prefix == "/":
        return request.path == "/"
    return request.path.startswith(item.prefix)
