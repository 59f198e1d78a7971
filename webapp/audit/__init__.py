"""审计: execution history search, per-case replay, hash-chain verification, exports.

Auditors read, never change. Each page lives in its own module, registering its routes on
``bp``; import it below.
"""

from . import export_views, replay_views, search_views, verify_views  # noqa: F401 (routes)
from .blueprint import bp

__all__ = ["bp"]
