"""Loading the signed-in user on each request. The session holds "<user id>.<generation>": a disabled
user, or one whose generation was raised, is signed out at their next request on every instance."""
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db


def load_user(session_user_id: str):
    try:
        user_id, generation = (int(part) for part in session_user_id.split("."))
    except (ValueError, AttributeError):
        return None
    user = db.session.scalar(select(User).where(User.id == user_id))
    if user is None or not user.active or user.session_generation != generation:
        return None
    return user


def init_login_manager(login_manager):
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
