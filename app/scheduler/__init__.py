"""The scheduler process (`flask scheduler run`): system jobs declared in schedule.py, schedule sources
re-read every minute, and the background jobs queue (app/common/jobs.py). Never started by the web app."""
