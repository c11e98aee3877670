"""Demo data for a lived-in demo council (never in production)."""
