"""`flask users ...` (placeholder until built)."""
from flask.cli import AppGroup

users_cli = AppGroup("users", help="Manage user accounts.")
