"""Families, people and the team around the family (being built)."""
