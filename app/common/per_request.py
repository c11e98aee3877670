"""Context processors worked out once a request. Flask runs every context processor for every template
rendered, and each GOV.UK form field renders a template of its own: without this, a page with a form of
four fields ran the menu's counts and the break-glass banner's query five times over."""
import functools

from flask import g, has_request_context


def once_per_request(context_processor):
    key = f"_once_{context_processor.__module__}.{context_processor.__qualname__}"

    @functools.wraps(context_processor)
    def wrapper():
        if not has_request_context():
            return context_processor()
        if key not in g:
            setattr(g, key, context_processor())
        return getattr(g, key)

    return wrapper
