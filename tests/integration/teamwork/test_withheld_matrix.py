"""A message, a meeting and a document in a category an agency may not see never reach that agency's
users: on any page, notification, outbox message or PDF. Marker strings are planted in every text field;
every role is tried; the holding agency's own worker sees them (so the test would notice a broken plant)."""
import io

import pytest
from sqlalchemy import select

from app.cases.access import family_ties
from app.cases.visibility import content_decision, facts_of
from app.common.outbox_models import OutboxMessage
from app.common.time import today_london
from app.extensions import db
from app.sharing.policy import Viewer
from app.teamwork import services
from tests.integration.teamwork.conftest import PDF_BYTES, client_for

MARK = "ZQXMARK"
ROLES = [("key_worker", "early_help"), ("practitioner", "police"), ("practitioner", "school"),
         ("programme_manager", "early_help"), ("finance_officer", "early_help"), ("internal_auditor", "early_help"),
         ("ig_officer", "early_help"), ("agency_admin", "police"), ("admin", "early_help")]


class _Upload:
    def __init__(self):
        self.stream, self.filename, self.mimetype = io.BytesIO(PDF_BYTES), f"{MARK}-file.pdf", "application/pdf"


@pytest.fixture
def planted(app, team):
    message = services.start_thread(team.family, subject=f"{MARK} subject", body=f"{MARK} body", category="health",
                                    person_ids=[team.child.id], mention_user_ids=[team.police.id, team.key_worker.id],
                                    actor=team.health)
    meeting = services.record_meeting(team.family, kind="team_around_family", held_on=today_london(),
                                      agenda=f"{MARK} agenda", minutes=f"{MARK} minutes", family_views=f"{MARK} views",
                                      decisions=f"{MARK} decisions", category="health",
                                      attendee_user_ids=[team.health.id, team.police.id], actor=team.health)
    document = services.add_document(team.family, title=f"{MARK} title", description=f"{MARK} description",
                                     category="health", upload=_Upload(), actor=team.health)
    db.session.commit()
    return message, meeting, document


def _urls(team, message, meeting, document):
    base = f"/families/{team.family.id}"
    return [f"{base}/messages", f"{base}/messages/{message.thread_id}", f"{base}/meetings",
            f"{base}/meetings/{meeting.id}", f"{base}/meetings/{meeting.id}/minutes.pdf", f"{base}/documents",
            f"{base}/documents/{document.id}", f"{base}/documents/{document.id}/versions/1", f"{base}/timeline",
            f"{base}", "/notifications", "/tasks", "/"]


def _seen(client, urls, pdfs):
    out = []
    for url in urls:
        response = client.get(url)
        out.append((url, response.status_code, response.get_data(as_text=True) if response.mimetype != (
            "application/pdf") else pdfs[-1] if pdfs else ""))
    return out


def test_withheld_everywhere_for_every_role(app, team, factory, planted, monkeypatch):
    pdfs = []
    monkeypatch.setattr("app.teamwork.routes.render_pdf", lambda html, **_: pdfs.append(html) or b"%PDF-fake")
    message = planted[0]
    urls = _urls(team, *planted)
    users = [team.key_worker, team.police, team.manager] + [factory.user(role, agency_kind=kind) for role, kind in
                                                            ROLES]
    ties = family_ties(team.family)
    checked = 0
    for user in users:
        if content_decision(Viewer.of(user), facts_of(ties, message)):
            continue  # this user's agency may see health records here (none in this matrix)
        for url, status, body in _seen(client_for(app, user), urls, pdfs):
            assert MARK not in body, (user.role.value, url, status)
            checked += 1
    assert checked >= len(urls) * len(users) - len(urls)
    # The team sees that the records exist and why they are withheld (not a blank or an error page).
    for user in (team.police, team.key_worker):
        seen = {url: (status, body) for url, status, body in _seen(client_for(app, user), urls, pdfs)}
        for url in urls[:7] + urls[8:9]:
            status, body = seen[url]
            assert status == 200 and "withheld" in body, (user.role.value, url)
    # The mentions reached police and the key worker without content; the outbox carries nothing either.
    for row in db.session.scalars(select(OutboxMessage)).all():
        assert MARK not in row.subject + row.body + row.recipient
    # The holding agency's own worker sees everything that was planted.
    own = client_for(app, team.health)
    seen = " ".join(body for _, _, body in _seen(own, urls, pdfs))
    for field in ("subject", "body", "agenda", "minutes", "views", "decisions", "title", "description"):
        assert f"{MARK} {field}" in seen, field
