from datetime import date, timedelta

from app.cases import services
from app.common.time import today_london
from app.extensions import db
from tests.conftest import signed_in_client


def test_my_families_shows_status_next_review_and_overdue_actions(casework):
    kw = casework.key_worker
    services.add_plan_goal(casework.family, action="Late action", owner_agency=kw.agency,
                           due_on=today_london() - timedelta(days=3), actor=kw)
    services.add_plan_review(casework.family, due_on=today_london() + timedelta(days=10), actor=kw)
    db.session.commit()
    html = casework.kw_client.get("/families/mine").get_data(as_text=True)
    assert casework.family.reference in html
    assert (today_london() + timedelta(days=10)).strftime("%-d %B %Y") in html
    assert '<strong class="govuk-tag govuk-tag--red">1</strong>' in html
    # The police practitioner is on the team, so the family is theirs too.
    assert casework.family.reference in casework.police_client.get("/families/mine").get_data(as_text=True)


def test_my_families_costs_the_same_for_many_families(casework, app, count_queries):
    def cost():
        with count_queries() as counter:
            assert casework.kw_client.get("/families/mine").status_code == 200
        return counter.count

    small = cost()
    for n in range(15):
        family = services.create_family(lead_practitioner=casework.key_worker, status="attached",
                                        attached_on=today_london())
        services.add_person(family, given_name=f"P{n}", family_name="Test", relationship_to_family="parent")
        services.add_plan_review(family, due_on=today_london(), actor=casework.key_worker)
    db.session.commit()
    assert cost() == small


def _search(client, **params):
    return client.get("/families/search", query_string=params).get_data(as_text=True)


def test_search_is_typo_tolerant_and_finds_by_identifiers(casework):
    ref = casework.family.reference
    client = casework.kw_client
    for query in ["Smith", "smiht", "Smyth", "natalie smith", "Natlie", ref, ref.lower(), "943 476 5919", "LS2 7HY"]:
        assert ref in _search(client, q=query), query
    assert ref in _search(client, q="", date_of_birth=["2", "3", "2015"])
    assert ref not in _search(client, q="Jones")
    assert ref not in _search(client, q="Smith", date_of_birth=["1", "1", "2001"])


def test_search_only_finds_families_the_user_may_open(casework, factory, app):
    outsider = signed_in_client(app, factory.user("practitioner", agency_kind="health"))
    html = _search(outsider, q="Smith")
    assert casework.family.reference not in html and "No families found" in html


def test_search_refuses_bad_input_clearly(casework):
    html = _search(casework.kw_client, q="Smith", date_of_birth=["30", "2", "2015"])
    assert "Date of birth (optional) must be a real date" in html and 'value="30"' in html
    html = _search(casework.kw_client, q="x" * 101)
    assert "must be 100 characters or fewer" in html


def test_search_pages_are_full_and_counted(casework, app):
    for n in range(25):
        family = services.create_family(lead_practitioner=casework.key_worker)
        services.add_person(family, given_name="Amy", family_name=f"Smithson{n}", relationship_to_family="parent",
                            date_of_birth=date(1990, 1, 1))
    db.session.commit()
    first = _search(casework.kw_client, q="Smith")
    assert "26 families found" in first
    second = casework.kw_client.get("/families/search", query_string={"q": "Smith", "page": 2}).get_data(as_text=True)
    assert second.count("/families/") >= 6
