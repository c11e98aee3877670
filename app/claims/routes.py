"""Claims pages (placeholder: filled in below)."""
from flask import Blueprint

from app.claims import jobs as claim_jobs
from app.claims import services
from app.outcomes.facts_builder import register_facts_provider

bp = Blueprint("claims", __name__, url_prefix="/claims", template_folder="templates")


@bp.record_once
def _register(state):
    claim_jobs.register()
    register_facts_provider(services.claims_facts_provider)
