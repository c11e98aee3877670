"""Outcome framework reference data (being built)."""
