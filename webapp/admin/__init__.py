"""系统管理: users, roles, regions, departments and reference data; units, the roster of
mediators, department stations and their duty rota."""

from . import (  # noqa: F401 (routes)
    calendar_views,
    reference_views,
    roster_views,
    rule_views,
    station_views,
    timer_views,
    unit_views,
    user_views,
)
from .views import bp

__all__ = ["bp"]
