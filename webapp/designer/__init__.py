"""流程设计: the process library, the modeler, validation, deploy, diff, trial runs, migration.

Each page lives in its own module, registering its routes on ``bp``; import it below.
"""

from . import diff_views, dmn_editor, form_editor, library, modeler  # noqa: F401 (routes)
from . import trial  # noqa: F401 (routes)
from .blueprint import bp

__all__ = ["bp"]
