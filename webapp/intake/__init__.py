"""受理登记: the intake window."""

from .views import bp

__all__ = ["bp"]
