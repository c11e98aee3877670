from flask import Blueprint

bp = Blueprint("framework", __name__, url_prefix="/framework", template_folder="templates")
