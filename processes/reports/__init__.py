"""Reports: periods, the metrics defined once, and the report a snapshot stores.

``periods`` names the spans (日汇总、周研判、月总结、季汇报、按需); ``metrics`` holds one
function per figure with its exact definition; ``report.build_report`` puts a region's
figures for a period into the JSON-serialisable dict snapshots store and pages render.
Everything is read from projection tables (cases, mediations, callbacks, court figures),
never from workflow state.
"""
