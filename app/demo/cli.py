"""`flask demo seed` (placeholder until built)."""
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")
