"""The public citizen lookup (进度查询), rate-limited."""

from .views import bp

__all__ = ["bp"]
