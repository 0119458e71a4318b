"""Dashboards, the monthly report, the term and year summaries, the school archive, the yearly
assessment of inspectors and exports.

An app of its own because a report is the one concept that spans every other app: it counts
schools, assignments, visits, rectification items, meetings, notices and public submissions at
once. It sits at the top of the import chain and only reads the others (through their scoped
querysets); nothing below imports it. What it owns is what a report adds: the issued monthly
report with its versions and file, the export jobs run by the worker, and the office's manual
adjustments and commendations of the yearly assessment.
"""
