"""流程设计: the process library, the modeler, validation, deploy, diff, trial runs, migration.

Each page lives in its own module, registering its routes on ``bp``; import it below.
"""

from . import (  # noqa: F401 (routes)
    diff_views,
    dmn_editor,
    form_editor,
    library,
    migration_views,
    modeler,
    trial,
    trial_autorun,
)
from .blueprint import bp

__all__ = ["bp"]
