"""Outcomes: evidence, resolution and sustainment of needs, the claim rule sets and the near-miss view.

The rule sets (`rules.py`), sustainment (`sustainment.py`) and calendar arithmetic (`dates.py`) are pure
functions over the plain facts in `facts.py`: no database, no Flask, so claims and the near-miss view
share one judgement that the unit tests pin down with worked examples.
"""
