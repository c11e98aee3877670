"""`flask users create | list | disable`."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.extensions import db
from tests.conftest import post_form

PASSWORD = "a-long-enough-cli-phrase-9"


def _run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=["users", *args], **kwargs)


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _create_args(agency_name, email="cli.person@test.example", role="key_worker", *extra):
    return ["create", "--email", email, "--name", "Cli Person", "--role", role, "--agency", agency_name, *extra]


def test_create_makes_a_user_who_can_sign_in(app, client, factory):
    agency = factory.agency("early_help", name="Northshire Early Help")
    result = _run(app, *_create_args("northshire early help", "Cli.Person@test.example", "agency_admin",
                                     "--designated-lead", "--password", PASSWORD))
    assert result.exit_code == 0, result.output
    db.session.rollback()  # the command committed: there is no request boundary to do it
    user = _user("cli.person@test.example")
    assert (user.role, user.agency_id, user.is_designated_lead) == (Role.AGENCY_ADMIN, agency.id, True)
    assert f"Created user {user.id}" in result.output
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "UserCreated")).all()
    assert [e.object_id for e in created] == [str(user.id)]
    response = post_form(client, "/sign-in", {"email": "cli.person@test.example", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_create_prompts_for_the_password_twice_when_not_given(app, factory):
    agency = factory.agency()
    result = _run(app, *_create_args(agency.name), input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed hidden
    assert _user("cli.person@test.example") is not None


def test_create_reads_the_password_from_the_environment(app, factory):
    agency = factory.agency()
    result = _run(app, *_create_args(agency.name), env={"HEARTH_NEW_USER_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert _user("cli.person@test.example") is not None


def test_create_refuses_an_unknown_role(app, factory):
    agency = factory.agency()
    result = _run(app, *_create_args(agency.name, "cli.person@test.example", "overlord", "--password", PASSWORD))
    assert result.exit_code != 0
    assert "overlord" in result.output and "key_worker" in result.output
    assert _user("cli.person@test.example") is None


def test_create_refuses_an_unknown_agency(app):
    result = _run(app, *_create_args("No Such Agency", "cli.person@test.example", "key_worker", "--password", PASSWORD))
    assert result.exit_code != 0
    assert "No agency is called 'No Such Agency'" in result.output
    assert _user("cli.person@test.example") is None


def test_create_refuses_a_weak_password_and_a_taken_email(app, factory):
    agency = factory.agency()
    result = _run(app, *_create_args(agency.name, "cli.person@test.example", "key_worker", "--password", "short"))
    assert result.exit_code != 0 and "Password must be 12 characters or more" in result.output
    existing = factory.user(email="taken@test.example")
    result = _run(app, *_create_args(agency.name, "TAKEN@test.example", "key_worker", "--password", PASSWORD))
    assert result.exit_code != 0 and "already exists" in result.output
    assert db.session.scalars(select(User).where(User.email == "taken@test.example")).all() == [existing]


def test_list_shows_users_by_name(app, factory):
    factory.user(name="Zed Listed", email="zed@test.example")
    factory.user(name="Amy Listed", email="amy@test.example", active=False)
    result = _run(app, "list")
    assert result.exit_code == 0
    assert result.output.index("amy@test.example") < result.output.index("zed@test.example")
    assert "disabled" in result.output


def test_disable_ends_access_and_is_audited(app, factory):
    from tests.conftest import signed_in_client

    user = factory.user(email="leaver@test.example")
    user_client = signed_in_client(app, user)
    assert user_client.get("/").status_code == 200
    result = _run(app, "disable", "--email", "Leaver@test.example")
    assert result.exit_code == 0, result.output
    db.session.rollback()  # committed by the command
    assert user.active is False
    updated = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "UserUpdated")).all()
    assert [(e.object_id, e.details["active"]) for e in updated] == [(str(user.id), False)]
    assert user_client.get("/").status_code == 302


def test_disable_refuses_an_unknown_email(app):
    result = _run(app, "disable", "--email", "nobody@test.example")
    assert result.exit_code != 0 and "No user has the email address" in result.output
