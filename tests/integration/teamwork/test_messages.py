"""Secure messages: withheld from agencies that may not see the category, mentions notify once, bad input
is refused with the typed text kept, and a double submission sends one message."""
from sqlalchemy import func, select

from app.auth.models import User
from app.cases import services as case_services
from app.common.notification_models import Notification
from app.extensions import db
from app.teamwork import services
from app.teamwork.models import Message
from tests.conftest import post_form
from tests.integration.teamwork.conftest import client_for


def _messages():
    return db.session.scalar(select(func.count(Message.id)))


def _told(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == "mentioned")
                              .order_by(Notification.id)).all()


def test_start_a_discussion_and_reply(app, team, factory):
    colleague = factory.user("practitioner", agency=team.key_worker.agency)  # early help: reads its case notes
    case_services.add_team_member(team.family, role_description="Family support worker", user=colleague,
                                  joined_on=team.family.attached_on)
    db.session.commit()
    kw = client_for(app, team.key_worker)
    url = f"/families/{team.family.id}/messages/new"
    response = post_form(kw, url, {"subject": "Attendance plan", "body": "School meeting on Friday",
                                   "category": "case_note",
                                   "mention_user_ids": [str(team.police.id), str(colleague.id)]})
    assert response.status_code == 302
    thread_url = response.headers["Location"]
    page = kw.get(thread_url).get_data(as_text=True)
    assert "School meeting on Friday" in page and "Attendance plan" in page
    # The police officer may not read an early help case note (no agreement): not told, and the writer knows.
    assert f"Not told: {team.police.name}." in page and "no notification was sent" in page
    assert _told(team.police) == []
    [told] = _told(colleague)
    assert told.text.startswith(f"{team.key_worker.name} mentioned you in discussion 1 about family "
                                f"{team.family.reference} (")
    assert "Attendance" not in told.text and "Friday" not in told.text
    assert [m.user_id for m in db.session.scalar(select(Message)).mentions] == [colleague.id]
    reply = post_form(kw, thread_url, {"body": "Moved to Monday", "category": "case_note"})
    assert reply.status_code == 302
    assert "Moved to Monday" in kw.get(thread_url).get_data(as_text=True)
    # A second discussion: the colleague's two notifications lead to two places and read differently.
    second = post_form(kw, url, {"subject": "Housing", "body": "Arrears letter", "category": "case_note",
                                 "mention_user_ids": [str(colleague.id)]})
    assert "Not told" not in kw.get(second.headers["Location"]).get_data(as_text=True)
    first, other = _told(colleague)
    assert first.url != other.url and first.text != other.text and "discussion 2 about" in other.text


def test_a_mention_of_someone_who_may_read_only_part_of_the_family_follows_the_policy(app, team):
    """The health visitor may read their own agency's messages; told of an early help one about mental
    health they would find it withheld, so they are not told of it."""
    message = services.start_thread(team.family, subject="Low mood", body="CAMHS letter", category="mental_health",
                                    mention_user_ids=[team.health.id, team.police.id], actor=team.key_worker)
    assert message.mentions == [] and _told(team.health) == [] and _told(team.police) == []
    assert [u.id for u in services.untold_mentions(message, [team.health.id, team.police.id])] == sorted(
        [team.health.id, team.police.id], key=lambda i: (db.session.get(User, i).name, i))
    own = services.start_thread(team.family, subject="Visit", body="Weighed", category="health",
                                mention_user_ids=[team.health.id], actor=team.health)
    assert own.mentions == []  # nobody tells themselves
    answer = services.reply(message.thread, body="Seen", category="case_note", mention_user_ids=[team.key_worker.id],
                            actor=team.health)
    assert [m.user_id for m in answer.mentions] == []  # a health case note: no agreement lets it reach early help


def test_withheld_message_shows_that_it_exists_and_why(app, team):
    services.start_thread(team.family, subject="Health MARKER-SUBJECT", body="MARKER-BODY diagnosis",
                          category="health", actor=team.health)
    db.session.commit()
    police = client_for(app, team.police)
    listing = police.get(f"/families/{team.family.id}/messages").get_data(as_text=True)
    assert "MARKER" not in listing
    assert "withheld" in listing and team.health.agency.name in listing.replace("&#39;", "'")
    thread_id = db.session.scalar(select(Message.thread_id))
    page = police.get(f"/families/{team.family.id}/messages/{thread_id}").get_data(as_text=True)
    assert "MARKER" not in page and "no basis to share health information" in page


def test_bad_messages_are_refused_and_text_kept(app, team):
    kw = client_for(app, team.key_worker)
    url = f"/families/{team.family.id}/messages/new"
    before = _messages()
    empty = post_form(kw, url, {"subject": "Keep this subject", "body": "  ", "category": "case_note"})
    assert empty.status_code == 200
    text = empty.get_data(as_text=True)
    assert "Enter your message" in text and "Keep this subject" in text
    long = post_form(kw, url, {"subject": "Long", "body": "x" * (services.MESSAGE_LIMIT + 1), "category": "case_note"})
    assert "Your message must be 5,000 characters or fewer" in long.get_data(as_text=True)
    bad_category = post_form(kw, url, {"subject": "S", "body": "Typed words stay", "category": "gossip"})
    assert bad_category.status_code == 200 and "Typed words stay" in bad_category.get_data(as_text=True)
    outsider = post_form(kw, url, {"subject": "S", "body": "B", "category": "case_note",
                                   "mention_user_ids": ["999999"]})
    assert outsider.status_code == 200
    assert _messages() == before


def test_double_submit_sends_one_message(app, team):
    kw = client_for(app, team.key_worker)
    url = f"/families/{team.family.id}/messages/new"
    page = kw.get(url).get_data(as_text=True)
    import re

    token = re.search(r'name="form_token"[^>]*value="([^"]+)"', page).group(1)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf, "form_token": token, "subject": "Once", "body": "Only once", "category": "case_note"}
    before = _messages()
    assert kw.post(url, data=data).status_code == 302
    assert kw.post(url, data=data).status_code == 302
    assert _messages() == before + 1


def test_a_withheld_discussion_cannot_be_answered(app, team):
    services.start_thread(team.family, subject="Health MARKER-SUBJECT", body="MARKER-BODY diagnosis",
                          category="health", actor=team.health)
    db.session.commit()
    police = client_for(app, team.police)
    thread_id = db.session.scalar(select(Message.thread_id))
    url = f"/families/{team.family.id}/messages/{thread_id}"
    assert ">Reply</h2>" not in police.get(url).get_data(as_text=True)
    before = _messages()
    response = post_form(police, url, {"body": "Blind answer", "category": "crime", "form_token": "x"})
    assert response.status_code == 403 and _messages() == before


def test_programme_manager_reads_but_cannot_post(app, team):
    manager = client_for(app, team.manager)
    assert manager.get(f"/families/{team.family.id}/messages").status_code == 200
    assert manager.get(f"/families/{team.family.id}/messages/new").status_code == 403


def test_a_thread_of_another_family_is_404(app, team, factory):
    from app.cases import services as case_services

    other = case_services.create_family(postcode="LS1 1AA", lead_practitioner=team.key_worker, actor=team.key_worker)
    message = services.start_thread(other, subject="Elsewhere", body="B", category="case_note", actor=team.key_worker)
    db.session.commit()
    kw = client_for(app, team.key_worker)
    assert kw.get(f"/families/{team.family.id}/messages/{message.thread_id}").status_code == 404


def test_discussions_are_paged(app, team):
    """22 discussions: 20 on the first page (latest activity first), 2 on the second, with the shared pager."""
    for n in range(1, 23):
        services.start_thread(team.family, subject=f"Topic {n:02d}", body="Hello", category="case_note",
                              actor=team.key_worker)
    db.session.commit()
    kw = client_for(app, team.key_worker)
    url = f"/families/{team.family.id}/messages"
    first = kw.get(url).get_data(as_text=True)
    assert "Topic 22" in first and "Topic 03" in first and "Topic 02" not in first
    assert "Discussions 1 to 20 of 22" in first and "govuk-pagination" in first and f"{url}?page=2" in first
    second = kw.get(f"{url}?page=2").get_data(as_text=True)
    assert "Topic 02" in second and "Topic 01" in second and "Topic 03" not in second
    assert "1 message." in second


def test_a_long_discussion_opens_on_its_newest_messages(app, team):
    first = services.start_thread(team.family, subject="Long", body="Message 01", category="case_note",
                                  actor=team.key_worker)
    for n in range(2, 28):  # 27 messages: 25 on page 1, 2 on page 2
        services.reply(first.thread, body=f"Message {n:02d}", category="case_note", actor=team.key_worker)
    db.session.commit()
    kw = client_for(app, team.key_worker)
    url = f"/families/{team.family.id}/messages/{first.thread_id}"
    newest = kw.get(url).get_data(as_text=True)
    assert "Message 27" in newest and "Message 26" in newest and "Message 25" not in newest
    assert "Messages 26 to 27 of 27" in newest and f"{url}?page=1" in newest
    assert "Reply" in newest
    oldest = kw.get(f"{url}?page=1").get_data(as_text=True)
    assert "Message 01" in oldest and "Message 25" in oldest and "Message 26" not in oldest
    assert kw.get(f"{url}?page=9").status_code == 200  # past the end: an empty page, not an error
