"""Users, roles and login: models, services, the ``auth`` blueprint and the ``users`` CLI;
the ``settings`` blueprint (我的设置: a stand-in while away)."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from . import settings_views, stand_ins, views

__all__ = ["init_app", "stand_ins"]


def init_app(app: Flask) -> None:
    """Bind Flask-Login to ``app`` and register the login pages."""
    login_manager = LoginManager(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"
    login_manager.user_loader(views.load_user)
    app.register_blueprint(views.bp)
    app.register_blueprint(settings_views.bp)
