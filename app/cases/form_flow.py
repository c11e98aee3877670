"""The small steps every form page of a family takes around its service call: show a service's refusal
on the fields it names, and the one-time `form_token` that makes a second submission create nothing.
Any package above cases uses these rather than its own copy."""
from flask import request

from app.cases import services


def show_errors(form, error):
    """A service's refusal shown on the fields it names, so the error summary links to them. An error
    that names no field (or an unknown one) goes on the form's first visible field."""
    errors = getattr(error, "errors", None) or {getattr(error, "field", None) or "": str(error)}
    for name, message in errors.items():
        field = form._fields.get(name) or next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
        field.errors = [*field.errors, message]


def fresh_token(form):
    """Give a form shown for the first time (or posted without one) a new one-time token."""
    if request.method == "GET" or not form.form_token.data:
        form.form_token.data = services.new_form_token()


def already_sent(form):
    """The form's one-time token was used: the record exists; create nothing again."""
    return request.method == "POST" and services.form_token_used(form.form_token.data) is not None
