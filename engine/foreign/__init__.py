"""Diagrams made elsewhere (Camunda, Flowable, Activiti, Zeebe, Signavio): what we read of
their extensions, what we translate, and what we ignore (each ignored one is a warning).

* ``parsers``: parser classes that read ``camunda:decisionRef`` on a business-rule task and
  ``camunda:assignee`` / ``candidateUsers`` on a user task (and their Flowable/Activiti
  twins) as our own ``calledDecisionId`` and assignment properties;
* ``translate``: ``${…}`` (JUEL) conditions and timers that have a plain Python twin are
  rewritten before parsing; bare ISO timer literals of foreign files are quoted;
* ``loops``: Camunda's and Zeebe's multi-instance collections and Zeebe's called process
  rewritten into BPMN 2.0's own elements;
* ``ignored``: every other foreign attribute or extension element, listed as a warning
  naming the element and the extension, so nothing is dropped silently.
"""

from .ignored import ignored_extensions
from .juel import to_python
from .loops import rewrite_vendor_loops
from .parsers import PARSER_OVERRIDES
from .translate import translate_tree

__all__ = [
    "PARSER_OVERRIDES",
    "ignored_extensions",
    "rewrite_vendor_loops",
    "to_python",
    "translate_tree",
]
