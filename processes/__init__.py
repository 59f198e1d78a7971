"""The 综治 domain: roles, cases, codes, calendars and the verbs diagrams call.

Knows nothing of HTTP; builds on ``engine`` and is used by ``webapp``.
"""
