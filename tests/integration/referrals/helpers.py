"""Helpers for the referral tests: the framework in force, families through the case services, and
referrals through the referral services (committed to the test's savepoint, like factory rows)."""
from datetime import date

from app.cases import services as case_services
from app.common.time import today_london
from app.extensions import db
from app.framework import queries as framework_queries
from app.framework.services import seed_default_framework, version_in_force
from app.referrals import services


def framework():
    if version_in_force(today_london()) is None:
        seed_default_framework()
        db.session.commit()
    return version_in_force(today_london())


def reason_codes(n=2):
    return framework_queries.valid_reason_codes(framework())[:n]


def family(postcode="DM1 2AB", people=(), **kwargs):
    fam = case_services.create_family(address_line_1="1 Mill Lane", town="Northfield", postcode=postcode, **kwargs)
    for person in people:
        case_services.add_person(fam, **person)
    db.session.commit()
    return fam


def person(given, family_name, dob=None, relationship="parent", **kwargs):
    return {"given_name": given, "family_name": family_name, "date_of_birth": dob,
            "relationship_to_family": relationship, **kwargs}


def referral_data(people=None, **overrides):
    data = {
        "address_line_1": "1 Mill Lane", "town": "Northfield", "postcode": "DM1 2AB",
        "people": people or [person("Sarah", "Smith", date(1988, 4, 12)),
                             person("Olivia", "Smith", date(2014, 6, 3), "child")],
        "reasons": reason_codes(), "summary": "Attendance is falling and rent is in arrears.",
        "consent_position": "agreed",
    }
    data.update(overrides)
    return data


def referral(referrer, *, received_on=None, **overrides):
    framework()
    clean = services.clean_referral(referral_data(**overrides))
    made = services.create_referral(clean, referrer=referrer, received_on=received_on)
    db.session.commit()
    return made
