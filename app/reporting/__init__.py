"""Reporting: the programme dashboard, group reports (PDF) with their archive and schedules, the statutory
returns (National Impact Study extract, quarterly progress return) and the family progress summary.

Figures come from SQL aggregates (`queries.py`); small numbers are suppressed by one pure function
(`suppression.py`) before anything leaves the dashboard; charts are drawn once (`charts.py`) for pages
(as `<img>`) and PDFs (inline SVG).
"""
