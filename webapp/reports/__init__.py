"""统计报表: the leadership dashboard (领导驾驶舱), the issued reports (日汇总、周研判、月总结、
季汇报 and on demand) with their workbooks and print versions, and the court's monthly
filings the county center enters. Each page lives in its own module, registering its
routes on ``bp``; import it below."""

from . import court_views, dashboard_views, snapshot_views  # noqa: F401 (routes)
from .blueprint import bp

__all__ = ["bp"]
