"""Who may see what: the records the sharing rule reads, and policy.py, the one place that decides."""
