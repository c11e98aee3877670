from flask.cli import AppGroup

framework_cli = AppGroup("framework", help="The outcome framework.")
